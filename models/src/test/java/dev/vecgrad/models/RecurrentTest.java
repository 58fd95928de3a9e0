package dev.vecgrad.models;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.embedding.Embedding;
import dev.vecgrad.models.rnn.GRU;
import dev.vecgrad.models.rnn.GRUCell;
import dev.vecgrad.models.rnn.LSTM;
import dev.vecgrad.models.rnn.LSTMCell;
import dev.vecgrad.models.rnn.RNN;
import dev.vecgrad.models.rnn.RNNBase;
import dev.vecgrad.models.rnn.RNNCell;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recurrent modules: finite-difference gradients, PyTorch's names, padding, truncated BPTT, and errors. */
class RecurrentTest {

    private static Tensor rand(long seed, int... shape) {
        return Tensor.randn(seed, DType.F64, shape);
    }

    @Test
    void everyModulePassesGradCheckThroughInputStateAndParameters() {
        Random rng = new Random(3);
        RNN rnn = new RNN(3, 4, 2, "tanh", true, false, 0, true, DType.F64, rng);
        ModuleGradCheck.check(rnn, x -> rnn.forward(x[0], new RNNBase.State(x[1], null)).output(), rand(1, 3, 2, 3), rand(2, 4, 2, 4));
        LSTM lstm = new LSTM(3, 4, 2, true, true, 0, true, DType.F64, rng);
        ModuleGradCheck.check(lstm, x -> {
            RNNBase.Output o = lstm.forward(x[0], new RNNBase.State(x[1], x[2]), new int[] {3, 2});
            return Tensor.cat(List.of(o.output().flatten(), o.state().h().flatten(), o.state().c().flatten()), 0);
        }, rand(3, 2, 3, 3), rand(4, 4, 2, 4), rand(5, 4, 2, 4));
        GRU gru = new GRU(3, 4, 1, false, false, 0, false, DType.F64, rng);
        ModuleGradCheck.check(gru, x -> gru.forward(x[0], new RNNBase.State(x[1], null)).state().h(), rand(6, 4, 2, 3),
                rand(7, 1, 2, 4));
        LSTMCell lc = new LSTMCell(3, 4, true, DType.F64, rng);
        ModuleGradCheck.check(lc, x -> lc.forward(x[0], new RNNBase.State(x[1], x[2])).c(), rand(8, 2, 3), rand(9, 2, 4), rand(10, 2, 4));
        GRUCell gc = new GRUCell(3, 4, true, DType.F64, rng);
        ModuleGradCheck.check(gc, x -> gc.forward(x[0], x[1]), rand(11, 2, 3), rand(12, 2, 4));
        RNNCell rc = new RNNCell(3, 4, true, "tanh", DType.F64, rng);
        ModuleGradCheck.check(rc, rand(13, 2, 3));
    }

