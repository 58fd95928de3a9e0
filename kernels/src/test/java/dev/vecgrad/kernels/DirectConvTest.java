package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Direct convolution ({@link DirectConv}): the vector kernels against the scalar reference bit
 * for bit (forward and weight gradient, in one part of the batch or several), the same bits for
 * groups of one image and for any thread count, the input gradient (the transposed plan's forward with the flipped weight) against sums
 * in float64, and the geometries it refuses. The geometries reach output-channel counts that are
 * not multiples of the kernels' blocks (1, 3, 9, 17), tap counts that are not multiples of 12,
 * rows wider than a vector, single rows and columns, 1x3, 5x5 and 3x1 kernels, padding 0 to 2, and
 * the channels-last weight gradient (16 or more input channels, at most 16 output ones).
 */
class DirectConvTest {

    private static final int VL = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    /** n, c, h, w, o, kh, kw, ph, pw. */
    private static final int[][] GEOMETRIES = {
            {2, 3, 14, 14, 4, 3, 3, 1, 1}, {1, 2, 28, 28, 17, 3, 3, 1, 1}, {3, 2, 9, 7, 9, 3, 3, 0, 0}, {1, 2, 5, 6, 3, 3, 3, 2, 2},
            {2, 1, 3, 3, 1, 3, 3, 0, 0}, {1, 2, 2 * VL + 3, 4 * VL + 1, 2, 3, 3, 1, 0}, {2, 3, 7, 2 * VL, 8, 5, 5, 2, 2},
            {1, 1, 1, 1, 2, 3, 3, 1, 1}, {2, 5, 6, VL + 2, 24, 1, 3, 0, 1}, {1, 4, 1, 9, 3, 1, 3, 0, 1}, {2, 3, 8, 1, 5, 3, 1, 1, 0},
            {3, 16, 7, 7, 33, 3, 3, 1, 1}, {2, 17, 6, 9, 5, 3, 3, 1, 1}, {1, 16, 5, 5, 16, 3, 3, 1, 1}};

    private static DirectConv.Plan plan(int[] s, int budget) {
        return new DirectConv.Plan(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], budget);
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    /** {y, dw, dx} by the vector kernels (or the scalar backend where they do not run). */
    private static float[][] run(DirectConv.Plan p, float[] x, float[] w, float[] dy) {
        float[] y = new float[p.n * p.o * p.oh * p.ow];
        Arrays.fill(y, Float.NaN);   // every value must be written
        DirectConv.forward(p, x, 0, w, 0, y, 0);
        float[] dw = new float[w.length];
        Arrays.fill(dw, Float.NaN);
        DirectConv.weightGradient(p, x, 0, dy, 0, dw, 0);
        float[] dx = null;
        if (p.ph <= p.kh - 1 && p.pw <= p.kw - 1) {
            DirectConv.Plan t = p.transposed();
            dx = new float[x.length];
            DirectConv.forward(t, dy, 0, DirectConv.flip(p, w, 0), 0, dx, 0);
        }
        return new float[][] {y, dw, dx};
    }

    @Test
    void vectorKernelsAreTheScalarReferenceBitForBitInAnyGroupingAndThreadCount() throws Exception {
        Random rnd = new Random(7);
        int split = 0;
        for (int[] s : GEOMETRIES) {
            DirectConv.Plan whole = plan(s, DirectConv.BUDGET);
            DirectConv.Plan single = plan(s, 1);
            assertEquals(1, single.images);
            split += whole.parts > 1 ? 1 : 0;
            float[] x = random(rnd, whole.n * whole.c * whole.h * whole.w);
            float[] w = random(rnd, whole.o * whole.c * whole.kh * whole.kw);
            float[] dy = random(rnd, whole.n * whole.o * whole.oh * whole.ow);
            float[] y = new float[dy.length];
            DirectConv.forwardScalar(whole, x, 0, w, 0, y, 0);
            float[] dw = new float[w.length];
            DirectConv.weightGradientScalar(whole, x, 0, dy, 0, dw, 0);
            String at = Arrays.toString(s);
            float[][] a = run(whole, x, w, dy);
            assertArrayEquals(y, a[0], "forward " + at);
            assertArrayEquals(dw, a[1], "weight gradient " + at);
            float[][] b = run(single, x, w, dy);
            float[][] c = Parallelism.serially(() -> run(whole, x, w, dy));
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(a[i], b[i], "groups of one image " + at);
                assertArrayEquals(a[i], c[i], "one thread " + at);
            }
        }
        assertTrue(split > 0 && split < GEOMETRIES.length, "weight gradients in one part and in several: " + split);
    }

    @Test
    void theTransposedPlansForwardIsTheInputGradient() {
        Random rnd = new Random(11);
        for (int[] s : GEOMETRIES) {
            DirectConv.Plan p = plan(s, DirectConv.BUDGET);
            if (p.ph > p.kh - 1 || p.pw > p.kw - 1) {
                continue;
            }
            float[] x = random(rnd, p.n * p.c * p.h * p.w);
            float[] w = random(rnd, p.o * p.c * p.kh * p.kw);
            float[] dy = random(rnd, p.n * p.o * p.oh * p.ow);
            float[] dx = run(p, x, w, dy)[2];
            double[] ref = new double[dx.length];
            double[] scale = new double[dx.length];
            for (int b = 0; b < p.n; b++) {
                for (int oc = 0; oc < p.o; oc++) {
                    for (int r = 0; r < p.oh; r++) {
                        for (int q = 0; q < p.ow; q++) {
                            double g = dy[((b * p.o + oc) * p.oh + r) * p.ow + q];
                            for (int ic = 0; ic < p.c; ic++) {
                                for (int i = 0; i < p.kh; i++) {
                                    for (int j = 0; j < p.kw; j++) {
                                        int rr = r + i - p.ph;
                                        int qq = q + j - p.pw;
                                        if (rr >= 0 && rr < p.h && qq >= 0 && qq < p.w) {
                                            int at = ((b * p.c + ic) * p.h + rr) * p.w + qq;
                                            double term = g * w[((oc * p.c + ic) * p.kh + i) * p.kw + j];
                                            ref[at] += term;
                                            scale[at] += Math.abs(term);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for (int i = 0; i < dx.length; i++) {
                double bound = 1e-6 * scale[i] + 1e-30;
                assertTrue(Math.abs(dx[i] - ref[i]) <= bound, Arrays.toString(s) + " dx[" + i + "] = " + dx[i] + ", expected " + ref[i]);
            }
        }
    }

    @Test
    void refusesInconsistentGeometries() {
        assertThrows(IllegalArgumentException.class, () -> new DirectConv.Plan(1, 1, 2, 2, 1, 5, 5, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new DirectConv.Plan(0, 1, 2, 2, 1, 1, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new DirectConv.Plan(1, 1, 2, 2, 1, 1, 1, -1, 0));
        DirectConv.Plan wide = new DirectConv.Plan(1, 2, 5, 6, 3, 3, 3, 3, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, wide::transposed);
        assertTrue(e.getMessage().contains("padding 3x1"), e.getMessage());
    }
}
