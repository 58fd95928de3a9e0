package dev.vecgrad.models.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.data.Datasets;
import dev.vecgrad.models.data.Seeds;
import dev.vecgrad.models.optim.LRSchedulers;
import dev.vecgrad.models.optim.Optimizer;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.zoo.Mlp;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run stopped mid-epoch and resumed from its last saved state ends with the uninterrupted run's bits. */
class TrainingStateTest {

    @TempDir
    Path dir;

    private static final Dataset.Split DATA = Datasets.moons(600, 0.2, 1).split(0.2, 1);
    private static final int EPOCHS = 5;

    /** One configuration of the run: the optimizer and what the trainer does besides plain steps. */
    private record Setup(String name, Function<Module, Optimizer> optimizer, java.util.function.Consumer<Trainer> configure) {}

    private static Setup[] setups() {
        return new Setup[] {
            new Setup("adam, one-cycle per step, early stopping, clipping", m -> new Optimizers.Adam(m.parameters(), 0.01), t -> t
                    .scheduler(o -> new LRSchedulers.OneCycleLR(o, 0.02, EPOCHS * DATA.train().batchCount(32)), true)
                    .earlyStopping(new EarlyStopping(50, 0)).clipGradNorm(1.0)),
            new Setup("sgd momentum, step-lr per epoch, reduce on plateau",
                    m -> new Optimizers.SGD(m.parameters(), 0.05, 0.9, 0, true, 1e-4), t -> t
                    .scheduler(o -> new LRSchedulers.StepLR(o, 2, 0.5), false)
                    .reduceOnPlateau(o -> new LRSchedulers.ReduceLROnPlateau(o)))};
    }

    private static Mlp net() {
        // dropout and batch norm: generator state and running statistics must come back too
        return new Mlp(new int[] {2, 16, 16, 2}, "relu", "none", 0.2, true, new Random(7));
    }

    private static Trainer trainer(Setup s) {
        Trainer t = new Trainer(Objective.crossEntropy()).epochs(EPOCHS).batchSize(32).seed(3);
        s.configure().accept(t);
        return t;
    }

