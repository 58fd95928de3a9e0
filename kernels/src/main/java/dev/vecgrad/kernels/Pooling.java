package dev.vecgrad.kernels;

/**
 * Max and average pooling over planes (one channel of one image each, row-major h x w),
 * forward and backward, for float and double. The windows are the same for every plane, so
 * they are listed once ({@link Windows}): for each output cell, the in-plane offsets of the
 * input cells it covers, padding left out. The loops then read the planes through that table:
 * no bounds arithmetic per element, and one loop per element type.
 *
 * <p>Plane ranges are the unit of work: a caller may split the planes over threads, and each
 * plane's results (its outputs, or the gradient of its inputs) are the same bits whichever
 * thread computes them, since no plane reads or writes another's cells.
 *
 * <p>Semantics are PyTorch's: the maximum of a window is its first largest element, a NaN
 * wins (the first NaN); average pooling divides by the whole window, padding counted as zeros
 * ({@code count_include_pad=True}). Sums are taken in double, in window order, then rounded
 * once, for float as for double.
 */
public final class Pooling {

    private Pooling() {}

    /**
     * The windows of one pooling geometry: output cell o (row-major over oh x ow) covers the
     * input offsets {@code offsets[start[o] .. start[o + 1])} of its plane, in window order
     * (rows, then columns).
     */
    public static final class Windows {
        final int h, w, kh, kw, sh, sw, ph, pw, oh, ow;
        final int planeIn;
        final int planeOut;
        final int[] start;
        final int[] offsets;

        private Windows(int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow, int[] start, int[] offsets) {
            this.h = h;
            this.w = w;
            this.kh = kh;
            this.kw = kw;
            this.sh = sh;
            this.sw = sw;
            this.ph = ph;
            this.pw = pw;
            this.oh = oh;
            this.ow = ow;
            this.planeIn = h * w;
            this.planeOut = oh * ow;
            this.start = start;
            this.offsets = offsets;
        }

        /** Cells of one input plane (h w). */
        public int planeIn() {
            return planeIn;
        }

        /** Cells of one output plane (oh ow). */
        public int planeOut() {
            return planeOut;
        }
    }

    /**
     * The windows of a kh x kw pooling with the given stride and padding over h x w planes,
     * giving oh x ow outputs (the caller's, checked to fit).
     *
     * @throws IllegalArgumentException if a size is out of range or a window lies wholly in the padding
     */
    public static Windows windows(int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {
        if (h < 1 || w < 1 || kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0 || oh < 1 || ow < 1) {
            throw new IllegalArgumentException("pooling: sizes out of range: input " + h + "x" + w + ", kernel " + kh + "x" + kw
                    + ", stride " + sh + "x" + sw + ", padding " + ph + "x" + pw + ", output " + oh + "x" + ow);
        }
        int[] start = new int[oh * ow + 1];
        int[] offsets = new int[oh * ow * kh * kw];
        int n = 0;
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                start[i * ow + j] = n;
                for (int a = 0; a < kh; a++) {
                    int ih = i * sh - ph + a;
                    for (int b = 0; b < kw && ih >= 0 && ih < h; b++) {
                        int iw = j * sw - pw + b;
                        if (iw >= 0 && iw < w) {
                            offsets[n++] = ih * w + iw;
                        }
                    }
                }
                if (n == start[i * ow + j]) {
                    throw new IllegalArgumentException("pooling: the window of output (" + i + ", " + j + ") lies wholly in the padding");
                }
            }
        }
        start[oh * ow] = n;
        return new Windows(h, w, kh, kw, sh, sw, ph, pw, oh, ow, start, offsets);
    }

    /**
     * For planes [p0, p1): out[o] = the maximum of each window, where[o] = its position as
     * {@code plane * planeIn + offset} (the plane counted from the first, p = 0). Plane p
     * starts at {@code xOff + p * planeIn} in x and {@code outOff + p * planeOut} in out and where.
     * The Vector API kernel ({@code ImageSimd}) or {@link ImageScalar}, the reference, as {@link Backend} chose.
     */
    public static void maxForward(Windows win, float[] x, int xOff, int p0, int p1, float[] out, int outOff, int[] where) {
        KERNELS.maxForward(win, x, xOff, p0, p1, out, outOff, where);
    }

    /** As the float {@link #maxForward}. */
    public static void maxForward(Windows win, double[] x, int xOff, int p0, int p1, double[] out, int outOff, int[] where) {
        KERNELS.maxForward(win, x, xOff, p0, p1, out, outOff, where);
    }

    private static final ImageKernels KERNELS = Backend.image();

    /**
     * For planes [p0, p1): gx[where[o]] += g[o], outputs in order (overlapping windows add up).
     * g's plane p starts at {@code gOff + p * planeOut}, where's at {@code p * planeOut}.
     */
    public static void maxBackward(Windows win, float[] g, int gOff, int[] where, int p0, int p1, float[] gx) {
        FloatImageScalar.maxBackward(win, g, gOff, where, p0, p1, gx);
    }

    /** As the float {@link #maxBackward}. */
    public static void maxBackward(Windows win, double[] g, int gOff, int[] where, int p0, int p1, double[] gx) {
        DoubleImageScalar.maxBackward(win, g, gOff, where, p0, p1, gx);
    }

    /** For planes [p0, p1): out[o] = scale * the sum of window o (in double, in window order). */
    public static void avgForward(Windows win, double scale, float[] x, int xOff, int p0, int p1, float[] out, int outOff) {
        FloatImageScalar.avgForward(win, scale, x, xOff, p0, p1, out, outOff);
    }

    /** As the float {@link #avgForward}. */
    public static void avgForward(Windows win, double scale, double[] x, int xOff, int p0, int p1, double[] out, int outOff) {
        DoubleImageScalar.avgForward(win, scale, x, xOff, p0, p1, out, outOff);
    }

    /**
     * For planes [p0, p1): every cell of window o gets g[o] * scale added (in double, then
     * rounded), outputs in order. gx's plane p starts at {@code p * planeIn}.
     */
    public static void avgBackward(Windows win, double scale, float[] g, int gOff, int p0, int p1, float[] gx) {
        FloatImageScalar.avgBackward(win, scale, g, gOff, p0, p1, gx);
    }

    /** As the float {@link #avgBackward}. */
    public static void avgBackward(Windows win, double scale, double[] g, int gOff, int p0, int p1, double[] gx) {
        DoubleImageScalar.avgBackward(win, scale, g, gOff, p0, p1, gx);
    }
}
