package dev.vecgrad.models.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.models.LiveHeap;
import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.data.Datasets;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.zoo.Mlp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Epochs leave no growing garbage: the live heap after epoch 5 is that after epoch 1. */
class TrainingMemoryTest {

    @Test
    void theLiveHeapIsFlatFromEpochOneToEpochFive() {
        Dataset.Split s = Datasets.blobs(4096, 784, 10, 1, 1).split(0.1, 1);
        Mlp net = new Mlp(new int[] {784, 128, 64, 10}, "relu", "none", new Random(1));
        List<Long> heap = new ArrayList<>();
        new Trainer(Objective.crossEntropy()).epochs(5).batchSize(64).onEpoch(m -> heap.add(LiveHeap.bytes()))
                .fit(net, new Optimizers.Adam(net.parameters(), 0.003), s.train(), s.validation());
        assertTrue(heap.get(4) - heap.get(0) < 4 << 20, "live heap after epochs 1..5: " + heap);
    }
}