    @Test
    void aResumedRunEndsWithTheUninterruptedRunsBits() throws Exception {
        for (Setup s : setups()) {
            Mlp straight = net();
            History full = trainer(s).fit(straight, s.optimizer().apply(straight), DATA.train(), DATA.validation());

            // stopped during epoch 3: the state of epoch 2 is what is kept
            Mlp first = net();
            Path file = dir.resolve("state.safetensors");
            AtomicInteger steps = new AtomicInteger();
            int stopAt = 2 * DATA.train().batchCount(32) + 4;
            History cut = trainer(s).onState(st -> {
                try {
                    st.save(file, Map.of("note", "mine"));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).stopWhen(() -> steps.incrementAndGet() >= stopAt).fit(first, s.optimizer().apply(first), DATA.train(), DATA.validation());
            assertTrue(cut.interrupted(), s.name());
            assertEquals(2, cut.epochs().size(), s.name());

            TrainingState.Loaded loaded = TrainingState.load(file);
            assertEquals(2, loaded.state().epoch());
            assertEquals("mine", loaded.metadata().get("note"));
            Mlp resumed = net();
            History rest = trainer(s).resumeFrom(loaded.state()).fit(resumed, s.optimizer().apply(resumed), DATA.train(), DATA.validation());
            assertEquals(full.epochs().size(), rest.epochs().size(), s.name());
            for (int e = 0; e < full.epochs().size(); e++) {
                assertEquals(full.epochs().get(e).trainLoss(), rest.epochs().get(e).trainLoss(), 0, s.name() + " epoch " + (e + 1));
                assertEquals(full.epochs().get(e).lr(), rest.epochs().get(e).lr(), 0, s.name() + " epoch " + (e + 1));
            }
            Map<String, Tensor> a = straight.stateDict();
            Map<String, Tensor> b = resumed.stateDict();
            assertEquals(a.keySet(), b.keySet());
            for (String k : a.keySet()) {
                assertArrayEquals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray(), 0, s.name() + ": " + k);
            }
        }
    }

    @Test
    void aStateThatDoesNotFitTheRunIsRefused() throws Exception {
        Setup s = setups()[0];
        Mlp m = net();
        Path file = dir.resolve("state.safetensors");
        trainer(s).onState(st -> {
            try {
                st.save(file, Map.of());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).fit(m, s.optimizer().apply(m), DATA.train(), DATA.validation());
        TrainingState state = TrainingState.load(file).state();
        assertEquals(EPOCHS - 1, state.epoch(), "the last state is the one before the final epoch");
        Mlp other = net();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(Objective.crossEntropy()).epochs(EPOCHS)
                .batchSize(32).seed(3).resumeFrom(state).fit(other, new Optimizers.Adam(other.parameters(), 0.01), DATA.train(),
                        DATA.validation()));
        assertTrue(e.getMessage().contains("not the schedule's"), e.getMessage());
        IllegalArgumentException done = assertThrows(IllegalArgumentException.class, () -> trainer(s).epochs(EPOCHS - 1).resumeFrom(state)
                .fit(other, s.optimizer().apply(other), DATA.train(), DATA.validation()));
        assertEquals("the training state is at epoch 4 of a run of 4 epochs: nothing is left to train", done.getMessage());
        Path model = dir.resolve("model.safetensors");
        dev.vecgrad.models.io.Checkpoints.save(model, m, Map.of());
        assertTrue(assertThrows(java.io.IOException.class, () -> TrainingState.load(model)).getMessage()
                .contains("is not a training state"));
    }

    /** keepBest ends with the weights of the epoch of lowest validation loss: those of a run that stopped there. */
    @Test
    void keepingTheBestEpochEndsWithItsWeights() {
        Dataset.Split small = Datasets.moons(300, 0.3, 2).split(0.3, 2);
        Mlp net = new Mlp(new int[] {2, 64, 64, 2}, "relu", "none", new Random(1));
        History h = new Trainer(Objective.crossEntropy()).epochs(30).batchSize(16).seed(1).keepBest(true)
                .fit(net, new Optimizers.Adam(net.parameters(), 0.03), small.train(), small.validation());
        int best = 1;
        for (EpochMetrics m : h.epochs()) {
            best = m.valLoss() < h.epochs().get(best - 1).valLoss() ? m.epoch() : best;
        }
        assertTrue(h.keptBest());
        assertEquals(best, h.bestEpoch());
        assertTrue(best < 30, "the validation loss rose again after epoch " + best + ": the test needs an overfitting run");
        Mlp shorter = new Mlp(new int[] {2, 64, 64, 2}, "relu", "none", new Random(1));
        new Trainer(Objective.crossEntropy()).epochs(best).batchSize(16).seed(1)
                .fit(shorter, new Optimizers.Adam(shorter.parameters(), 0.03), small.train(), small.validation());
        for (Map.Entry<String, Tensor> e : shorter.stateDict().entrySet()) {
            assertArrayEquals(e.getValue().toDoubleArray(), net.stateDict().get(e.getKey()).toDoubleArray(), 0, e.getKey());
        }
        assertThrows(IllegalArgumentException.class, () -> new Trainer(Objective.crossEntropy()).keepBest(true)
                .fit(net, new Optimizers.Adam(net.parameters(), 0.03), small.train(), null));
    }

    @Test
    void theGeneratorDrawsWhatJavaUtilRandomDrawsAndItsStateRoundTrips() {
        for (long seed : new long[] {0, 1, -5, 0x123456789ABCDEFL}) {
            Random r = new Random(seed);
            Seeds.Generator g = new Seeds.Generator(seed);
            for (int i = 0; i < 200; i++) {
                switch (i % 6) {
                    case 0 -> assertEquals(r.nextInt(), g.nextInt());
                    case 1 -> assertEquals(r.nextInt(17 + i), g.nextInt(17 + i));
                    case 2 -> assertEquals(r.nextDouble(), g.nextDouble(), 0);
                    case 3 -> assertEquals(r.nextFloat(), g.nextFloat(), 0);
                    case 4 -> assertEquals(r.nextGaussian(), g.nextGaussian(), 0);
                    default -> assertEquals(r.nextLong(), g.nextLong());
                }
            }
            r.nextGaussian();
            g.nextGaussian();   // a cached second Gaussian is part of the state
            Seeds.Generator copy = new Seeds.Generator(99);
            copy.setState(g.state());
            for (int i = 0; i < 20; i++) {
                assertEquals(r.nextGaussian(), copy.nextGaussian(), 0);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Seeds.Generator(0).setState(new double[] {1 << 24, 0, Double.NaN}));
    }
}
