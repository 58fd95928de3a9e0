package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The worked examples of the course notes (seed 001), rebuilt on vecgrad's autograd. */
class SeedExamplesTest {

    /** PyTorch's nn.Linear init: weight and bias uniform in +-1/sqrt(fanIn). */
    private static Tensor linearParam(Random rnd, int fanIn, int... shape) {
        double bound = 1 / Math.sqrt(fanIn);
        return Tensor.rand(rnd, DType.F32, shape).mul(2 * bound).sub(bound).detach().requiresGrad(true);
    }

    /**
     * Seed 001's 2-2-2 sigmoid network: input [0.05, 0.1], target [0.01, 0.99], MSE, SGD lr
     * 0.5, 10000 steps. PyTorch printed 0.2696 at step 0 falling to 3.8e-6 at step 9000 and a
     * validation loss of 1.5e-3; with its own random init vecgrad must trace the same shape:
     * a start of the same size, a fall at every checkpoint, the same orders of magnitude.
     */
    @Test
    void theTwoTwoTwoSigmoidNetworkLearnsLikeTheNotesShow() {
        Random rnd = new Random(1);
        Tensor w1 = linearParam(rnd, 2, 2, 2);
        Tensor b1 = linearParam(rnd, 2, 2);
        Tensor w2 = linearParam(rnd, 2, 2, 2);
        Tensor b2 = linearParam(rnd, 2, 2);
        List<Tensor> params = List.of(w1, b1, w2, b2);
        Tensor input = Tensor.of(new float[] {0.05f, 0.1f}, 1, 2);
        Tensor target = Tensor.of(new float[] {0.01f, 0.99f}, 1, 2);
        List<Double> checkpoints = new ArrayList<>();
        for (int i = 0; i < 10000; i++) {
            params.forEach(Tensor::zeroGrad);
            Tensor hidden = input.matmul(w1.t()).add(b1).sigmoid();
            Tensor out = hidden.matmul(w2.t()).add(b2).sigmoid();
            Tensor loss = Losses.mse(out, target);
            loss.backward();
            try (var g = Grad.disabled()) {
                for (Tensor p : params) {
                    sgdStep(p, 0.5f);
                }
            }
            if (i % 1000 == 0) {
                checkpoints.add(loss.item());
            }
        }
        assertTrue(checkpoints.get(0) > 0.1 && checkpoints.get(0) < 0.5, "step 0 loss " + checkpoints.get(0));
        for (int i = 1; i < checkpoints.size(); i++) {
            assertTrue(checkpoints.get(i) < checkpoints.get(i - 1), "loss falls at every checkpoint: " + checkpoints);
        }
        assertTrue(checkpoints.get(1) < 1e-3, "after 1000 steps (notes: 2.8e-4): " + checkpoints);
        assertTrue(checkpoints.get(9) < 2e-5, "after 9000 steps (notes: 3.8e-6): " + checkpoints);
        try (var g = Grad.disabled()) {
            Tensor vin = Tensor.of(new float[] {0.1f, 0.2f}, 1, 2);
            Tensor vt = Tensor.of(new float[] {0.05f, 0.95f}, 1, 2);
            Tensor out = vin.matmul(w1.t()).add(b1).sigmoid().matmul(w2.t()).add(b2).sigmoid();
            double val = Losses.mse(out, vt).item();
            assertTrue(val < 1e-2, "validation loss (notes: 1.5e-3): " + val);
        }
    }

    private static void sgdStep(Tensor p, float lr) {
        float[] data = ((FloatStorage) p.storage).a;
        float[] g = p.grad().toFloatArray();
        for (int i = 0; i < g.length; i++) {
            data[p.offset + i] -= lr * g[i];
        }
    }

