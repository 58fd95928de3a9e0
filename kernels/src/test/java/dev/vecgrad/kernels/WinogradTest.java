package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Winograd's F(2x2, 3x3) ({@link Winograd}): the vector transforms against the scalar reference
 * bit for bit; the convolution and its weight gradient against direct sums in float64 within a
 * float32 error bound; the same bits for any block size and thread count; and the geometries it
 * refuses. The geometries reach both vector layouts (one and two tile rows a vector), rows of
 * tiles wider than a vector, odd output sizes (a last tile half outside) and padding 0, 1 and 2.
 */
class WinogradTest {

    private static final int VL = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    /** n, c, h, w, o, ph, pw. */
    private static final int[][] GEOMETRIES = {
            {2, 3, 14, 14, 4, 1, 1}, {1, 2, 28, 28, 3, 1, 1}, {3, 2, 9, 7, 2, 0, 0}, {1, 2, 5, 6, 3, 2, 2}, {2, 1, 3, 3, 1, 0, 0},
            {1, 2, 2 * VL + 3, 4 * VL + 1, 2, 1, 0}, {2, 3, 7, 2 * VL, 2, 0, 2}, {1, 1, 1, 1, 2, 1, 1}, {1, 2, 6, VL + 2, 2, 1, 1}};

    private static Winograd.Plan plan(int[] s, int blockTiles) {
        return new Winograd.Plan(s[0], s[1], s[2], s[3], s[4], s[5], s[6], blockTiles);
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    /** {y, dw}: the convolution of x with w through its transformed weight, and its weight gradient for dy (or for y when null). */
    private static float[][] convolve(Winograd.Plan p, float[] x, float[] w, float[] dy) {
        float[] tw = new float[p.weightSize()];
        Winograd.weights(p, w, 0, tw);
        float[] y = new float[p.n * p.o * p.oh * p.ow];
        Winograd.forward(p, x, 0, tw, y, 0);
        float[] dw = new float[w.length];
        Winograd.weightGradient(p, x, 0, dy == null ? y : dy, 0, dw, 0);
        return new float[][] {y, dw};
    }

    @Test
    void vectorTransformsAreTheScalarOnesBitForBit() {
        Random rnd = new Random(3);
        for (int[] s : GEOMETRIES) {
            Winograd.Plan p = plan(s, 1);
            int nt = p.tiles;   // one image a block
            float[] x = random(rnd, p.n * p.c * p.h * p.w);
            float[] dy = random(rnd, p.n * p.o * p.oh * p.ow);
            float[] m = random(rnd, 16 * p.o * nt);
            for (int b = 0; b < p.n; b++) {
                float[] vs = new float[16 * p.c * nt];
                float[] vv = new float[16 * p.c * nt];
                Winograd.inputTilesScalar(p, x, 0, b, 1, 0, p.c, vs, nt);
                Winograd.inputTilesVector(p, x, 0, b, 1, 0, p.c, vv, nt);
                assertArrayEquals(vs, vv, "input transform, " + java.util.Arrays.toString(s));
                float[] ys = new float[p.n * p.o * p.oh * p.ow];
                float[] yv = new float[ys.length];
                Winograd.outputTilesScalar(p, m, nt, b, 1, 0, p.o, ys, 0);
                Winograd.outputTilesVector(p, m, nt, b, 1, 0, p.o, yv, 0);
                assertArrayEquals(ys, yv, "output transform, " + java.util.Arrays.toString(s));
                float[] gs = new float[16 * p.o * nt];
                float[] gv = new float[16 * p.o * nt];
                Winograd.gradientTilesScalar(p, dy, 0, b, 1, 0, p.o, gs, nt);
                Winograd.gradientTilesVector(p, dy, 0, b, 1, 0, p.o, gv, nt);
                assertArrayEquals(gs, gv, "gradient transform, " + java.util.Arrays.toString(s));
            }
        }
    }

    /**
     * y and dw by direct sums in double, and for each the scale of Winograd's rounding errors: the
     * transforms mix all 16 inputs of a tile (products that cancel exactly in exact arithmetic do
     * not in float), so the scale is tile-wide. For y[b, o] at tile t: the sum over c of (the sum of
     * |x| over t's 4x4 input) times max |w[o, c]|; for dw[o, c]: the sum over images and tiles of
     * (the sum of |x[c]| over the tile's input) times (max |dy[o]| over the tile's 2x2 outputs).
     */
    private static double[][] direct(Winograd.Plan p, float[] x, float[] w, float[] dy) {
        double[] y = new double[p.n * p.o * p.oh * p.ow];
        double[] dw = new double[p.o * p.c * 9];
        for (int b = 0; b < p.n; b++) {
            for (int o = 0; o < p.o; o++) {
                for (int i = 0; i < p.oh; i++) {
                    for (int j = 0; j < p.ow; j++) {
                        int at = ((b * p.o + o) * p.oh + i) * p.ow + j;
                        for (int c = 0; c < p.c; c++) {
                            for (int a = 0; a < 3; a++) {
                                for (int q = 0; q < 3; q++) {
                                    double xv = input(p, x, b, c, i + a - p.ph, j + q - p.pw);
                                    int wi = ((o * p.c + c) * 3 + a) * 3 + q;
                                    y[at] += w[wi] * xv;
                                    dw[wi] += dy[at] * xv;
                                }
                            }
                        }
                    }
                }
            }
        }
        double[] tileAbs = new double[p.n * p.c * p.tiles];
        double[] dyMax = new double[p.n * p.o * p.tiles];
        for (int b = 0; b < p.n; b++) {
            for (int t = 0; t < p.tiles; t++) {
                int ty = t / p.tw;
                int tx = t % p.tw;
                for (int c = 0; c < p.c; c++) {
                    for (int a = 0; a < 4; a++) {
                        for (int q = 0; q < 4; q++) {
                            tileAbs[(b * p.c + c) * p.tiles + t] += Math.abs(input(p, x, b, c, 2 * ty + a - p.ph, 2 * tx + q - p.pw));
                        }
                    }
                }
                for (int o = 0; o < p.o; o++) {
                    for (int a = 0; a < 2; a++) {
                        for (int q = 0; q < 2; q++) {
                            int i = 2 * ty + a;
                            int j = 2 * tx + q;
                            if (i < p.oh && j < p.ow) {
                                int at = (b * p.o + o) * p.tiles + t;
                                dyMax[at] = Math.max(dyMax[at], Math.abs(dy[((b * p.o + o) * p.oh + i) * p.ow + j]));
                            }
                        }
                    }
                }
            }
        }
        double[] yScale = new double[y.length];
        double[] dwScale = new double[dw.length];
        for (int o = 0; o < p.o; o++) {
            for (int c = 0; c < p.c; c++) {
                double wMax = 0;
                for (int k = 0; k < 9; k++) {
                    wMax = Math.max(wMax, Math.abs(w[(o * p.c + c) * 9 + k]));
                }
                double sum = 0;
                for (int b = 0; b < p.n; b++) {
                    for (int i = 0; i < p.oh; i++) {
                        for (int j = 0; j < p.ow; j++) {
                            int t = (i / 2) * p.tw + j / 2;
                            yScale[((b * p.o + o) * p.oh + i) * p.ow + j] += tileAbs[(b * p.c + c) * p.tiles + t] * wMax;
                        }
                    }
                    for (int t = 0; t < p.tiles; t++) {
                        sum += tileAbs[(b * p.c + c) * p.tiles + t] * dyMax[(b * p.o + o) * p.tiles + t];
                    }
                }
                for (int k = 0; k < 9; k++) {
                    dwScale[(o * p.c + c) * 9 + k] = sum;
                }
            }
        }
        return new double[][] {y, yScale, dw, dwScale};
    }

    private static double input(Winograd.Plan p, float[] x, int b, int c, int r, int col) {
        return r < 0 || r >= p.h || col < 0 || col >= p.w ? 0 : x[((b * p.c + c) * p.h + r) * p.w + col];
    }

    /**
     * Each result within {@code 4 u S} of the exact one, u = 2^-24 and S the tile-wide scale of
     * {@link #direct}. Measured on these geometries: at most 1.22 u S. A wrong coefficient in any
     * transform gives errors of the order of S itself.
     */
    @Test
    void forwardAndWeightGradientAgreeWithFloat64DirectSums() {
        Random rnd = new Random(5);
        double u = Math.ulp(1f) / 2;
        for (int[] s : GEOMETRIES) {
            Winograd.Plan p = plan(s, 40);
            float[] x = random(rnd, p.n * p.c * p.h * p.w);
            float[] w = random(rnd, p.o * p.c * 9);
            float[] dy = random(rnd, p.n * p.o * p.oh * p.ow);
            float[][] got = convolve(p, x, w, dy);
            float[] y = got[0];
            float[] dw = got[1];
            double[][] ref = direct(p, x, w, dy);
            for (int i = 0; i < y.length; i++) {
                double bound = 4 * u * ref[1][i] + Double.MIN_VALUE;
                assertTrue(Math.abs(y[i] - ref[0][i]) <= bound, "y[" + i + "] " + y[i] + " against " + ref[0][i] + ", "
                        + java.util.Arrays.toString(s));
            }
            for (int i = 0; i < dw.length; i++) {
                double bound = 4 * u * ref[3][i] + Double.MIN_VALUE;
                assertTrue(Math.abs(dw[i] - ref[2][i]) <= bound, "dw[" + i + "] " + dw[i] + " against " + ref[2][i] + ", "
                        + java.util.Arrays.toString(s));
            }
        }
    }

    /** The weight gradient adds to what dw holds, as the GEMMs' beta 1 would. */
    @Test
    void weightGradientAddsToDw() {
        Random rnd = new Random(9);
        int[] s = GEOMETRIES[0];
        Winograd.Plan p = plan(s, 40);
        float[] x = random(rnd, p.n * p.c * p.h * p.w);
        float[] dy = random(rnd, p.n * p.o * p.oh * p.ow);
        float[] fresh = new float[p.o * p.c * 9];
        Winograd.weightGradient(p, x, 0, dy, 0, fresh, 0);
        float[] start = random(rnd, fresh.length);
        float[] added = start.clone();
        Winograd.weightGradient(p, x, 0, dy, 0, added, 0);
        for (int i = 0; i < fresh.length; i++) {
            assertTrue(Math.abs(added[i] - (start[i] + fresh[i])) <= Math.ulp(Math.abs(start[i]) + Math.abs(fresh[i])) * 2,
                    "dw[" + i + "]");
        }
    }

    @Test
    void sameBitsForAnyBlockSizeAndThreadCount() {
        Random rnd = new Random(11);
        int before = Parallelism.threads();
        try {
            for (int[] s : new int[][] {{5, 17, 14, 14, 9, 1, 1}, {3, 4, 11, 2 * VL + 1, 5, 0, 0}}) {
                float[] x = random(rnd, s[0] * s[1] * s[2] * s[3]);
                float[] w = random(rnd, s[4] * s[1] * 9);
                float[] firstY = null;
                float[] firstDw = null;
                for (int blockTiles : new int[] {1, 64, 100_000}) {
                    for (int threads : new int[] {1, 2}) {
                        Parallelism.setThreads(threads);
                        Winograd.Plan p = plan(s, blockTiles);
                        float[][] got = convolve(p, x, w, null);
                        float[] y = got[0];
                        float[] dw = got[1];
                        if (firstY == null) {
                            firstY = y;
                            firstDw = dw;
                        } else {
                            assertArrayEquals(firstY, y, "y with blocks of " + blockTiles + " tiles on " + threads + " threads");
                            assertArrayEquals(firstDw, dw, "dw with blocks of " + blockTiles + " tiles on " + threads + " threads");
                        }
                    }
                }
            }
        } finally {
            Parallelism.setThreads(before);
        }
    }

    @Test
    void refusesWhatItCannotDo() {
        assertThrows(IllegalArgumentException.class, () -> new Winograd.Plan(1, 1, 5, 5, 1, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> new Winograd.Plan(1, 1, 2, 5, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Winograd.Plan(0, 1, 5, 5, 1, 1, 1));
    }
}
