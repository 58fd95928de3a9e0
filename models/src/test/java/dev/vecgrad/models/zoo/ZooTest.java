package dev.vecgrad.models.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.autograd.Grad;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.linear.Linear;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.data.Datasets;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.train.History;
import dev.vecgrad.models.train.Objective;
import dev.vecgrad.models.train.Trainer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The zoo of the notes, each model doing what the notes say it does. */
class ZooTest {

    private static float[] predict(Module m, Dataset d) {
        try (var g = Grad.disabled()) {
            return m.forward(d.x()).toFloatArray();
        }
    }

    @Test
    void thePerceptronLearnsAndAndOrButNotXor() {
        for (Dataset gate : new Dataset[] {Datasets.and(), Datasets.or()}) {
            Perceptron p = new Perceptron(2, 0.1, new Random(1));
            Perceptron.Result r = p.train(gate, 100);
            assertTrue(r.converged(), gate.name() + ": " + r);
            assertEquals(0, r.mistakesPerEpoch()[r.epochs() - 1]);
            float[] out = predict(p, gate);
            for (int i = 0; i < 4; i++) {
                assertEquals(gate.label(i), (int) out[i], gate.name() + " point " + i);
            }
        }
        Perceptron p = new Perceptron(2, 0.1, new Random(1));
        Perceptron.Result xor = p.train(Datasets.xor(), 1000);
        assertFalse(xor.converged());
        assertEquals(1000, xor.epochs());
        assertTrue(xor.toString().startsWith("did not converge in 1000 epochs"), xor.toString());
        for (int m : xor.mistakesPerEpoch()) {
            assertTrue(m >= 1, "XOR: some point is wrong in every epoch");
        }
    }

    @Test
    void adalineOnlineIsTheWidrowHoffRuleAndSeparatesTheLinearGates() {
        for (Dataset gate : new Dataset[] {Datasets.and(), Datasets.or()}) {
            Adaline a = new Adaline(2, new Random(1));
            History h = new Trainer(Objective.mse(0.5)).epochs(300).batchSize(1).seed(1)
                    .fit(a, new Optimizers.SGD(a.parameters(), 0.05), gate, null);
            assertEquals(1.0, h.last().trainAccuracy(), gate.name());
        }
        Adaline a = new Adaline(2, new Random(1));
        History h = new Trainer(Objective.mse(0.5)).epochs(300).batchSize(1)
                .fit(a, new Optimizers.SGD(a.parameters(), 0.05), Datasets.xor(), null);
        assertTrue(h.last().trainAccuracy() < 1, "XOR is not linearly separable");
        assertTrue(h.last().trainLoss() >= 0.24, "no line does better than the least-squares 0.25: " + h.last());
    }

    @Test
    void adalineOneStepIsTheDeltaRule() {
        Adaline a = new Adaline(2, new Random(3));
        Linear unit = (Linear) a.children().get("linear");
        float[] w = unit.weight.toFloatArray();
        float b = unit.bias.toFloatArray()[0];
        float x0 = 1;
        float x1 = 1;
        double out = w[0] * x0 + w[1] * x1 + b;
        double lr = 0.05;
        new Trainer(Objective.mse(0.5)).epochs(1).batchSize(4).shuffle(false)
                .fit(a, new Optimizers.SGD(a.parameters(), lr), Dataset.classification("one", new float[] {x0, x1}, new int[] {2},
                        new int[] {1}, 2, null), null);
        double err = 1 - out;
        assertEquals(w[0] + 2 * lr * err * x0, unit.weight.toFloatArray()[0], 1e-6);
        assertEquals(b + 2 * lr * err, unit.bias.toFloatArray()[0], 1e-6);
    }

    @Test
    void linearRegressionByNormalEquationsAndBySgdAgree() {
        Dataset d = Datasets.linearRegression(1000, new double[] {2, -3.4}, 4.2, 0.01, 1);
        Linear exact = LinearRegression.normalEquations(d);
        assertEquals(2, exact.weight.toFloatArray()[0], 0.01);
        assertEquals(-3.4, exact.weight.toFloatArray()[1], 0.01);
        assertEquals(4.2, exact.bias.toFloatArray()[0], 0.01);
        Linear sgd = LinearRegression.model(2, 1, new Random(1));
        int epochs = 40;
        new Trainer(Objective.mse()).epochs(epochs).batchSize(32).seed(1)
                .scheduler(o -> new dev.vecgrad.models.optim.LRSchedulers.CosineAnnealingLR(o, epochs * d.batchCount(32), 0), true)
                .fit(sgd, new Optimizers.SGD(sgd.parameters(), 0.05), d, null);
        float[] a = exact.weight.toFloatArray();
        float[] b = sgd.weight.toFloatArray();
        for (int i = 0; i < 2; i++) {
            assertEquals(a[i], b[i], 1e-4, "w" + i);
        }
        assertEquals(exact.bias.toFloatArray()[0], sgd.bias.toFloatArray()[0], 1e-4, "b");
    }

    @Test
    void theNormalEquationsRefuseDependentFeatures() {
        float[] x = new float[20];
        float[] y = new float[10];
        for (int i = 0; i < 10; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 2 * i;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinearRegression.normalEquations(Dataset.regression("dep", x, 2, y, 1)));
        assertTrue(e.getMessage().contains("X^T X is singular"), e.getMessage());
    }

