package dev.vecgrad.kernels;

import java.util.Arrays;

/**
 * Direct 2-D convolution at stride 1, float32, NCHW, one group, no dilation, with no patch
 * matrix: the forward pass and the weight gradient (the input gradient is the forward pass of
 * {@link Plan#transposed}, on the output gradient with the flipped weight).
 *
 * <p>The input's planes are copied into zero-bordered ones, a group of images one after the other
 * in each channel: rows of {@code wp = w + pw} values (pw zeros, then the row), {@code ph} zero
 * rows before each image, {@code plane = (h + ph) wp} values an image, {@code x[b, c, r, q]} at
 * {@code xp[c cstride + b plane + (r + ph) wp + q + pw]}. The zeros right of a row are the next
 * row's left ones, and the rows under an image are the next image's top ones, so the border costs
 * pw columns and ph rows, not twice that. In that layout the input under tap (c, i, j) of output
 * (b, r, q) sits at {@code off[k] + b plane + r wp + q} with {@code off[k] = c cstride + i wp + j}
 * (given ph, pw at most kh - 1, kw - 1): every tap of a run of consecutive output positions is a
 * run of consecutive inputs, one vector load, whatever the row breaks. The forward micro-kernel
 * ({@link DirectConvSimd}) keeps a block of M vectors of positions x N output channels in
 * registers over all C kh kw taps: M loads and N broadcasts per M N multiply-adds, with the
 * packed weights of the N channels in L1. Positions in the border columns and rows are
 * computed and dropped when the output is copied out: 29 of 225 at 14x14 with padding 1.
 *
 * <p>The weight gradient runs channels-last: dW transposed, {@code [tap][channel]}, with the
 * output gradient copied to {@code [b][r][q][channel]} (padded to whole vectors). Its
 * micro-kernel keeps K taps x V vectors of channels in registers over every output position of
 * a group of images, one vector load per V channel-vectors and K broadcasts of the padded input.
 *
 * <p>Every output value is one chain of multiply-adds in a fixed order (taps c, i, j), and every
 * weight-gradient value one chain per part of the batch (images, rows, columns, continued from one
 * group of images to the next), the parts' sums added in order ({@link Plan#parts}: one part
 * unless the gradient is too small to share among threads otherwise): the bits do not depend on
 * the vector width, the kernel shapes, the group size or the thread count, and equal the scalar
 * reference's ({@link #forwardScalar}, {@link #weightGradientScalar}): fused multiply-adds, each
 * rounded once.
 *
 * <p>Measured on an AMD EPYC Zen 5 (AVX-512, one thread, FMA probe 225 GFLOP/s), the kernels alone
 * on a group of images: forward 3x8 at 182 GFLOP/s for 32 to 64 channels at 14x14, batch 64, and
 * 203 for 64 to 64 at 28x28; the weight gradient 12x2 at 140-160 on the same shapes (counting the
 * output positions' multiply-adds only).
 */
public final class DirectConv {

    /** The vector kernels run with the Vector API and a hardware FMA; otherwise the scalar reference. */
    private static final boolean SIMD = Backend.isVectorized() && GemmBlocking.HARDWARE_FMA;
    private static final boolean WIDE = GemmBlocking.vectorRegisters(SIMD ? DirectConvSimd.S.vectorBitSize() : 128) >= 32;
    /** Vectors of positions and output channels of the forward kernel; taps and channel vectors of the weight kernel. */
    private static final int FM = WIDE ? 3 : 2;
    private static final int FN = WIDE ? 8 : 4;
    private static final int WK = WIDE ? 12 : 6;
    /** Vectors of input channels and output channels of the channels-last weight kernel. */
    private static final int LM = WIDE ? 3 : 2;
    private static final int LN = WIDE ? 8 : 4;
    /** Weight-gradient blocks from which the batch is one part: see {@link Plan#parts}. */
    static final int PARALLEL_TILES = 8;
    /** Forward tiles (of FM vectors of positions) per work item. */
    private static final int TILES_PER_ITEM = 16;

    /**
     * Values of one group's zero-bordered input (or channels-last output gradient) kept under this
     * where one image allows (4 MiB of floats).
     */
    static final int BUDGET = Integer.getInteger("vecgrad.conv.directBudget", 1 << 20);

