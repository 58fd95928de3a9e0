package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.data.Datasets;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.train.History;
import dev.vecgrad.models.train.Objective;
import dev.vecgrad.models.train.Trainer;
import dev.vecgrad.models.zoo.Mlp;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The JIT warm-up of the train and demo commands: it runs beside the real run and changes nothing in it. */
class JitWarmupTest {

    private static Mlp moonsNet(long seed) {
        return new Mlp(new int[] {2, 16, 16, 2}, "relu", "none", new Random(seed));
    }

    private static History trainMoons(long seed, int epochs, int batch) {
        Dataset.Split s = Datasets.moons(1000, 0.1, 1).split(0.2, 1);
        Mlp net = moonsNet(seed);
        return new Trainer(Objective.crossEntropy()).epochs(epochs).batchSize(batch).seed(seed)
                .fit(net, new Optimizers.Adam(net.parameters(), 0.01), s.train(), s.validation());
    }

    @Test
    void aJitWarmupRunsInTheBackgroundStopsOnCloseAndLeavesTheRealRunUnchanged() throws InterruptedException {
        History before = trainMoons(5, 3, 16);
        Dataset sample = JitWarmup.randomClassification(96, new int[] {2}, 2, 7);
        assertEquals(96, sample.size());
        assertEquals(2, sample.features());
        JitWarmup w = JitWarmup.start(() -> moonsNet(9), p -> new Optimizers.Adam(p, 0.01), Objective.crossEntropy(), sample, 32);
        History during = trainMoons(5, 3, 16);
        for (int i = 0; i < 6000 && w.steps() == 0; i++) {
            Thread.sleep(10); // waits for progress, does not time it
        }
        w.close();
        int steps = w.steps();
        assertTrue(steps > 0 && steps % 3 == 0, "warm-up steps " + steps);
        assertEquals(null, w.failure());
        Thread.sleep(50);
        assertEquals(steps, w.steps(), "the warm-up went on after close()");
        for (int i = 0; i < 3; i++) {
            assertEquals(before.epochs().get(i).trainLoss(), during.epochs().get(i).trainLoss(), 0, "epoch " + (i + 1));
        }
        JitWarmup broken = JitWarmup.start(() -> moonsNet(9), p -> new Optimizers.Adam(p, 0.01), Objective.crossEntropy(),
                JitWarmup.randomClassification(8, new int[] {3}, 2, 1), 4);
        broken.close();
        assertTrue(broken.failure() instanceof IllegalArgumentException, "a 3-feature sample into a 2-input net: " + broken.failure());
    }
}