    @Test
    void softmaxRegressionSeparatesBlobs() {
        Dataset.Split s = Datasets.blobs(900, 5, 3, 4, 2).split(0.2, 1);
        Module m = ModelSpec.of("softmax", 5, 3).build(new Random(1));
        History h = new Trainer(Objective.crossEntropy()).epochs(20).batchSize(32)
                .fit(m, new Optimizers.SGD(m.parameters(), 0.1), s.train(), s.validation());
        assertTrue(h.last().valAccuracy() > 0.9, h.last().toString());
    }

    @Test
    void theNotesXorNetworkLearnsXorWithSgdOnMse() {
        Mlp net = new Mlp(new int[] {2, 2, 1}, "sigmoid", "sigmoid", new Random(0));
        History h = new Trainer(Objective.mse()).epochs(5000).batchSize(4).shuffle(false)
                .fit(net, new Optimizers.SGD(net.parameters(), 2.0), Datasets.xor(), null);
        assertEquals(1.0, h.last().trainAccuracy(), "final loss " + h.last().trainLoss());
        assertTrue(h.last().trainLoss() < 0.02, h.last().toString());
    }

    @Test
    void anMlpWithDropoutIsNamedAsPyTorchsSequentialAndDropsOnlyWhileTraining() {
        ModelSpec spec = ModelSpec.mlp(new int[] {6, 5, 4, 3}, "relu", "none", 0.5);
        assertEquals(spec, ModelSpec.fromMetadata(spec.toMetadata()));
        assertEquals("0.5", spec.toMetadata().get("vecgrad.dropout"));
        assertFalse(ModelSpec.mlp(new int[] {6, 3}, "relu", "none").toMetadata().containsKey("vecgrad.dropout"),
                "checkpoints without dropout are unchanged");
        Module m = spec.build(new Random(0));
        // nn.Sequential(Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear).state_dict() keys
        assertEquals(List.of("stack.0.weight", "stack.0.bias", "stack.3.weight", "stack.3.bias", "stack.6.weight", "stack.6.bias"),
                List.copyOf(m.namedParameters().keySet()));
        assertEquals(spec.parameterCount(), m.parameterCount());
        Tensor x = Tensor.randn(new Random(2), dev.vecgrad.autograd.DType.F32, 8, 6);
        try (var g = Grad.disabled()) {
            m.eval();
            assertArrayEquals(m.forward(x).toFloatArray(), m.forward(x).toFloatArray(), "eval: deterministic");
            float[] evalOut = m.forward(x).toFloatArray();
            m.train();
            assertFalse(java.util.Arrays.equals(evalOut, m.forward(x).toFloatArray()), "training: units dropped");
        }
        ModelSpec bn = ModelSpec.mlp(new int[] {6, 5, 4, 3}, "relu", "none", 0.5, true);
        assertEquals(bn, ModelSpec.fromMetadata(bn.toMetadata()));
        Module b = bn.build(new Random(0));
        // nn.Sequential(Linear, BatchNorm1d, ReLU, Dropout, Linear, BatchNorm1d, ReLU, Dropout, Linear)
        assertEquals(List.of("stack.0.weight", "stack.0.bias", "stack.1.weight", "stack.1.bias", "stack.4.weight", "stack.4.bias",
                "stack.5.weight", "stack.5.bias", "stack.8.weight", "stack.8.bias"), List.copyOf(b.namedParameters().keySet()));
        assertEquals(bn.parameterCount(), b.parameterCount());
        assertEquals(bn.stateCount(), b.stateDict().values().stream().mapToLong(Tensor::numel).sum(),
                "the parameters and the running statistics: what a checkpoint holds");
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.mlp(new int[] {2, 2}, "relu", "none", 1.0));
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec("softmax", new int[] {2, 2}, "none", "none", 0.2));
    }

    @Test
    void specsRebuildTheirModelsFromMetadata() {
        ModelSpec spec = ModelSpec.mlp(new int[] {784, 128, 64, 10}, "relu", "none");
        assertEquals(spec, ModelSpec.fromMetadata(spec.toMetadata()));
        for (ModelSpec s : List.of(spec, ModelSpec.of("softmax", 5, 3), ModelSpec.of("linreg", 4, 2), ModelSpec.of("adaline", 7),
                ModelSpec.of("perceptron", 3), ModelSpec.of("cnn", 28, 8, 16, 32, 10), ModelSpec.of("cnn", 12, 3, 5, 7, 2))) {
            long built = s.build(new Random(0)).parameters().stream().mapToLong(t -> t.numel()).sum();
            assertEquals(built, s.parameterCount(), s + ": the count from the sizes is what build() creates");
        }
        assertEquals(Long.MAX_VALUE, ModelSpec.mlp(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
                Integer.MAX_VALUE}, "relu", "none").parameterCount(), "overflow is reported as Long.MAX_VALUE, not wrapped");
        Module m = spec.build(new Random(1));
        assertEquals(784L * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10, m.parameterCount());
        assertEquals("mlp 784-128-64-10 relu", spec.toString());
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.of("linreg", 3));
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.of("cnn", 3));
        Tensor out = ModelSpec.of("perceptron", 3).build(new Random(1)).forward(Tensor.zeros(dev.vecgrad.autograd.DType.F32, 2, 3));
        assertArrayEquals(new int[] {2, 1}, out.shape());
    }
}