    private DirectConv() {}

    /**
     * Whether the vector kernels run here (the Vector API with a hardware FMA). Without them the
     * methods still compute, by the scalar reference, whose {@code Math.fma} is slow in software:
     * callers then prefer another route.
     */
    public static boolean vectorized() {
        return SIMD;
    }

    /** One call's geometry: input [n, c, h, w], weight [o, c, kh, kw], padding ph, pw; output [n, o, oh, ow]. */
    public static final class Plan {
        public final int n;
        public final int c;
        public final int h;
        public final int w;
        public final int o;
        public final int kh;
        public final int kw;
        public final int ph;
        public final int pw;
        /** Row stride and values per image of the bordered layout (see the class comment); the output. */
        final int wp;
        public final int oh;
        public final int ow;
        final int plane;
        /** Taps per output channel: c kh kw. */
        final int taps;
        /** Images per group, from {@link #BUDGET}. */
        final int images;
        /**
         * Parts of the batch whose weight gradients are summed apart, then added in order: 1 where the
         * weight gradient has at least {@link #PARALLEL_TILES} blocks of 12 taps x 32 channels to
         * share among threads, else up to 4 (a first layer of 1 channel has one block). The geometry
         * alone decides it, never the thread count or the vector width.
         */
        final int parts;

        /**
         * @throws IllegalArgumentException if a size is below 1, a padding negative or the kernel larger than the padded input
         */
        public Plan(int n, int c, int h, int w, int o, int kh, int kw, int ph, int pw) {
            this(n, c, h, w, o, kh, kw, ph, pw, BUDGET);
        }

        /** As the public constructor, with groups of images sized for {@code budget} values (tests: groups of one image). */
        Plan(int n, int c, int h, int w, int o, int kh, int kw, int ph, int pw, int budget) {
            if (n < 1 || c < 1 || h < 1 || w < 1 || o < 1 || kh < 1 || kw < 1 || ph < 0 || pw < 0 || kh > h + 2 * ph || kw > w + 2 * pw) {
                throw new IllegalArgumentException("direct conv: inconsistent geometry " + n + "x" + c + "x" + h + "x" + w + ", " + o
                        + " outputs, kernel " + kh + "x" + kw + ", padding " + ph + "x" + pw);
            }
            this.n = n;
            this.c = c;
            this.h = h;
            this.w = w;
            this.o = o;
            this.kh = kh;
            this.kw = kw;
            this.ph = ph;
            this.pw = pw;
            wp = w + pw;
            oh = h + 2 * ph - kh + 1;
            ow = w + 2 * pw - kw + 1;
            plane = (h + ph) * wp;
            taps = c * kh * kw;
            long perImage = (long) Math.max(c * (long) plane, (long) oh * ow * round(o, 16));
            images = (int) Math.max(1, Math.min(n, budget / perImage));
            int blocks = (taps + 11) / 12 * ((o + 31) / 32);
            parts = blocks >= PARALLEL_TILES ? 1 : Math.min(n, 4);
        }

        /** The first image of weight-gradient part q (q = parts: n). */
        int partStart(int q) {
            return (int) ((long) n * q / parts);
        }

        /**
         * The convolution whose forward pass is this one's input gradient: on the output gradient
         * [n, o, oh, ow], o to c channels, padding kh - 1 - ph, kw - 1 - pw, with the weight
         * transposed in its channels and turned by 180 degrees ({@link #flip}).
         *
         * @throws IllegalArgumentException if the padding exceeds kernel - 1 (the transposed padding would be negative)
         */
        public Plan transposed() {
            if (ph > kh - 1 || pw > kw - 1) {
                throw new IllegalArgumentException(
                        "direct conv: padding " + ph + "x" + pw + " exceeds the kernel " + kh + "x" + kw + " less 1");
            }
            return new Plan(n, o, oh, ow, c, kh, kw, kh - 1 - ph, kw - 1 - pw);
        }
    }

