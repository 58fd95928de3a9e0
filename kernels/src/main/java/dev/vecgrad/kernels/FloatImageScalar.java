package dev.vecgrad.kernels;

/**
 * The float image kernels in plain Java: the references of max pooling, im2col and col2im (which
 * {@code ImageSimd} is tested against, and which run on the scalar backend), and the pooling
 * loops that have no vector form (max pooling's backward, average pooling). Arguments as the
 * facades {@link Pooling} and {@link Patches} document them.
 * {@code DoubleImageScalar} is generated from this file by {@code kernels/gen/microkernels.py}.
 */
final class FloatImageScalar {

    private FloatImageScalar() {}

    /**
     * The reference max pooling: one window after another through the offset table. Each
     * window's comparisons form one dependent chain (a float max costs several cycles), so this
     * runs at about 20 ns per window of four; {@code ImageSimd} takes a vector of windows at once.
     */
    static void maxForward(Pooling.Windows win, float[] x, int xOff, int p0, int p1, float[] out, int outOff, int[] where) {
        for (int p = p0; p < p1; p++) {
            int in = xOff + p * win.planeIn;
            int o0 = outOff + p * win.planeOut;
            for (int o = 0; o < win.planeOut; o++) {
                int best = win.offsets[win.start[o]];
                float bv = x[in + best];
                for (int t = win.start[o] + 1; t < win.start[o + 1]; t++) {
                    float v = x[in + win.offsets[t]];
                    if (!(v <= bv) && bv == bv) {   // v > bv or v NaN, while bv is not NaN
                        best = win.offsets[t];
                        bv = v;
                    }
                }
                out[o0 + o] = bv;
                where[o0 + o] = p * win.planeIn + best;
            }
        }
    }

    /**
     * For planes [p0, p1): gx[where[o]] += g[o], outputs in order (overlapping windows add up).
     * g's plane p starts at {@code gOff + p * planeOut}, where's at {@code p * planeOut}.
     */
    static void maxBackward(Pooling.Windows win, float[] g, int gOff, int[] where, int p0, int p1, float[] gx) {
        for (int o = p0 * win.planeOut; o < p1 * win.planeOut; o++) {
            gx[where[o]] += g[gOff + o];
        }
    }

    /** For planes [p0, p1): out[o] = scale * the sum of window o (in double, in window order). */
    static void avgForward(Pooling.Windows win, double scale, float[] x, int xOff, int p0, int p1, float[] out, int outOff) {
        for (int p = p0; p < p1; p++) {
            int in = xOff + p * win.planeIn;
            int o0 = outOff + p * win.planeOut;
            for (int o = 0; o < win.planeOut; o++) {
                double sum = 0;
                for (int t = win.start[o]; t < win.start[o + 1]; t++) {
                    sum += x[in + win.offsets[t]];
                }
                out[o0 + o] = (float) (sum * scale);
            }
        }
    }

    /**
     * For planes [p0, p1): every cell of window o gets g[o] * scale added (in double, then
     * rounded), outputs in order. gx's plane p starts at {@code p * planeIn}.
     */
    static void avgBackward(Pooling.Windows win, double scale, float[] g, int gOff, int p0, int p1, float[] gx) {
        for (int p = p0; p < p1; p++) {
            int in = p * win.planeIn;
            int o0 = gOff + p * win.planeOut;
            for (int o = 0; o < win.planeOut; o++) {
                double v = g[o0 + o] * scale;
                for (int t = win.start[o]; t < win.start[o + 1]; t++) {
                    int at = in + win.offsets[t];
                    gx[at] = (float) (gx[at] + v);
                }
            }
        }
    }

    /** The reference im2col: one run of output columns (those whose input lies inside the image) at a time. */
    static void im2col(Patches.Geometry g, float[] x, int xOff, float[] cols, int at, int ld) {
        int row = 0;
        for (int c = 0; c < g.c(); c++) {
            int plane = xOff + c * g.h() * g.w();
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, row++) {
                    int first = g.firstColumn(j);
                    int last = g.lastColumn(j);
                    int jOff = j * g.dw() - g.pw();
                    for (int r = 0; r < g.oh(); r++) {
                        int to = row * ld + at + r * g.ow();
                        int ih = r * g.sh() - g.ph() + i * g.dh();
                        for (int q = 0; q < g.ow(); q++) {
                            cols[to + q] = ih >= 0 && ih < g.h() && q >= first && q <= last ? x[plane + ih * g.w() + q * g.sw() + jOff] : 0;
                        }
                    }
                }
            }
        }
    }

    /** The reference col2im: every patch entry added back to its cell, kernel cells then positions in order. */
    static void col2im(Patches.Geometry g, float[] dcols, int at, int ld, float[] dx, int dxOff) {
        int row = 0;
        for (int c = 0; c < g.c(); c++) {
            int plane = dxOff + c * g.h() * g.w();
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, row++) {
                    int first = g.firstColumn(j);
                    int last = g.lastColumn(j);
                    int jOff = j * g.dw() - g.pw();
                    for (int r = 0; r < g.oh(); r++) {
                        int ih = r * g.sh() - g.ph() + i * g.dh();
                        if (ih < 0 || ih >= g.h()) {
                            continue;
                        }
                        int from = row * ld + at + r * g.ow();
                        for (int q = first; q <= last; q++) {
                            dx[plane + ih * g.w() + q * g.sw() + jOff] += dcols[from + q];
                        }
                    }
                }
            }
        }
    }
}
