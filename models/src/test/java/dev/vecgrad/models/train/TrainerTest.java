package dev.vecgrad.models.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.models.Module;
import dev.vecgrad.models.Regularization;
import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.data.Datasets;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.optim.Optimizer;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.optim.LRSchedulers;
import dev.vecgrad.models.zoo.Mlp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop: it learns, it repeats exactly, and its options do what they say. */
class TrainerTest {

    @TempDir
    Path dir;

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
    void anMlpLearnsTheMoonsAndTheLossFalls() {
        History h = trainMoons(0, 30, 32);
        EpochMetrics first = h.epochs().get(0);
        EpochMetrics last = h.last();
        assertEquals(30, h.epochs().size());
        assertTrue(last.trainLoss() < first.trainLoss() / 3, first + " -> " + last);
        assertTrue(last.valAccuracy() > 0.97, "validation accuracy " + last.valAccuracy());
        assertEquals(800, last.samples());
        assertEquals(last.valLoss() - last.trainLoss(), last.gap(), 0);
    }

    @Test
    void theSameSeedRepeatsTheRunExactly() {
        History a = trainMoons(3, 5, 16);
        History b = trainMoons(3, 5, 16);
        History c = trainMoons(4, 5, 16);
        for (int i = 0; i < 5; i++) {
            assertEquals(a.epochs().get(i).trainLoss(), b.epochs().get(i).trainLoss(), 0, "epoch " + (i + 1));
            assertEquals(a.epochs().get(i).valLoss(), b.epochs().get(i).valLoss(), 0, "epoch " + (i + 1));
        }
        assertNotEquals(a.last().trainLoss(), c.last().trainLoss());
    }

    @Test
    void onlineMiniBatchAndFullBatchTakeTheirNumberOfSteps() {
        Dataset d = Datasets.xor();
        for (int batch : new int[] {1, 2, 4}) {
            Mlp net = new Mlp(new int[] {2, 3, 1}, "tanh", "sigmoid", new Random(1));
            int[] steps = {0};
            Optimizer sgd = new Optimizer(net.parameters(), 0.1) {
                @Override
                public void step() {
                    steps[0]++;
                    super.step();
                }

                @Override
                protected void update(Tensor p, Tensor grad, double lr) {
                    p.copyFrom(p.sub(grad.mul(lr)));
                }
            };
            new Trainer(Objective.mse()).epochs(3).batchSize(batch).fit(net, sgd, d, null);
            assertEquals(3 * (4 / batch), steps[0], "batch " + batch);
        }
    }

    @Test
    void earlyStoppingRestoresTheBestEpoch() {
        Dataset.Split s = Datasets.moons(200, 0.6, 2).split(0.5, 2);
        Mlp net = new Mlp(new int[] {2, 64, 64, 2}, "relu", "none", new Random(1));
        List<Double> valLosses = new ArrayList<>();
        History h = new Trainer(Objective.crossEntropy()).epochs(200).batchSize(8)
                .earlyStopping(new EarlyStopping(3, 0))
                .onEpoch(m -> valLosses.add(m.valLoss()))
                .fit(net, new Optimizers.Adam(net.parameters(), 0.02), s.train(), s.validation());
        assertTrue(h.stoppedEarly(), "an overfitting net on noisy moons stops early");
        assertTrue(h.epochs().size() < 200);
        double best = valLosses.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertEquals(best, valLosses.get(h.bestEpoch() - 1), 0);
        double restored = new Trainer(Objective.crossEntropy()).evaluate(net, s.validation()).loss();
        assertEquals(best, restored, 1e-6, "the model holds the best epoch's weights");
    }

    @Test
    void schedulesClippingAndPenaltiesAreApplied() {
        Dataset d = Datasets.moons(256, 0.1, 3);
        Mlp net = moonsNet(1);
        Optimizers.SGD sgd = new Optimizers.SGD(net.parameters(), 0.8);
        List<Double> lrs = new ArrayList<>();
        new Trainer(Objective.crossEntropy()).epochs(4).batchSize(64)
                .scheduler(o -> new LRSchedulers.StepLR(o, 1, 0.5), false).onEpoch(m -> lrs.add(m.lr())).fit(net, sgd, d, null);
        assertEquals(List.of(0.8, 0.4, 0.2, 0.1), lrs);
        Module clipped = moonsNet(1);
        History h = new Trainer(Objective.crossEntropy()).epochs(2).batchSize(64).clipGradNorm(1e-3)
                .penalty(m -> Regularization.l2(m.parameters(), 1e-3))
                .fit(clipped, new Optimizers.SGD(clipped.parameters(), 0.1), d, null);
        History free = new Trainer(Objective.crossEntropy()).epochs(2).batchSize(64)
                .fit(moonsNet(1), new Optimizers.SGD(moonsNet(1).parameters(), 0.1), d, null);
        assertNotEquals(free.last().trainLoss(), h.last().trainLoss());
    }