    /** y [n, o, oh, ow] = the convolution of x [n, c, h, w] with w [o, c, kh, kw] (no bias), overwritten. */
    public static void forward(Plan p, float[] x, int xOff, float[] wt, int wOff, float[] y, int yOff) {
        if (!SIMD) {
            forwardScalar(p, x, xOff, wt, wOff, y, yOff);
            return;
        }
        int vl = DirectConvSimd.VL;
        int tile = FM * vl;
        int blocks = (p.o + FN - 1) / FN;
        float[] wpk = new float[blocks * FN * p.taps];
        for (int oc = 0; oc < p.o; oc++) {
            int base = (oc / FN) * FN * p.taps + oc % FN;
            for (int k = 0; k < p.taps; k++) {
                wpk[base + k * FN] = wt[wOff + oc * p.taps + k];
            }
        }
        for (int b0 = 0; b0 < p.n; b0 += p.images) {
            int g = Math.min(p.images, p.n - b0);
            int positions = round(g * p.plane, tile);
            int cstride = positions + p.kh * p.wp + p.kw;
            Scratch s = Scratch.get();
            float[] xp = s.padded = grow(s.padded, p.c * cstride);
            int[] off = offsets(p, cstride, p.taps);
            pad(p, x, xOff, b0, g, xp, cstride);
            float[] ybuf = s.out = grow(s.out, blocks * FN * positions);
            int tiles = positions / tile;
            int chunks = (tiles + TILES_PER_ITEM - 1) / TILES_PER_ITEM;
            Parallelism.forEach(blocks * chunks, item -> {
                int blk = item / chunks;
                int t1 = Math.min(tiles, (item % chunks + 1) * TILES_PER_ITEM);
                int wb = blk * FN * p.taps;
                int yo = blk * FN * positions;
                for (int t = (item % chunks) * TILES_PER_ITEM; t < t1; t++) {
                    if (WIDE) {
                        DirectConvSimd.forward3x8(xp, off, p.taps, wpk, wb, t * tile, ybuf, yo, positions);
                    } else {
                        DirectConvSimd.forward2x4(xp, off, p.taps, wpk, wb, t * tile, ybuf, yo, positions);
                    }
                }
            });
            int outPlane = p.oh * p.ow;
            int first = b0;
            Parallelism.forEach(g, b -> {
                for (int oc = 0; oc < p.o; oc++) {
                    int to = yOff + ((first + b) * p.o + oc) * outPlane;
                    int from = oc * positions + b * p.plane;
                    for (int r = 0; r < p.oh; r++) {
                        System.arraycopy(ybuf, from + r * p.wp, y, to + r * p.ow, p.ow);
                    }
                }
            });
        }
    }

    /**
     * dw [o, c, kh, kw] = the weight gradient of the convolution for input x [n, c, h, w] and output
     * gradient dy [n, o, oh, ow], overwritten.
     */
    public static void weightGradient(Plan p, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        if (!SIMD) {
            weightGradientScalar(p, x, xOff, dy, dyOff, dw, dwOff);
            return;
        }
        float[][] sums = new float[p.parts][];
        if (p.parts == 1) {
            sums[0] = weightGradientPart(p, x, xOff, dy, dyOff, 0, p.n);
        } else {
            Parallelism.forEach(p.parts, q -> sums[q] = weightGradientPart(p, x, xOff, dy, dyOff, p.partStart(q), p.partStart(q + 1)));
        }
        for (int i = 0; i < p.o * p.taps; i++) {
            float v = sums[0][i];
            for (int q = 1; q < p.parts; q++) {
                v += sums[q][i];
            }
            dw[dwOff + i] = v;
        }
    }

    /**
     * dW [o][taps] summed over images [from, to): one chain per value, in image, row, column order.
     * Channels-last ({@code weightLast}: vectors of input channels) with at most 16 output channels
     * and at least 16 input ones, where the taps kernel's K x 1 shape loads once per multiply-add:
     * AMD EPYC Zen 5, one thread, 16 to 16 channels at 28x28, batch 32, 1.26 against 1.44 ms (the
     * copies included); with one input channel the lanes would be mostly empty (1.16 against 0.32
     * ms). The bits are the same either way: each value is the same chain.
     */
    private static float[] weightGradientPart(Plan p, float[] x, int xOff, float[] dy, int dyOff, int from, int to) {
        return p.o <= 16 && p.c >= 16 ? weightGradientLast(p, x, xOff, dy, dyOff, from, to)
                : weightGradientTaps(p, x, xOff, dy, dyOff, from, to);
    }

