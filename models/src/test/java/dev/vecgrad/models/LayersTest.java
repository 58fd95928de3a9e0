package dev.vecgrad.models;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.activation.GELU;
import dev.vecgrad.models.activation.LeakyReLU;
import dev.vecgrad.models.activation.ReLU;
import dev.vecgrad.models.activation.Sigmoid;
import dev.vecgrad.models.activation.Tanh;
import dev.vecgrad.models.dropout.Dropout;
import dev.vecgrad.models.linear.LazyLinear;
import dev.vecgrad.models.linear.Linear;
import dev.vecgrad.models.norm.BatchNorm1d;
import dev.vecgrad.models.norm.LayerNorm;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layers: gradient checks in float64, PyTorch-compatible naming and init, modes, sharing, errors. */
class LayersTest {

    private static Tensor input(Random rnd, int... shape) {
        return Tensor.randn(rnd, DType.F64, shape);
    }

    private static void gradCheck(Module layer, Tensor x) {
        ModuleGradCheck.check(layer, x);
    }

    @Test
    void everyLayerPassesGradCheck() {
        Random rnd = new Random(1);
        gradCheck(new Linear(5, 3, true, DType.F64, rnd), input(rnd, 4, 5));
        gradCheck(new LayerNorm(6, 1e-5, DType.F64), input(rnd, 3, 6));
        gradCheck(new BatchNorm1d(3, 1e-5, 0.1, DType.F64), input(rnd, 5, 3));
        gradCheck(new Tanh(), input(rnd, 2, 3));
        gradCheck(new Sigmoid(), input(rnd, 2, 3));
        gradCheck(new GELU(), input(rnd, 2, 3));
        gradCheck(new LeakyReLU(0.1), input(rnd, 2, 3).add(0.05));
        Sequential mlp = new Sequential(new Linear(4, 6, true, DType.F64, rnd), new Tanh(),
                new Linear(6, 5, true, DType.F64, rnd), new Sigmoid(), new Linear(5, 2, true, DType.F64, rnd));
        gradCheck(mlp, input(rnd, 3, 4));
    }

    @Test
    void linearIsNamedAndInitializedLikePyTorch() {
        Linear l = new Linear(784, 128, new Random(2));
        Map<String, Tensor> named = new Sequential(l, new ReLU(), new Linear(128, 10, new Random(3))).namedParameters();
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(named.keySet()));
        assertArrayEquals(new int[] {128, 784}, l.weight.shape());
        double bound = 1 / Math.sqrt(784);
        double max = 0;
        double sum = 0;
        for (double v : l.weight.toDoubleArray()) {
            max = Math.max(max, Math.abs(v));
            sum += v;
        }
        assertTrue(max <= bound && max > 0.99 * bound, "uniform in +-1/sqrt(in): max " + max);
        assertEquals(0, sum / l.weight.numel(), 0.01 * bound, "centered");
    }

    @Test
    void aModuleUsedTwiceSharesParametersAndGetsBothGradients() {
        Linear shared = new Linear(3, 3, true, DType.F64, new Random(4));
        Module twice = new Module() {
            final Linear l = register("l", shared);

            @Override
            public Tensor forward(Tensor x) {
                return l.forward(l.forward(x).tanh());
            }
        };
        assertEquals(2, twice.parameters().size());
        ModuleGradCheck.check(twice, Tensor.randn(new Random(5), DType.F64, 2, 3));
    }

    @Test
    void dropoutDropsAtItsRateScalesAndIsTheIdentityInEval() {
        Dropout d = new Dropout(0.3, new Random(6));
        Tensor x = Tensor.ones(DType.F32, 100_000);
        double[] y = d.forward(x).toDoubleArray();
        int zeros = 0;
        for (double v : y) {
            if (v == 0) {
                zeros++;
            } else {
                assertEquals(1 / 0.7, v, 1e-6, "kept values are scaled by 1/(1-p)");
            }
        }
        // binomial(100000, 0.3): sd 145; 5 sd
        assertEquals(30_000, zeros, 725, "dropped fraction");
        d.eval();
        assertArrayEquals(x.toFloatArray(), d.forward(x).toFloatArray());
    }

    @Test
    void lazyLinearInfersItsInputSize() {
        LazyLinear l = new LazyLinear(4, new Random(7));
        assertEquals(-1, l.inFeatures());
        assertTrue(l.parameters().isEmpty());
        Tensor y = l.forward(Tensor.zeros(DType.F32, 2, 9));
        assertArrayEquals(new int[] {2, 4}, y.shape());
        assertEquals(9, l.inFeatures());
        assertEquals(2, l.parameters().size());
    }

    @Test
    void badInputsNameWhatIsWrong() {
        Linear l = new Linear(784, 128, new Random(8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(DType.F32, 64, 100)));
        assertTrue(e.getMessage().contains("the input has 100 features") && e.getMessage().contains("expected 784"), e.getMessage());
        Sequential model = new Sequential(new Linear(2, 3, new Random(9)));
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(model.stateDict());
        state.remove("0.bias");
        state.put("0.extra", Tensor.zeros(DType.F32, 1));
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(state));
        assertEquals("loadStateDict: missing [0.bias], unexpected [0.extra]", s.getMessage());
        Map<String, Tensor> wrong = new java.util.LinkedHashMap<>(model.stateDict());
        wrong.put("0.weight", Tensor.zeros(DType.F32, 3, 3));
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(wrong));
        assertTrue(w.getMessage().contains("'0.weight' is [3, 3] float32 in the state, [3, 2] float32 in the module"), w.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(wrong, false), "a shape that differs, strict or not");
    }

    /** As PyTorch's load_state_dict: strict=False loads what both have and lists the rest; values are cast as copy_ casts. */
    @Test
    void aStateDictLoadsLeniently() {
        Sequential model = new Sequential(new Linear(2, 3, new Random(9)));
        Map<String, Tensor> state = new java.util.LinkedHashMap<>();
        state.put("0.weight", Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2));   // float64 into a float32 module
        state.put("0.num_batches_tracked", Tensor.scalar(7.0));
        Tensor biasBefore = model.stateDict().get("0.bias").mul(1.0);
        Module.LoadResult r = model.loadStateDict(state, false);
        assertEquals(java.util.List.of("0.bias"), r.missingKeys());
        assertEquals(java.util.List.of("0.num_batches_tracked"), r.unexpectedKeys());
        assertEquals(DType.F32, model.stateDict().get("0.weight").dtype(), "the module keeps its dtype");
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6},
                model.stateDict().get("0.weight").toDoubleArray(), 0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(biasBefore.toDoubleArray(), model.stateDict().get("0.bias").toDoubleArray(), 0,
                "a missing name is left as it was");
        state.put("0.bias", Tensor.zeros(DType.F64, 3));
        state.remove("0.num_batches_tracked");
        assertEquals(new Module.LoadResult(java.util.List.of(), java.util.List.of()), model.loadStateDict(state, true));
    }

    @Test
    void evalModeReachesEveryDescendant() {
        Dropout inner = new Dropout(0.5, new Random(10));
        Sequential s = new Sequential(new Sequential(inner));
        s.eval();
        assertTrue(!inner.isTraining());
        s.train();
        assertTrue(inner.isTraining());
    }
}
