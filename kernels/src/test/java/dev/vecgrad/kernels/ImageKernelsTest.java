package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The image kernels ({@link ImageSimd}, and {@link ImageScalar} the reference) against a plain
 * reading of their definitions, then against each other bit for bit: max pooling (NaN,
 * infinities, ties and padding included), im2col and col2im, on geometries chosen to reach
 * every path (rows narrower and wider than a vector, strides, dilations, padding, patch blocks
 * at an offset in a wider matrix, arrays that end right after the data so that the masked
 * edge paths run). {@code fuzz}'s ImageProperties draws random geometries through {@link #checkPatches}
 * and {@link #checkMaxPool}.
 */
class ImageKernelsTest {

    private static final int VL = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    /** c, h, w, kh, kw, sh, sw, ph, pw, dh, dw. */
    private static final int[][] CONVS = {
            {2, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1}, {3, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1}, {1, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1},
            {2, 9, VL, 3, 3, 1, 1, 1, 1, 1, 1}, {2, 7, VL + 3, 5, 2, 1, 1, 2, 0, 1, 1}, {2, 16, 16, 3, 3, 2, 2, 1, 1, 1, 1},
            {2, 11, 13, 3, 3, 1, 1, 2, 2, 2, 2}, {3, 6, 9, 1, 1, 1, 1, 0, 0, 1, 1}, {1, 4, 3, 3, 3, 1, 1, 2, 2, 1, 1},
            {2, 10, 2 * VL + 5, 3, 3, 3, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1}, {2, 9, 2 * VL + 3, 3, 3, 2, 2, 0, 0, 1, 1},
            {1, 7, 5, 3, 2, 1, 2, 1, 1, 1, 1}, {3, 8, 3 * VL + 1, 3, 3, 2, 2, 1, 1, 1, 1}};

    /** h, w, kh, kw, sh, sw, ph, pw. */
    private static final int[][] POOLS = {
            {28, 28, 2, 2, 2, 2, 0, 0}, {14, 14, 2, 2, 2, 2, 0, 0}, {7, 7, 3, 3, 2, 2, 1, 1}, {5, VL + 3, 2, 3, 1, 1, 1, 1},
            {9, 2 * VL + 1, 3, 2, 3, 2, 1, 0}, {3, 3, 3, 3, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 0, 0}, {6, 40, 2, 2, 2, 2, 0, 0}};

    static Patches.Geometry geometry(int[] s) {
        int oh = (s[1] + 2 * s[7] - s[9] * (s[3] - 1) - 1) / s[5] + 1;
        int ow = (s[2] + 2 * s[8] - s[10] * (s[4] - 1) - 1) / s[6] + 1;
        return new Patches.Geometry(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], oh, ow);
    }

    @Test
    void patchesOfEveryGeometryMatchTheDefinitionAndTheReference() {
        for (int[] s : CONVS) {
            for (long seed = 0; seed < 3; seed++) {
                checkPatches(geometry(s), seed);
            }
        }
    }

    @Test
    void maxPoolingOfEveryGeometryMatchesTheDefinitionAndTheReference() {
        for (int[] s : POOLS) {
            for (long seed = 0; seed < 4; seed++) {
                checkMaxPool(s, 3, seed);
            }
        }
    }

    @Test
    void aWindowWhollyInThePaddingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Pooling.windows(2, 2, 1, 1, 1, 1, 1, 1, 4, 4));
    }

    @Test
    void anInconsistentGeometryIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Patches.Geometry(1, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5, 6));
    }

    /**
     * Patches of {@code images} images side by side (at = e * oh ow in rows of images * oh ow), in
     * arrays that end where the data ends: im2col against the definition, col2im against its
     * definition (the sum, in order, of every patch entry that came from a cell), both
     * implementations bitwise equal, float and double.
     */
    static void checkPatches(Patches.Geometry g, long seed) {
        Random rnd = new Random(seed);
        int images = 1 + rnd.nextInt(3);
        int plane = g.c() * g.h() * g.w();
        int cols = g.columns();
        int ld = images * cols;
        float[] x = new float[images * plane];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] dcols = new float[g.rows() * ld];
        for (int i = 0; i < dcols.length; i++) {
            dcols[i] = (float) rnd.nextGaussian();
        }
        for (ImageKernels k : new ImageKernels[] {ImageScalar.INSTANCE, ImageSimd.INSTANCE}) {
            float[] got = new float[g.rows() * ld];
            java.util.Arrays.fill(got, Float.NaN);   // every entry must be written
            float[] dx = new float[x.length];
            double[] gotD = new double[got.length];
            double[] dxD = new double[x.length];
            for (int e = 0; e < images; e++) {
                k.im2col(g, x, e * plane, got, e * cols, ld);
                k.im2col(g, toDouble(x), e * plane, gotD, e * cols, ld);
                k.col2im(g, dcols, e * cols, ld, dx, e * plane);
                k.col2im(g, toDouble(dcols), e * cols, ld, dxD, e * plane);
            }
            String what = k.getClass().getSimpleName() + " " + g;
            assertArrayEquals(im2colByDefinition(g, x, images), got, what + ": im2col");
            assertArrayEquals(toDouble(got), gotD, what + ": im2col, double");
            assertArrayEquals(col2imByDefinition(g, dcols, images), dx, what + ": col2im");
            assertArrayEquals(col2imByDefinitionD(g, toDouble(dcols), images), dxD, what + ": col2im, double");
        }
    }

    private static float[] im2colByDefinition(Patches.Geometry g, float[] x, int images) {
        int ld = images * g.columns();
        float[] out = new float[g.rows() * ld];
        for (int e = 0; e < images; e++) {
            for (int c = 0; c < g.c(); c++) {
                for (int i = 0; i < g.kh(); i++) {
                    for (int j = 0; j < g.kw(); j++) {
                        int row = (c * g.kh() + i) * g.kw() + j;
                        for (int r = 0; r < g.oh(); r++) {
                            for (int q = 0; q < g.ow(); q++) {
                                int ih = r * g.sh() - g.ph() + i * g.dh();
                                int iw = q * g.sw() - g.pw() + j * g.dw();
                                boolean in = ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w();
                                out[row * ld + e * g.columns() + r * g.ow() + q] = in ? x[((e * g.c() + c) * g.h() + ih) * g.w() + iw] : 0;
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static float[] col2imByDefinition(Patches.Geometry g, float[] dcols, int images) {
        double[] sum = col2imByDefinitionD(g, toDouble(dcols), images, true);
        float[] out = new float[sum.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) sum[i];
        }
        return out;
    }

    private static double[] col2imByDefinitionD(Patches.Geometry g, double[] dcols, int images) {
        return col2imByDefinitionD(g, dcols, images, false);
    }

    /** Each cell's sum of its patch entries in kernel-cell then position order; rounded to float after each add when asked. */
    private static double[] col2imByDefinitionD(Patches.Geometry g, double[] dcols, int images, boolean roundToFloat) {
        int ld = images * g.columns();
        double[] out = new double[images * g.c() * g.h() * g.w()];
        for (int e = 0; e < images; e++) {
            for (int c = 0; c < g.c(); c++) {
                for (int i = 0; i < g.kh(); i++) {
                    for (int j = 0; j < g.kw(); j++) {
                        int row = (c * g.kh() + i) * g.kw() + j;
                        for (int r = 0; r < g.oh(); r++) {
                            for (int q = 0; q < g.ow(); q++) {
                                int ih = r * g.sh() - g.ph() + i * g.dh();
                                int iw = q * g.sw() - g.pw() + j * g.dw();
                                if (ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w()) {
                                    int at = ((e * g.c() + c) * g.h() + ih) * g.w() + iw;
                                    double v = out[at] + dcols[row * ld + e * g.columns() + r * g.ow() + q];
                                    out[at] = roundToFloat ? (float) v : v;
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * Max pooling of {@code planes} planes whose values are drawn from a small set (ties), with
     * NaN and infinities mixed in: values and positions against the definition (the first
     * largest, the first NaN), both implementations bitwise equal, float and double.
     */
    static void checkMaxPool(int[] s, int planes, long seed) {
        Random rnd = new Random(seed);
        int h = s[0];
        int w = s[1];
        int oh = (h + 2 * s[6] - s[2]) / s[4] + 1;
        int ow = (w + 2 * s[7] - s[3]) / s[5] + 1;
        Pooling.Windows win = Pooling.windows(h, w, s[2], s[3], s[4], s[5], s[6], s[7], oh, ow);
        float[] pool = {0f, 1f, -1f, 2.5f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] x = new float[planes * h * w + 2];
        for (int i = 0; i < x.length; i++) {
            int pick = rnd.nextInt(seed % 2 == 0 ? 5 : pool.length);
            x[i] = seed % 4 == 3 ? (float) rnd.nextGaussian() : pool[pick];
        }
        int off = 1;   // the planes start one element into x and end one before its end
        float[] want = new float[planes * oh * ow];
        int[] wantAt = new int[want.length];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int best = -1;
                    float bv = 0;
                    for (int a = 0; a < s[2]; a++) {
                        for (int b = 0; b < s[3]; b++) {
                            int ih = i * s[4] - s[6] + a;
                            int iw = j * s[5] - s[7] + b;
                            if (ih < 0 || ih >= h || iw < 0 || iw >= w) {
                                continue;
                            }
                            float v = x[off + p * h * w + ih * w + iw];
                            if (best < 0 || !Float.isNaN(bv) && (v > bv || Float.isNaN(v))) {
                                best = ih * w + iw;
                                bv = v;
                            }
                        }
                    }
                    want[(p * oh + i) * ow + j] = bv;
                    wantAt[(p * oh + i) * ow + j] = p * h * w + best;
                }
            }
        }
        for (ImageKernels k : new ImageKernels[] {ImageScalar.INSTANCE, ImageSimd.INSTANCE}) {
            float[] got = new float[want.length + 1];
            int[] at = new int[want.length + 1];
            double[] gotD = new double[want.length + 1];
            int[] atD = new int[want.length + 1];
            k.maxForward(win, x, off, 0, planes, got, 1, at);
            k.maxForward(win, toDouble(x), off, 0, planes, gotD, 1, atD);
            String what = k.getClass().getSimpleName() + " pool " + java.util.Arrays.toString(s) + " seed " + seed;
            for (int o = 0; o < want.length; o++) {
                assertEquals(Float.floatToIntBits(want[o]), Float.floatToIntBits(got[o + 1]), what + ": value " + o);
                assertEquals(wantAt[o], at[o + 1], what + ": position " + o);
                assertEquals(Double.doubleToLongBits(want[o]), Double.doubleToLongBits(gotD[o + 1]), what + ": double value " + o);
                assertEquals(wantAt[o], atD[o + 1], what + ": double position " + o);
            }
        }
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