    /** {@link #weightGradientPart} with the input channels on the lanes: both operands channels-last. */
    private static float[] weightGradientLast(Plan p, float[] x, int xOff, float[] dy, int dyOff, int from, int to) {
        int vl = DirectConvSimd.VL;
        int cpad = round(p.c, vl);
        int cvecs = cpad / vl;
        int cells = p.kh * p.kw;
        int cols = cells * cvecs;
        int colsPad = round(cols, LM);
        int ld = colsPad * vl;
        int opad = round(round(p.o, vl), LN);
        int[] coff = new int[colsPad];
        for (int col = 0; col < cols; col++) {
            int cell = col / cvecs;
            coff[col] = ((cell / p.kw) * p.wp + cell % p.kw) * cpad + (col % cvecs) * vl;
        }
        float[] dwc = new float[opad * ld];
        int outPlane = p.oh * p.ow;
        int rows = opad / LN;
        int blocks = colsPad / LM;
        for (int b0 = from; b0 < to; b0 += p.images) {
            int g = Math.min(p.images, to - b0);
            Scratch s = Scratch.get();
            int positions = g * p.plane + p.kh * p.wp + p.kw;
            float[] xT = s.padded = grow(s.padded, positions * cpad);
            padLast(p, x, xOff, b0, g, xT, positions, cpad);
            float[] dyT = s.out = grow(s.out, g * outPlane * opad);
            channelsLast(p, dy, dyOff, b0, g, dyT, opad);
            Parallelism.forEach(rows * blocks, item -> {
                int oc0 = item / blocks * LN;
                int col0 = item % blocks * LM;
                int at = oc0 * ld + col0 * vl;
                if (WIDE) {
                    DirectConvSimd.weightLast3x8(xT, coff, col0, cpad, dyT, opad, oc0, g, p.plane * cpad, p.oh, p.ow, p.wp * cpad, dwc,
                            at, ld);
                } else {
                    DirectConvSimd.weightLast2x4(xT, coff, col0, cpad, dyT, opad, oc0, g, p.plane * cpad, p.oh, p.ow, p.wp * cpad, dwc,
                            at, ld);
                }
            });
        }
        float[] dw = new float[p.o * p.taps];
        for (int oc = 0; oc < p.o; oc++) {
            for (int ic = 0; ic < p.c; ic++) {
                for (int cell = 0; cell < cells; cell++) {
                    dw[(oc * p.c + ic) * cells + cell] = dwc[oc * ld + cell * cpad + ic];
                }
            }
        }
        return dw;
    }

    /** {@link #weightGradientPart} with the output channels on the lanes. */
    private static float[] weightGradientTaps(Plan p, float[] x, int xOff, float[] dy, int dyOff, int from, int to) {
        int vl = DirectConvSimd.VL;
        int opad = round(p.o, vl);
        int kpad = round(p.taps, WK);
        int vectors = opad / vl;
        int pairs = vectors / 2;
        int columns = pairs + vectors % 2;      // column blocks: pairs of vectors, then a single one
        int rows = kpad / WK;
        float[] dwt = new float[kpad * opad];
        int outPlane = p.oh * p.ow;
        for (int b0 = from; b0 < to; b0 += p.images) {
            int g = Math.min(p.images, to - b0);
            int cstride = g * p.plane + p.kh * p.wp + p.kw;
            Scratch s = Scratch.get();
            float[] xp = s.padded = grow(s.padded, p.c * cstride);
            int[] off = offsets(p, cstride, kpad);
            pad(p, x, xOff, b0, g, xp, cstride);
            float[] dyT = s.out = grow(s.out, g * outPlane * opad);
            channelsLast(p, dy, dyOff, b0, g, dyT, opad);
            Parallelism.forEach(rows * columns, item -> {
                int k0 = item / columns * WK;
                int col = item % columns;
                int at = k0 * opad + col * 2 * vl;
                boolean pair = col < pairs;
                if (WIDE) {
                    if (pair) {
                        DirectConvSimd.weight12x2(dyT, col * 2 * vl, opad, xp, off, k0, g, p.plane, p.oh, p.ow, p.wp, dwt, at);
                    } else {
                        DirectConvSimd.weight12x1(dyT, col * 2 * vl, opad, xp, off, k0, g, p.plane, p.oh, p.ow, p.wp, dwt, at);
                    }
                } else if (pair) {
                    DirectConvSimd.weight6x2(dyT, col * 2 * vl, opad, xp, off, k0, g, p.plane, p.oh, p.ow, p.wp, dwt, at);
                } else {
                    DirectConvSimd.weight6x1(dyT, col * 2 * vl, opad, xp, off, k0, g, p.plane, p.oh, p.ow, p.wp, dwt, at);
                }
            });
        }
        float[] dw = new float[p.o * p.taps];
        for (int oc = 0; oc < p.o; oc++) {
            for (int k = 0; k < p.taps; k++) {
                dw[oc * p.taps + k] = dwt[k * opad + oc];
            }
        }
        return dw;
    }