    @Test
    void aDivergingRunStopsAndSaysSo() {
        Dataset d = Datasets.linearRegression(64, new double[] {2, -3.4}, 4.2, 0.01, 1);
        Module net = new dev.vecgrad.models.linear.Linear(2, 1, new Random(1));
        History h = new Trainer(Objective.mse()).epochs(50).batchSize(64)
                .fit(net, new Optimizers.SGD(net.parameters(), 10), d, null);
        assertTrue(h.diverged());
        assertTrue(h.epochs().size() < 50);
        assertTrue(Double.isNaN(h.last().trainAccuracy()), "no accuracy for regression");
    }

    @Test
    void theHistoryCsvIsWritten() throws IOException {
        History h = trainMoons(0, 3, 64);
        Path csv = dir.resolve("h.csv");
        h.writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("epoch,train_loss,train_accuracy,val_loss,val_accuracy,gap,lr,train_seconds,val_seconds,samples_per_second", lines.get(0));
        assertEquals(4, lines.size());
        assertTrue(lines.get(1).startsWith("1,"));
        assertEquals(10, lines.get(3).split(",", -1).length);
    }

    @Test
    void aListenerSeesEveryEpochStartStepAndEndInOrder() {
        Dataset d = Datasets.moons(100, 0.1, 1);
        Mlp net = moonsNet(0);
        List<String> events = new ArrayList<>();
        new Trainer(Objective.crossEntropy()).epochs(2).batchSize(40)
                .listener(new TrainingListener() {
                    @Override
                    public void epochStart(int epoch, int epochs, int samples) {
                        events.add("start " + epoch + "/" + epochs + " " + samples);
                    }

                    @Override
                    public void afterStep(int done, double runningLoss) {
                        assertTrue(Double.isFinite(runningLoss));
                        events.add("step " + done);
                    }

                    @Override
                    public void epochEnd(EpochMetrics metrics) {
                        events.add("end " + metrics.epoch());
                    }
                })
                .onEpoch(m -> events.add("onEpoch " + m.epoch()))
                .fit(net, new Optimizers.Adam(net.parameters(), 0.01), d, null);
        assertEquals(List.of("start 1/2 100", "step 40", "step 80", "step 100", "end 1", "onEpoch 1",
                "start 2/2 100", "step 40", "step 80", "step 100", "end 2", "onEpoch 2"), events);
    }

    @Test
    void misconfigurationsAreRefused() {
        Mlp net = moonsNet(0);
        Dataset d = Datasets.moons(10, 0.1, 1);
        assertThrows(IllegalArgumentException.class, () -> new Trainer(Objective.crossEntropy()).batchSize(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(Objective.crossEntropy())
                .earlyStopping(new EarlyStopping(2, 0)).fit(net, new Optimizers.Adam(net.parameters(), 0.1), d, null));
        assertEquals("early stopping, reduce-on-plateau and keeping the best epoch need a validation set", e.getMessage());
        Dataset reg = Datasets.linearRegression(8, new double[] {1, 1}, 0, 0, 1);
        e = assertThrows(IllegalArgumentException.class, () -> new Trainer(Objective.crossEntropy())
                .fit(net, new Optimizers.Adam(net.parameters(), 0.1), reg, null));
        assertEquals("cross-entropy needs class labels; this is a regression dataset", e.getMessage());
    }

    @Test
    void anAttachedSchedulerStepsPerEpochOrPerBatchAsAPyTorchLoopDoes() {
        Dataset d = Datasets.moons(256, 0.1, 1);   // 4 batches of 64
        Mlp net = new Mlp(new int[] {2, 8, 2}, "relu", "none", new Random(0));
        Optimizer opt = new Optimizers.SGD(net.parameters(), 0.1);
        History perEpoch = new Trainer(Objective.crossEntropy()).epochs(3).batchSize(64)
                .scheduler(o -> new dev.vecgrad.models.optim.LRSchedulers.StepLR(o, 1, 0.5), false).fit(net, opt, d, null);
        // the rate each epoch trained with: 0.1, then halved after each epoch
        assertEquals(List.of(0.1, 0.05, 0.025), perEpoch.epochs().stream().map(EpochMetrics::lr).toList());
        Optimizer opt2 = new Optimizers.SGD(net.parameters(), 0.1);
        History perBatch = new Trainer(Objective.crossEntropy()).epochs(2).batchSize(64)
                .scheduler(o -> new dev.vecgrad.models.optim.LRSchedulers.StepLR(o, 1, 0.5), true).fit(net, opt2, d, null);
        // stepped after each of the 4 batches of an epoch: 0.1 / 2^4 at the end of epoch 1, / 2^8 at the end of epoch 2
        assertEquals(0.1 / 16, perBatch.epochs().get(0).lr(), 1e-15);
        assertEquals(0.1 / 256, perBatch.epochs().get(1).lr(), 1e-15);
    }
}