    @Test
    void parametersAreNamedShapedAndPrintedAsPyTorchs() {
        LSTM lstm = new LSTM(10, 20, 2, true, false, 0, true, DType.F32, new Random(0));
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse",
                "bias_ih_l0_reverse", "bias_hh_l0_reverse", "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
                "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"),
                List.copyOf(lstm.stateDict().keySet()));
        assertArrayEquals(new int[] {80, 40}, lstm.stateDict().get("weight_ih_l1").shape(), "layer 1 reads both directions");
        assertEquals("LSTM(10, 20, num_layers=2, bidirectional=True)", lstm.toString());
        assertEquals("GRU(3, 4, batch_first=True)", new GRU(3, 4, 1, true, true, 0, false, DType.F32, new Random(0)).toString());
        assertEquals("Embedding(5, 2, padding_idx=0)", new Embedding(5, 2, 0, DType.F32, new Random(0)).toString());
        double bound = 1 / Math.sqrt(20);
        for (Tensor p : lstm.parameters()) {
            for (float v : p.toFloatArray()) {
                assertTrue(Math.abs(v) <= bound, "PyTorch's init: uniform in +-1/sqrt(hidden)");
            }
        }
    }

    @Test
    void paddedStepsChangeNothingAndTheEmbeddingPaddingRowGetsNoGradient() {
        LSTM lstm = new LSTM(2, 3, 1, true, false, 0, true, DType.F64, new Random(1));
        Tensor x = rand(1, 5, 2, 2);
        RNNBase.Output padded = lstm.forward(x, null, new int[] {5, 3});
        Tensor alone = x.slice(0, 0, 3).slice(1, 1, 2);
        RNNBase.Output shortOne = lstm.forward(alone, null);
        assertArrayEquals(shortOne.output().toDoubleArray(), padded.output().slice(0, 0, 3).slice(1, 1, 2).toDoubleArray(), 1e-15);
        assertArrayEquals(shortOne.state().h().toDoubleArray(), padded.state().h().slice(1, 1, 2).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[12], padded.output().slice(0, 3, 5).slice(1, 1, 2).toDoubleArray(), "zeros after the end");

        Embedding e = new Embedding(4, 2, 1, DType.F64, new Random(2));
        assertArrayEquals(new double[] {0, 0}, e.weight.slice(0, 1, 2).toDoubleArray(), "the padding row starts at zero");
        e.forward(Tensor.of(new double[] {1, 3, 1, 3}, 4)).sum().backward();
        assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0, 2, 2}, e.weight.grad().toDoubleArray());
    }

    @Test
    void truncatedBpttDetachesTheStateBetweenChunks() {
        GRU gru = new GRU(2, 3, new Random(4));
        Tensor seq = Tensor.randn(5, DType.F32, 8, 1, 2);
        RNNBase.State state = null;
        for (int chunk = 0; chunk < 2; chunk++) {
            RNNBase.Output o = gru.forward(seq.slice(0, 4 * chunk, 4 * chunk + 4), state);
            gru.zeroGrad();
            o.output().sum().backward();
            assertTrue(gru.parameters().get(0).grad() != null);
            state = o.state().detach();
            assertTrue(state.h().isLeaf(), "the next chunk starts from a leaf: no gradient flows into the previous one");
        }
        RNNBase.Output whole = gru.forward(seq, null);
        RNNBase.Output first = gru.forward(seq.slice(0, 0, 4), null);
        RNNBase.Output second = gru.forward(seq.slice(0, 4, 8), first.state().detach());
        assertArrayEquals(whole.state().h().toFloatArray(), second.state().h().toFloatArray(), 1e-6f, "the same values as unchunked");
    }

    @Test
    void badInputSaysWhatIsWrong() {
        LSTM lstm = new LSTM(3, 4, new Random(0));
        var a = assertThrows(IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(5, 2, 2), null));
        assertEquals("LSTM(3 -> 4): the input has 2 features (shape [5, 2, 2]), expected 3", a.getMessage());
        var b = assertThrows(IllegalArgumentException.class,
                () -> lstm.forward(Tensor.zeros(5, 2, 3), new RNNBase.State(Tensor.zeros(1, 3, 4), Tensor.zeros(1, 3, 4))));
        assertEquals("LSTM: the initial h is [1, 3, 4], expected [1, 2, 4] (layers * directions, batch, hidden)", b.getMessage());
        var c = assertThrows(IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(5, 2, 3), null, new int[] {5, 6}));
        assertEquals("lengths: sequence 1 has length 6, the input has 5 steps (lengths must be 1 to 5)", c.getMessage());
        var d = assertThrows(IndexOutOfBoundsException.class, () -> new Embedding(4, 2, new Random(0)).forward(Tensor.of(new float[] {4}, 1)));
        assertTrue(d.getMessage().startsWith("embedding: index 4.0"), d.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Sequential(lstm), "an LSTM takes a state: not chainable");
    }

    /**
     * Seed 001's BPTT by hand for a tanh RNN, h_t = tanh(U x_t + b_ih + V h_(t-1) + b_hh), loss
     * 0.5 sum_t |h_t - y_t|^2: delta_t = (h_t - y_t + V^T delta_(t+1)) * (1 - h_t^2), dU = sum delta_t x_t^T,
     * dV = sum delta_t h_(t-1)^T, db = sum delta_t; equal to the RNN module's gradients.
     */
    @Test
    void theNotesHandWrittenBpttAgreesWithTheModule() {
        int in = 2;
        int hid = 3;
        int steps = 6;
        RNN rnn = new RNN(in, hid, 1, "tanh", true, false, 0, false, DType.F64, new Random(5));
        double[] x = rand(6, steps, 1, in).toDoubleArray();
        double[] y = rand(7, steps, 1, hid).toDoubleArray();
        Tensor out = rnn.forward(Tensor.of(x, steps, 1, in), null).output();
        Tensor diff = out.sub(Tensor.of(y, steps, 1, hid));
        diff.mul(diff).sum().mul(0.5).backward();

        double[][] u = matrix(rnn.stateDict().get("weight_ih_l0"), hid, in);
        double[][] v = matrix(rnn.stateDict().get("weight_hh_l0"), hid, hid);
        double[] b = rnn.stateDict().get("bias_ih_l0").add(rnn.stateDict().get("bias_hh_l0")).toDoubleArray();
        double[][] h = new double[steps + 1][hid];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < hid; i++) {
                double z = b[i];
                for (int j = 0; j < in; j++) {
                    z += u[i][j] * x[t * in + j];
                }
                for (int j = 0; j < hid; j++) {
                    z += v[i][j] * h[t][j];
                }
                h[t + 1][i] = Math.tanh(z);
            }
        }
        double[][] du = new double[hid][in];
        double[][] dv = new double[hid][hid];
        double[] db = new double[hid];
        double[] next = new double[hid];
        for (int t = steps - 1; t >= 0; t--) {
            double[] delta = new double[hid];
            for (int i = 0; i < hid; i++) {
                double g = h[t + 1][i] - y[t * hid + i];
                for (int k = 0; k < hid; k++) {
                    g += v[k][i] * next[k];
                }
                delta[i] = g * (1 - h[t + 1][i] * h[t + 1][i]);
                db[i] += delta[i];
                for (int j = 0; j < in; j++) {
                    du[i][j] += delta[i] * x[t * in + j];
                }
                for (int j = 0; j < hid; j++) {
                    dv[i][j] += delta[i] * h[t][j];
                }
            }
            next = delta;
        }
        Tensor[] p = rnn.parameters().toArray(new Tensor[0]);
        assertArrayEquals(flat(du), p[0].grad().toDoubleArray(), 1e-12, "dU");
        assertArrayEquals(flat(dv), p[1].grad().toDoubleArray(), 1e-12, "dV");
        assertArrayEquals(db, p[2].grad().toDoubleArray(), 1e-12, "db_ih");
        assertArrayEquals(db, p[3].grad().toDoubleArray(), 1e-12, "db_hh");
    }

    private static double[][] matrix(Tensor t, int rows, int cols) {
        double[] v = t.toDoubleArray();
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(v, i * cols, m[i], 0, cols);
        }
        return m;
    }

    private static double[] flat(double[][] m) {
        return java.util.Arrays.stream(m).flatMapToDouble(java.util.Arrays::stream).toArray();
    }
}