    /**
     * The weight of {@link Plan#transposed}: from w [o, c, kh, kw], w'[c, o, i, j] = w[o, c, kh - 1 - i, kw - 1 - j].
     */
    public static float[] flip(Plan p, float[] wt, int wOff) {
        int cells = p.kh * p.kw;
        float[] f = new float[p.o * p.c * cells];
        for (int oc = 0; oc < p.o; oc++) {
            for (int ic = 0; ic < p.c; ic++) {
                int from = wOff + (oc * p.c + ic) * cells;
                int to = (ic * p.o + oc) * cells;
                for (int q = 0; q < cells; q++) {
                    f[to + cells - 1 - q] = wt[from + q];
                }
            }
        }
        return f;
    }

    /** The scalar reference of {@link #forward}: the same chains, in the same order. */
    static void forwardScalar(Plan p, float[] x, int xOff, float[] wt, int wOff, float[] y, int yOff) {
        for (int b = 0; b < p.n; b++) {
            for (int oc = 0; oc < p.o; oc++) {
                for (int r = 0; r < p.oh; r++) {
                    for (int q = 0; q < p.ow; q++) {
                        float acc = 0;
                        for (int ic = 0; ic < p.c; ic++) {
                            for (int i = 0; i < p.kh; i++) {
                                for (int j = 0; j < p.kw; j++) {
                                    float v = input(p, x, xOff, b, ic, r + i, q + j);
                                    acc = madd(v, wt[wOff + ((oc * p.c + ic) * p.kh + i) * p.kw + j], acc);
                                }
                            }
                        }
                        y[yOff + ((b * p.o + oc) * p.oh + r) * p.ow + q] = acc;
                    }
                }
            }
        }
    }

    /** The scalar reference of {@link #weightGradient}: the same chains, in the same order. */
    static void weightGradientScalar(Plan p, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        for (int oc = 0; oc < p.o; oc++) {
            for (int ic = 0; ic < p.c; ic++) {
                for (int i = 0; i < p.kh; i++) {
                    for (int j = 0; j < p.kw; j++) {
                        float sum = 0;
                        for (int part = 0; part < p.parts; part++) {
                            float acc = 0;
                            for (int b = p.partStart(part); b < p.partStart(part + 1); b++) {
                                for (int r = 0; r < p.oh; r++) {
                                    for (int q = 0; q < p.ow; q++) {
                                        float g = dy[dyOff + ((b * p.o + oc) * p.oh + r) * p.ow + q];
                                        acc = madd(g, input(p, x, xOff, b, ic, r + i, q + j), acc);
                                    }
                                }
                            }
                            sum = part == 0 ? acc : sum + acc;
                        }
                        dw[dwOff + ((oc * p.c + ic) * p.kh + i) * p.kw + j] = sum;
                    }
                }
            }
        }
    }

    /** x[b, ic] at row r, column q of the zero-bordered plane. */
    private static float input(Plan p, float[] x, int xOff, int b, int ic, int r, int q) {
        int rr = r - p.ph;
        int qq = q - p.pw;
        return rr < 0 || rr >= p.h || qq < 0 || qq >= p.w ? 0 : x[xOff + ((b * p.c + ic) * p.h + rr) * p.w + qq];
    }