    /**
     * Seed 001's RNN cell (r = U x + V h, h = sigmoid(r), s = W h, y = sigmoid(s)), three
     * steps, loss 0.5 sum (y - t)^2: the hand-written BPTT of the notes, in plain Java,
     * equals autograd's gradients on U, V and W.
     */
    @Test
    void handWrittenBpttEqualsAutograd() {
        int dx = 2;
        int dh = 4;
        int dout = 5;
        int steps = 3;
        Random rnd = new Random(3);
        double[][] u = uniform(rnd, dh, dx);
        double[][] v = uniform(rnd, dh, dh);
        double[][] w = uniform(rnd, dout, dh);
        double[][] xs = rand01(rnd, steps, dx);
        double[] h0 = rand01(rnd, 1, dh)[0];
        double[][] ts = rand01(rnd, steps, dout);

        // autograd
        Tensor tu = Tensor.of(flat(u), dh, dx).requiresGrad(true);
        Tensor tv = Tensor.of(flat(v), dh, dh).requiresGrad(true);
        Tensor tw = Tensor.of(flat(w), dout, dh).requiresGrad(true);
        Tensor h = Tensor.of(h0, dh, 1);
        Tensor loss = Tensor.scalar(0.0);
        for (int t = 0; t < steps; t++) {
            Tensor r = tu.matmul(Tensor.of(xs[t], dx, 1)).add(tv.matmul(h));
            h = r.sigmoid();
            Tensor y = tw.matmul(h).sigmoid();
            Tensor diff = y.sub(Tensor.of(ts[t], dout, 1));
            loss = loss.add(diff.mul(diff).sum().mul(0.5));
        }
        loss.backward();

        // by hand, as in the notes: forward keeping r, h, s; backward from the last step
        double[][] hs = new double[steps + 1][];
        double[][] rs = new double[steps][];
        double[][] ss = new double[steps][];
        hs[0] = h0;
        for (int t = 0; t < steps; t++) {
            rs[t] = add(mv(u, xs[t]), mv(v, hs[t]));
            hs[t + 1] = sigmoid(rs[t]);
            ss[t] = mv(w, hs[t + 1]);
        }
        double[][] gu = new double[dh][dx];
        double[][] gv = new double[dh][dh];
        double[][] gw = new double[dout][dh];
        double[] rNext = new double[dh];
        for (int t = steps - 1; t >= 0; t--) {
            double[] y = sigmoid(ss[t]);
            double[] sGrad = new double[dout];
            for (int i = 0; i < dout; i++) {
                sGrad[i] = (y[i] - ts[t][i]) * y[i] * (1 - y[i]);
            }
            double[] hGrad = add(mtv(w, sGrad), mtv(v, rNext));
            double[] sr = sigmoid(rs[t]);
            double[] rGrad = new double[dh];
            for (int i = 0; i < dh; i++) {
                rGrad[i] = hGrad[i] * sr[i] * (1 - sr[i]);
            }
            outerAdd(gu, rGrad, xs[t]);
            outerAdd(gv, rGrad, hs[t]);
            outerAdd(gw, sGrad, hs[t + 1]);
            rNext = rGrad;
        }
        assertClose(flat(gu), tu.grad().toDoubleArray(), "U");
        assertClose(flat(gv), tv.grad().toDoubleArray(), "V");
        assertClose(flat(gw), tw.grad().toDoubleArray(), "W");
    }

    private static void assertClose(double[] want, double[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-14, what + " element " + i);
        }
    }

    private static double[][] uniform(Random rnd, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = rnd.nextDouble() * 0.2 - 0.1;
            }
        }
        return m;
    }

    private static double[][] rand01(Random rnd, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = rnd.nextDouble();
            }
        }
        return m;
    }

    private static double[] flat(double[][] m) {
        double[] out = new double[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * m[0].length, m[0].length);
        }
        return out;
    }

    private static double[] mv(double[][] m, double[] x) {
        double[] y = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < x.length; j++) {
                y[i] += m[i][j] * x[j];
            }
        }
        return y;
    }

    private static double[] mtv(double[][] m, double[] x) {
        double[] y = new double[m[0].length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < y.length; j++) {
                y[j] += m[i][j] * x[i];
            }
        }
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }

    private static double[] sigmoid(double[] a) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = 1 / (1 + Math.exp(-a[i]));
        }
        return c;
    }

    private static void outerAdd(double[][] g, double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                g[i][j] += a[i] * b[j];
            }
        }
    }
}
