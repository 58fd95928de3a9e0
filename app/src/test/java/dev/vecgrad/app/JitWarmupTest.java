package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.train.History;
import dev.vecgrad.models.train.Objective;
import org.junit.jupiter.api.Test;

/** The JIT warm-up of the train and demo commands: it runs beside the real run and changes nothing in it. */
class JitWarmupTest {

    @Test
    void aJitWarmupRunsInTheBackgroundStopsOnCloseAndLeavesTheRealRunUnchanged() throws InterruptedException {
        History before = Moons.train(5, 3, 16);
        Dataset sample = JitWarmup.randomClassification(96, new int[] {2}, 2, 7);
        assertEquals(96, sample.size());
        assertEquals(2, sample.features());
        JitWarmup w = JitWarmup.start(() -> Moons.net(9), p -> new Optimizers.Adam(p, 0.01), Objective.crossEntropy(), sample, 32);
        History during = Moons.train(5, 3, 16);
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
        JitWarmup broken = JitWarmup.start(() -> Moons.net(9), p -> new Optimizers.Adam(p, 0.01), Objective.crossEntropy(),
                JitWarmup.randomClassification(8, new int[] {3}, 2, 1), 4);
        broken.close();
        assertTrue(broken.failure() instanceof IllegalArgumentException, "a 3-feature sample into a 2-input net: " + broken.failure());
    }
}