    private static float madd(float a, float b, float c) {
        return Math.fma(a, b, c);
    }

    /** off[k] = c cstride + i wp + j for tap k = (c kh + i) kw + j; taps from p.taps to length read the first position. */
    private static int[] offsets(Plan p, int cstride, int length) {
        int[] off = new int[length];
        for (int ic = 0; ic < p.c; ic++) {
            for (int i = 0; i < p.kh; i++) {
                for (int j = 0; j < p.kw; j++) {
                    off[(ic * p.kh + i) * p.kw + j] = ic * cstride + i * p.wp + j;
                }
            }
        }
        return off;
    }

    /** xp[ic cstride + b plane + (r + ph) wp + q + pw] = x[b0 + b, ic, r, q] for the g images from b0, zeros elsewhere. */
    private static void pad(Plan p, float[] x, int xOff, int b0, int g, float[] xp, int cstride) {
        Parallelism.forEach(p.c, ic -> {
            Arrays.fill(xp, ic * cstride, (ic + 1) * cstride, 0f);
            for (int b = 0; b < g; b++) {
                int from = xOff + ((b0 + b) * p.c + ic) * p.h * p.w;
                int to = ic * cstride + b * p.plane + p.ph * p.wp + p.pw;
                for (int r = 0; r < p.h; r++) {
                    System.arraycopy(x, from + r * p.w, xp, to + r * p.wp, p.w);
                }
            }
        });
    }

    /** xT[(b plane + (r + ph) wp + q + pw) cpad + ic] = x[b0 + b, ic, r, q] for the g images from b0, zeros elsewhere. */
    private static void padLast(Plan p, float[] x, int xOff, int b0, int g, float[] xT, int positions, int cpad) {
        Parallelism.forEach(g, b -> {
            int base = b * p.plane;
            int end = b == g - 1 ? positions : base + p.plane;
            Arrays.fill(xT, base * cpad, end * cpad, 0f);
            for (int ic = 0; ic < p.c; ic++) {
                int from = xOff + ((b0 + b) * p.c + ic) * p.h * p.w;
                for (int r = 0; r < p.h; r++) {
                    int to = (base + (r + p.ph) * p.wp + p.pw) * cpad + ic;
                    for (int q = 0; q < p.w; q++) {
                        xT[to + q * cpad] = x[from + r * p.w + q];
                    }
                }
            }
        });
    }

    /** dyT[(b oh ow + s) opad + oc] = dy[b0 + b, oc, s] for the g images from b0, zeros in the padding channels. */
    private static void channelsLast(Plan p, float[] dy, int dyOff, int b0, int g, float[] dyT, int opad) {
        int outPlane = p.oh * p.ow;
        int block = 16;
        Parallelism.forEach(g, b -> {
            int to = b * outPlane * opad;
            int from = dyOff + (b0 + b) * p.o * outPlane;
            for (int s0 = 0; s0 < outPlane; s0 += block) {
                int s1 = Math.min(outPlane, s0 + block);
                for (int oc = 0; oc < p.o; oc++) {
                    int src = from + oc * outPlane;
                    for (int s = s0; s < s1; s++) {
                        dyT[to + s * opad + oc] = dy[src + s];
                    }
                }
                if (opad > p.o) {
                    for (int s = s0; s < s1; s++) {
                        Arrays.fill(dyT, to + s * opad + p.o, to + (s + 1) * opad, 0f);
                    }
                }
            }
        });
    }

    private static int round(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    private static float[] grow(float[] kept, int size) {
        return kept != null && kept.length >= size ? kept : new float[size];
    }

    /**
     * The calling thread's padded group and output (or channels-last gradient) buffers, kept from one call to the
     * next: each call writes every value it reads. At most about 2 {@link #BUDGET} floats unless one image needs more.
     */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> KEPT = ThreadLocal.withInitial(Scratch::new);
        float[] padded;
        float[] out;

        static Scratch get() {
            return KEPT.get();
        }
    }
}
