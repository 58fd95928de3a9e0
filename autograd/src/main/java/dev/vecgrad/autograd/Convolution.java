package dev.vecgrad.autograd;

import dev.vecgrad.kernels.DirectConv;
import dev.vecgrad.kernels.Parallelism;
import dev.vecgrad.kernels.Patches;
import dev.vecgrad.kernels.Pooling;
import dev.vecgrad.kernels.Winograd;

/**
 * 2-D convolution and pooling over NCHW tensors, as {@code torch.nn.functional}. Three routes:
 * <ul>
 *   <li>float32 3x3 at stride 1 with 16 or more channels: Winograd's F(2x2, 3x3)
 *       ({@code Winograd}, {@link #winograd}), 2.25 times fewer multiplies;
 *   <li>1x1 at stride 1 without padding: plain GEMMs on the tensors ({@link Pointwise1x1});
 *   <li>the rest: GEMM on unfolded patches (im2col, {@code Patches}), a few batch elements at a
 *       time side by side ({@link Chunks}): outs = W cols; backward d W += d outs cols^T.
 * </ul>
 * The input gradient at stride 1 is the convolution of the output gradient with the flipped
 * weight ({@link #inputGradient}), on the same routes; at other strides d cols = W^T d outs is
 * folded back (col2im) into d x. Patches are rebuilt in backward rather than kept, so memory
 * stays at the size of the input plus one chunk's cols and outs (or one Winograd block). The
 * GEMMs use the kernel threads, and the patches, transforms and copies spread over them; chunks
 * and blocks, and so the weight gradient's sum over the batch, go in order. The bits are the same
 * on any thread count (ConvolutionThreadsTest). Pooling runs on {@code Pooling}'s kernels, planes
 * over the threads.
 */
final class Convolution {

    private Convolution() {}

    /** Output size of one spatial dimension. */
    private static int outSize(int in, int k, int stride, int pad, int dil) {
        return (in + 2 * pad - dil * (k - 1) - 1) / stride + 1;
    }

    /** The geometry of one conv2d call. */
    record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups,
            int oh, int ow) {
        int cg() {
            return c / groups;
        }

        int og() {
            return o / groups;
        }

        /** Rows of the patch matrix of one group: C/g * kh * kw. */
        int k() {
            return cg() * kh * kw;
        }

        int spatial() {
            return oh * ow;
        }

        /** A 1x1 kernel at stride 1 without padding: the patch matrix of an element is its input itself. */
        boolean pointwise() {
            return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0;
        }

        /**
         * At stride 1, the convolution that maps this one's output gradient to its input gradient:
         * input [N, O, oh, ow], weight [C, O/g, kh, kw] ({@link Convolution#flipped}), padding
         * {@code d (k - 1) - p}, same dilation and groups, output [N, C, H, W]; null at other
         * strides, or where the padding exceeds {@code d (k - 1)}.
         */
        Geometry transposed() {
            int tph = dh * (kh - 1) - ph;
            int tpw = dw * (kw - 1) - pw;
            if (sh != 1 || sw != 1 || tph < 0 || tpw < 0) {
                return null;
            }
            return new Geometry(n, o, oh, ow, c, kh, kw, 1, 1, tph, tpw, dh, dw, groups, h, w);
        }

        /** The geometry of {@code channels} channels of one element, for the patch kernels. */
        Patches.Geometry patches(int channels) {
            return new Patches.Geometry(channels, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
        }
    }

    static Geometry geometry(String op, int[] x, int[] wt, int[] stride, int[] padding, int[] dilation, int groups) {
        if (x.length != 4 || wt.length != 4) {
            throw new IllegalArgumentException(op + ": expects input [N, C, H, W] and weight [O, C/groups, kh, kw], got "
                    + Shapes.str(x) + " and " + Shapes.str(wt));
        }
        check(op, "stride", stride, 1);
        check(op, "padding", padding, 0);
        check(op, "dilation", dilation, 1);
        if (groups < 1 || x[1] % groups != 0 || wt[0] % groups != 0) {
            throw new IllegalArgumentException(op + ": groups " + groups + " must divide the input channels " + x[1]
                    + " and the output channels " + wt[0]);
        }
        if (wt[1] != x[1] / groups) {
            throw new IllegalArgumentException(op + ": the weight " + Shapes.str(wt) + " expects " + wt[1] * groups
                    + " input channels (groups " + groups + "), the input " + Shapes.str(x) + " has " + x[1]);
        }
        int oh = outSize(x[2], wt[2], stride[0], padding[0], dilation[0]);
        int ow = outSize(x[3], wt[3], stride[1], padding[1], dilation[1]);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(op + ": the kernel " + wt[2] + "x" + wt[3] + " (dilation " + dilation[0] + "x"
                    + dilation[1] + ") is larger than the padded input " + (x[2] + 2 * padding[0]) + "x" + (x[3] + 2 * padding[1]));
        }
        return new Geometry(x[0], x[1], x[2], x[3], wt[0], wt[2], wt[3], stride[0], stride[1], padding[0], padding[1], dilation[0],
                dilation[1], groups, oh, ow);
    }

    private static void check(String op, String what, int[] v, int min) {
        if (v.length != 2 || v[0] < min || v[1] < min) {
            throw new IllegalArgumentException(op + ": " + what + " must be two values >= " + min + ", got " + Shapes.str(v));
        }
    }

    /**
     * Columns [at, at + oh ow) of the patch matrix cols [k, ld] from channels [c0, c1) of group gi of
     * batch element b of contiguous x: their rows of cols (see {@code Patches.im2col}).
     */
    static void im2col(Storage x, int xo, Geometry g, int b, int gi, int c0, int c1, Storage cols, int at, int ld) {
        x.im2col(g.patches(c1 - c0), xo + (b * g.c() + gi * g.cg() + c0) * g.h() * g.w(), cols, at + c0 * g.kh() * g.kw() * ld, ld);
    }

    /** The reverse of im2col: those channels of dx[group gi of element b] += the patches of dcols placed back. */
    static void col2im(Storage dcols, int at, int ld, Geometry g, int b, int gi, int c0, int c1, Storage dx) {
        dcols.col2im(g.patches(c1 - c0), at + c0 * g.kh() * g.kw() * ld, ld, dx, (b * g.c() + gi * g.cg() + c0) * g.h() * g.w());
    }

    static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        Pointwise.checkDtypes("conv2d", input, weight);
        Geometry g = geometry("conv2d", input.shape, weight.shape, stride, padding, dilation, groups);
        if (bias != null && (bias.shape.length != 1 || bias.shape[0] != g.o())) {
            throw new IllegalArgumentException("conv2d: the bias " + Shapes.str(bias.shape) + " should be [" + g.o() + "]");
        }
        boolean hasBias = bias != null;
        Tensor[] inputs = hasBias ? new Tensor[] {input, weight, bias} : new Tensor[] {input, weight};
        return Autograd.apply("conv2d", (ctx, in) -> {
            Tensor x = in[0].contiguous();
            Tensor w = in[1].contiguous();
            ctx.saveForBackward(x, w);
            Tensor out = Tensor.emptyLike(x, g.n(), g.o(), g.oh(), g.ow());
            Tensor bc = in.length > 2 ? in[2].contiguous() : null;
            forward(g, x, w, bc, out);
            return out;
        }, (ctx, dOut) -> {
            Tensor x = ctx.saved(0);
            Tensor w = ctx.saved(1);
            Tensor d = dOut.contiguous();
            Tensor dx = ctx.gradientBuffer(0, x);
            // a frozen weight (requires_grad false: a fixed filter, a frozen layer) costs no weight gradient
            Tensor dw = ctx.gradientBuffer(1, w);
            if (g.pointwise()) {
                Pointwise1x1.backward(g, x, w, d, dx, dw);
            } else {
                if (dx != null) {
                    inputGradient(g, d, w, dx);
                }
                if (dw != null) {
                    weightGradient(g, x, d, dw);
                }
            }
            return grads(dx, dw, hasBias ? d : null);
        }, inputs);
    }

    /** {dx, dw} and, when the output gradient d is given (there is a bias), d b = d summed over batch and space. */
    private static Tensor[] grads(Tensor dx, Tensor dw, Tensor d) {
        return d == null ? new Tensor[] {dx, dw} : new Tensor[] {dx, dw, d.sum(new int[] {0, 2, 3}, false)};
    }

    /** {@code -Dvecgrad.conv.winograd=false} keeps every convolution on im2col and GEMM. */
    static final boolean WINOGRAD = !"false".equalsIgnoreCase(System.getProperty("vecgrad.conv.winograd"));

    /** Input and output channels from which a 3x3 convolution runs as Winograd's F(2x2, 3x3): see {@link #winograd}. */
    static final int WINOGRAD_MIN_CHANNELS = Integer.getInteger("vecgrad.conv.winogradMinChannels", 16);

    /**
     * The Winograd plan for a float32 3x3 convolution at stride 1 without dilation or groups,
     * padding 0 to 2, with at least {@link #WINOGRAD_MIN_CHANNELS} input and output channels and a
     * workspace (per thread) within 4 {@link #MAX_ELEMENTS} floats, 16 MiB (one image of about
     * 180x180 at 64 + 64 channels); null otherwise (im2col and GEMM). Float64 stays on the direct
     * sums: it is the dtype of gradient checks and references, where the transforms' extra
     * rounding is not wanted.
     */
    static Winograd.Plan winograd(Geometry g, Storage s) {
        if (!WINOGRAD || !(s instanceof FloatStorage) || g.kh() != 3 || g.kw() != 3 || g.sh() != 1 || g.sw() != 1 || g.dh() != 1
                || g.dw() != 1 || g.groups() != 1 || g.ph() > 2 || g.pw() > 2 || g.c() < WINOGRAD_MIN_CHANNELS
                || g.o() < WINOGRAD_MIN_CHANNELS) {
            return null;
        }
        Winograd.Plan plan = new Winograd.Plan(g.n(), g.c(), g.h(), g.w(), g.o(), g.ph(), g.pw());
        return plan.workspace() > 4 * MAX_ELEMENTS ? null : plan;
    }

    /** {@code -Dvecgrad.conv.direct=false} keeps every convolution off {@link DirectConv} (Winograd, or im2col and GEMM). */
    static final boolean DIRECT = !"false".equalsIgnoreCase(System.getProperty("vecgrad.conv.direct"));

    /**
     * The direct-convolution plan for a float32 convolution at stride 1 without dilation or groups,
     * not 1x1, padding at most the kernel less 1 (so that the input gradient is a direct
     * convolution too); null otherwise. Which passes take it: {@link #directForward}, {@link
     * #directWeightGradient}. Float64 stays on im2col and GEMM, the dtype of the gradient checks;
     * so do machines without the vector kernels or a hardware FMA.
     */
    static DirectConv.Plan direct(Geometry g, Storage s) {
        if (!DIRECT || !DirectConv.vectorized() || !(s instanceof FloatStorage) || g.sh() != 1 || g.sw() != 1 || g.dh() != 1
                || g.dw() != 1 || g.groups() != 1 || g.pointwise() || g.ph() > g.kh() - 1 || g.pw() > g.kw() - 1) {
            return null;
        }
        return new DirectConv.Plan(g.n(), g.c(), g.h(), g.w(), g.o(), g.kh(), g.kw(), g.ph(), g.pw());
    }

    /**
     * The direct plan for the forward pass of geometry g (conv2d's forward, or, with g {@link
     * Geometry#transposed}, its input gradient), where it measured at least as fast as the other
     * routes; null where Winograd or im2col and GEMM go. The choice depends on the geometry alone
     * (never on timings), so a run's bits do not change with the machine's load. AMD EPYC Zen 5,
     * one thread, forward, direct against Winograd (ms): 16 to 16 channels at 28x28, batch 32,
     * 0.95 against 1.36; 64 to 64 at 7x7, 1.13 against 1.61; 32 to 64 at 14x14, batch 64, 3.25
     * against 3.05; 64 to 64 at 28x28, 11.2 against 8.6. Winograd keeps its 2.25 times fewer
     * multiplies' lead from 2048 channel pairs on planes of 14x14 and more. With fewer than 8
     * output channels (the input gradient of a one-channel first layer) the forward kernel's
     * blocks of 8 channels would be mostly empty: 1 to 32 at 28x28, d x 2.66 against 1.24 ms.
     */
    static DirectConv.Plan directForward(Geometry g, Storage s) {
        DirectConv.Plan plan = direct(g, s);
        if (plan == null || g.o() < 8
                || winograd(g, s) != null && g.c() * g.o() >= 2048 && Math.min(g.h(), g.w()) >= 14) {
            return null;
        }
        return plan;
    }

    /**
     * The direct plan for the weight gradient of geometry g where it measured at least as fast:
     * wherever Winograd does not apply, and under 32 input channels where it does. Same machine
     * (ms): 16 to 32 at 14x14, batch 32, 0.5 against 0.7-1.1; 32 to 32, 1.68 against 1.49; 32 to
     * 64, batch 64, 5.7 against 3.5 (Winograd's weight gradient transforms once per tile for
     * every channel pair; the direct one is a plain product of 65% of the FMA peak at best).
     */
    static DirectConv.Plan directWeightGradient(Geometry g, Storage s) {
        DirectConv.Plan plan = direct(g, s);
        return plan == null || winograd(g, s) != null && g.c() >= 32 ? null : plan;
    }

    /** out = conv2d of contiguous x and w in geometry g, plus the bias when there is one. */
    private static void forward(Geometry g, Tensor x, Tensor w, Tensor bias, Tensor out) {
        if (g.pointwise()) {
            Pointwise1x1.forward(g, x, w, bias, out);
            return;
        }
        DirectConv.Plan direct = directForward(g, x.storage);
        if (direct != null) {
            DirectConv.forward(direct, ((FloatStorage) x.storage).a, x.offset, ((FloatStorage) w.storage).a, w.offset,
                    ((FloatStorage) out.storage).a, out.offset);
            addChannelBias(out, bias);
            return;
        }
        Winograd.Plan plan = winograd(g, x.storage);
        if (plan != null) {
            winogradForward(plan, x, w, bias, out);
            return;
        }
        Chunks.each(g, x.storage, (ch, b0, nb, gi) -> {
            ch.patches(x, b0, nb, gi);
            ch.weightTimesCols(w, gi, nb);
            ch.scatterOuts(out, bias, b0, nb, gi);
        });
    }

    /** out = conv2d of contiguous float32 x and w by Winograd's plan, plus the bias when there is one. */
    private static void winogradForward(Winograd.Plan plan, Tensor x, Tensor w, Tensor bias, Tensor out) {
        float[] u = new float[plan.weightSize()];
        Winograd.weights(plan, ((FloatStorage) w.storage).a, w.offset, u);
        Winograd.forward(plan, ((FloatStorage) x.storage).a, x.offset, u, ((FloatStorage) out.storage).a, out.offset);
        addChannelBias(out, bias);
    }

    /**
     * dw (zeros, g's weight shape) = the weight gradient of conv2d in geometry g for input x and
     * output gradient d: Winograd's where {@link #winograd} takes it, else d outs cols^T summed over
     * the chunks in {@link Chunks#GROUPS} fixed groups of consecutive chunks, each group in order
     * into a buffer of its own (groups over the threads), the groups' sums added in order. The bits
     * depend on the geometry alone, not on the thread count.
     */
    private static void weightGradient(Geometry g, Tensor x, Tensor d, Tensor dw) {
        DirectConv.Plan direct = directWeightGradient(g, x.storage);
        if (direct != null) {
            DirectConv.weightGradient(direct, ((FloatStorage) x.storage).a, x.offset, ((FloatStorage) d.storage).a, d.offset,
                    ((FloatStorage) dw.storage).a, dw.offset);
            return;
        }
        Winograd.Plan plan = winograd(g, x.storage);
        if (plan != null) {
            Winograd.weightGradient(plan, ((FloatStorage) x.storage).a, x.offset, ((FloatStorage) d.storage).a, d.offset,
                    ((FloatStorage) dw.storage).a, dw.offset);
            return;
        }
        int images = Chunks.images(g);
        int chunks = (g.n() + images - 1) / images;
        int groups = Math.min(chunks, Chunks.GROUPS);
        Tensor[] partial = new Tensor[groups];
        int parts = Math.min(groups, Parallelism.threads());
        Parallelism.forEach(parts, t -> {
            Chunks ch = new Chunks(g, x.storage);
            for (int q = t; q < groups; q += parts) {
                Tensor sum = groups == 1 ? dw : Tensor.emptyLike(dw, dw.shape.clone());
                for (int k = chunks * q / groups; k < chunks * (q + 1) / groups; k++) {
                    int b0 = k * images;
                    int nb = Math.min(images, g.n() - b0);
                    for (int gi = 0; gi < g.groups(); gi++) {
                        ch.gatherOuts(d, b0, nb, gi);
                        ch.patches(x, b0, nb, gi);
                        ch.addOutsTimesColsTransposed(sum, gi, nb);
                    }
                }
                partial[q] = sum;
            }
        });
        if (groups > 1) {
            for (Tensor sum : partial) {
                sum.storage.axpy(1, sum.offset, dw.storage, dw.offset, dw.numel());
            }
        }
    }

    /**
     * dx (zeros, g's input shape) = the input gradient of conv2d in geometry g for the output
     * gradient d: conv2d's backward, and conv_transpose2d's forward. At stride 1 it is itself a
     * convolution, of d with the weight transposed in its channels and turned by 180 degrees
     * ({@link #flipped}), padded by {@code d (k - 1) - p} ({@link Geometry#transposed}); where that
     * convolution takes the Winograd route, it runs so. Otherwise d cols = W^T d outs is folded
     * back (col2im): as im2col and GEMM the flipped convolution measured no faster, and much
     * slower with few input channels (the first layer's 1 channel: a GEMM of one row). AMD EPYC
     * Zen 5, one thread, 3x3 64 to 64 at 28x28, batch 32: the fold took 4.3 ms of the 45 ms layer.
     * The sums of each dx cell run in another order than the fold's (one chain over o, a, b instead
     * of kh kw chains over o, added), on every thread count and machine the same.
     */
    private static void inputGradient(Geometry g, Tensor d, Tensor w, Tensor dx) {
        Geometry t = g.transposed();
        DirectConv.Plan direct = t == null ? null : directForward(t, d.storage);
        if (direct != null) {
            DirectConv.Plan conv = direct(g, d.storage);
            float[] flippedWeight = DirectConv.flip(conv, ((FloatStorage) w.storage).a, w.offset);
            DirectConv.forward(direct, ((FloatStorage) d.storage).a, d.offset, flippedWeight, 0, ((FloatStorage) dx.storage).a, dx.offset);
            return;
        }
        Winograd.Plan plan = t == null ? null : winograd(t, d.storage);
        if (plan != null) {
            winogradForward(plan, d, flipped(g, w), null, dx);
            return;
        }
        Chunks.each(g, dx.storage, (ch, b0, nb, gi) -> {
            ch.gatherOuts(d, b0, nb, gi);
            ch.weightTransposedTimesOuts(w, gi, nb);
            ch.foldBack(dx, b0, nb, gi);
        });
    }

    /**
     * The weight of the convolution that {@link Geometry#transposed} describes: from contiguous w
     * [O, C/g, kh, kw], w'[gi C/g + c, o, a, b] = w[gi O/g + o, c, kh - 1 - a, kw - 1 - b].
     */
    private static Tensor flipped(Geometry g, Tensor w) {
        Tensor f = Tensor.emptyLike(w, g.c(), g.og(), g.kh(), g.kw());
        int taps = g.kh() * g.kw();
        for (int gi = 0; gi < g.groups(); gi++) {
            for (int o = 0; o < g.og(); o++) {
                for (int c = 0; c < g.cg(); c++) {
                    int from = w.offset + ((gi * g.og() + o) * g.cg() + c) * taps;
                    int to = ((gi * g.cg() + c) * g.og() + o) * taps;
                    for (int q = 0; q < taps; q++) {
                        f.storage.set(to + taps - 1 - q, w.storage.get(from + q));
                    }
                }
            }
        }
        return f;
    }

    /** out[b, c] += bias[c] over every plane of contiguous NCHW out, when there is a bias. */
    private static void addChannelBias(Tensor out, Tensor bias) {
        if (bias == null) {
            return;
        }
        int channels = out.shape[1];
        int plane = out.shape[2] * out.shape[3];
        for (int b = 0; b < out.shape[0]; b++) {
            for (int c = 0; c < channels; c++) {
                int at = out.offset + (b * channels + c) * plane;
                out.storage.map(Storage.Unary.ADD_SCALAR, bias.storage.get(bias.offset + c), 0, at, out.storage, at, plane);
            }
        }
    }

    /**
     * A 1x1 convolution at stride 1 without padding as plain GEMMs on the tensors, one element at
     * a time: out[b] = W x[b], d x[b] = W^T d out[b], d W += d out[b] x[b]^T, with no patch matrix,
     * copy or fold. Each element of the result is the same chain, in the same order, as through
     * {@link Chunks} (GEMM chains go on from C across calls), so the bits are those of the general
     * path.
     */
    private static final class Pointwise1x1 {

        private Pointwise1x1() {}

        static void forward(Geometry g, Tensor x, Tensor w, Tensor bias, Tensor out) {
            int s = g.spatial();
            for (int b = 0; b < g.n(); b++) {
                for (int gi = 0; gi < g.groups(); gi++) {
                    int xOff = x.offset + (b * g.c() + gi * g.cg()) * s;
                    int oOff = (b * g.o() + gi * g.og()) * s;
                    w.storage.gemm(false, false, g.og(), s, g.cg(), w.offset + gi * g.og() * g.cg(), g.cg(), x.storage, xOff, s, out.storage,
                            oOff, s);
                }
            }
            addChannelBias(out, bias);
        }

        static void backward(Geometry g, Tensor x, Tensor w, Tensor d, Tensor dx, Tensor dw) {
            int s = g.spatial();
            for (int b = 0; b < g.n(); b++) {
                for (int gi = 0; gi < g.groups(); gi++) {
                    int xOff = (b * g.c() + gi * g.cg()) * s;
                    int dOff = d.offset + (b * g.o() + gi * g.og()) * s;
                    int wOff = gi * g.og() * g.cg();
                    if (dx != null) {
                        w.storage.gemm(true, false, g.cg(), s, g.og(), w.offset + wOff, g.cg(), d.storage, dOff, s, dx.storage, xOff, s);
                    }
                    if (dw != null) {
                        d.storage.gemm(false, true, g.og(), g.cg(), s, dOff, s, x.storage, x.offset + xOff, s, 1, dw.storage,
                                dw.offset + wOff, g.cg());
                    }
                }
            }
        }
    }

    /** conv2d's GEMMs get at least this many columns (output positions) where the batch allows: see {@link Chunks}. */
    static final int COLUMNS = Integer.getInteger("vecgrad.conv.columns", 1024);

    /** The values of conv2d's cols and outs buffers are kept under this where one element allows (4 MiB of floats). */
    static final long MAX_ELEMENTS = Long.getLong("vecgrad.conv.maxElements", 1 << 20);

    /**
     * The working set of a convolution of geometry g (conv2d, or the one a transposed
     * convolution transposes): the batch taken a few elements at a time, their patch matrices
     * side by side in one cols [k, images oh ow] and their outputs (or output gradients) in one
     * outs [O/g, images oh ow], so that each GEMM has at least {@link #COLUMNS} columns where the
     * batch allows. One 14x14 element alone gave GEMMs of 196
     * columns: on the AMD EPYC Zen 5, one thread, 64x196x288 forward ran at 118 GFLOP/s, the input
     * gradient's 288x196x64 at 76 and the weight gradient's 64x288x196 at 111; with eight
     * elements side by side (1568 columns) 157, 151 and 155 (each GEMM alone in a fresh JVM). The
     * chunk size depends on the geometry alone, never on the thread count; threads take whole
     * chunks ({@link #each}), and the weight gradient's sum over the batch goes in fixed groups of
     * chunks ({@link Convolution#weightGradient}), so it has one order. Extra memory: each
     * thread's cols and outs, at most about {@link #MAX_ELEMENTS} values each unless one element
     * needs more, kept between calls ({@link #BUFFERS}).
     * In each method, {@code nb} elements from {@code b0}, group {@code gi}, {@code ld = nb oh ow}.
     */
    private static final class Chunks {
        final Geometry g;
        final int images;
        final Storage cols;
        final Storage outs;

        Chunks(Geometry g, Storage like) {
            this.g = g;
            int s = g.spatial();
            images = images(g);
            Storage[] kept = BUFFERS.get();
            int slot = like.dtype() == DType.F32 ? 0 : 2;
            cols = kept[slot] = buffer(kept[slot], like, g.k() * images * s);
            outs = kept[slot + 1] = buffer(kept[slot + 1], like, g.og() * images * s);
        }

        /**
         * Each thread's cols and outs, float32 then float64, kept from one call to the next: every
         * step writes the part of them it reads (im2col every cell, the GEMMs with beta 0, the
         * gathers), so they need no clearing. Allocated afresh, two threads' buffers of 2.4 MB for
         * every pass of a layer made G1 collect about once a layer. At most about 2 {@link
         * #MAX_ELEMENTS} values per thread and dtype stay allocated.
         */
        private static final ThreadLocal<Storage[]> BUFFERS = ThreadLocal.withInitial(() -> new Storage[4]);

        private static Storage buffer(Storage kept, Storage like, int n) {
            return kept != null && kept.length() >= n ? kept : like.zeros(n);
        }

        /** Batch elements per chunk: enough for {@link #COLUMNS} columns, within {@link #MAX_ELEMENTS}; geometry alone. */
        static int images(Geometry g) {
            int s = g.spatial();
            int byColumns = (COLUMNS + s - 1) / s;
            int byMemory = (int) Math.max(1, MAX_ELEMENTS / ((long) Math.max(g.k(), g.og()) * s));
            return Math.max(1, Math.min(g.n(), Math.min(byColumns, byMemory)));
        }

        /** The weight gradient's groups of chunks: see {@link Convolution#weightGradient}. */
        static final int GROUPS = 8;

        interface Step {
            void run(Chunks ch, int b0, int nb, int gi);
        }

        /**
         * Every chunk and group of g, for steps whose chunks write apart (a forward pass, a fold into
         * dx): chunks t, t + parts, ... to each of the kernel threads, each thread with buffers of its
         * own (one chunk's copies and GEMMs were too small to share two threads: the first layer's, 1
         * to 32 channels at 28x28, ran no faster on two than on one).
         */
        static void each(Geometry g, Storage like, Step step) {
            int images = images(g);
            int chunks = (g.n() + images - 1) / images;
            int parts = Math.min(chunks, Parallelism.threads());
            Parallelism.forEach(parts, t -> {
                Chunks ch = new Chunks(g, like);
                for (int k = t; k < chunks; k += parts) {
                    int b0 = k * images;
                    for (int gi = 0; gi < g.groups(); gi++) {
                        step.run(ch, b0, Math.min(images, g.n() - b0), gi);
                    }
                }
            });
        }

        /**
         * The work of one chunk's copies in {@link #PARTS} pieces of whole channels (whole rows of cols and outs), each for
         * every element of the chunk: two threads writing different elements' columns of the same rows shared a cache line
         * at every element's edge, and im2col on two threads ran no faster than on one (0.86 against 1.0 ms for 64
         * elements of 32 channels of 14x14, AMD EPYC Zen 5). The pieces depend on the geometry alone.
         */
        static final int PARTS = 8;

        interface Range {
            void run(int from, int to);
        }

        /**
         * Below this many values copied a chunk's copy stays on the calling thread: the first layer's (1 input channel,
         * 28x28, two elements a chunk: 14,112 patch values, 50,176 outputs) ran slower on two threads than on one, the
         * hand-offs costing more than the copies (AMD EPYC Zen 5, 3x3 1 to 32 channels, batch 64: 5.3 ms against 4.0).
         */
        static final int PARALLEL_MIN_VALUES = 1 << 17;

        /** body over [0, n) in at most PARTS ranges, on the kernel threads when there are at least {@code values} values to copy. */
        static void split(int n, long values, Range body) {
            if (values < PARALLEL_MIN_VALUES) {
                body.run(0, n);
                return;
            }
            int parts = Math.min(n, PARTS);
            Parallelism.forEach(parts, t -> body.run(n * t / parts, n * (t + 1) / parts));
        }

        /** cols = the patch matrices of the elements of x (NCHW, g's input) side by side. */
        void patches(Tensor x, int b0, int nb, int gi) {
            int ld = nb * g.spatial();
            split(g.cg(), (long) g.k() * ld, (c0, c1) -> {
                for (int e = 0; e < nb; e++) {
                    im2col(x.storage, x.offset, g, b0 + e, gi, c0, c1, cols, e * g.spatial(), ld);
                }
            });
        }

        /** dx (NCHW, g's input) += cols folded back, each element's patches into its own planes. */
        void foldBack(Tensor dx, int b0, int nb, int gi) {
            int ld = nb * g.spatial();
            split(g.cg(), (long) g.k() * ld, (c0, c1) -> {
                for (int e = 0; e < nb; e++) {
                    col2im(cols, e * g.spatial(), ld, g, b0 + e, gi, c0, c1, dx.storage);
                }
            });
        }

        /** outs = the group's channels of t (NCHW, g's output) side by side. */
        void gatherOuts(Tensor t, int b0, int nb, int gi) {
            int ld = nb * g.spatial();
            split(g.og(), (long) g.og() * ld, (o0, o1) -> {
                for (int o = o0; o < o1; o++) {
                    for (int e = 0; e < nb; e++) {
                        t.storage.copyTo(t.offset + ((b0 + e) * g.o() + gi * g.og() + o) * g.spatial(), outs, o * ld + e * g.spatial(),
                                g.spatial());
                    }
                }
            });
        }

        /** The group's channels of out (NCHW, g's output) = outs, plus the channel's bias when there is one. */
        void scatterOuts(Tensor out, Tensor bias, int b0, int nb, int gi) {
            int ld = nb * g.spatial();
            split(g.og(), (long) g.og() * ld, (o0, o1) -> {
                for (int o = o0; o < o1; o++) {
                    int oc = gi * g.og() + o;
                    for (int e = 0; e < nb; e++) {
                        int to = ((b0 + e) * g.o() + oc) * g.spatial();
                        int from = o * ld + e * g.spatial();
                        if (bias == null) {
                            outs.copyTo(from, out.storage, to, g.spatial());
                        } else {
                            outs.map(Storage.Unary.ADD_SCALAR, bias.storage.get(bias.offset + oc), 0, from, out.storage, to, g.spatial());
                        }
                    }
                }
            });
        }

        /** outs [O/g, ld] = W_g [O/g, k] x cols [k, ld]. */
        void weightTimesCols(Tensor w, int gi, int nb) {
            int ld = nb * g.spatial();
            w.storage.gemm(false, false, g.og(), ld, g.k(), w.offset + gi * g.og() * g.k(), g.k(), cols, 0, ld, outs, 0, ld);
        }

        /** cols [k, ld] = W_g^T [k, O/g] x outs [O/g, ld]. */
        void weightTransposedTimesOuts(Tensor w, int gi, int nb) {
            int ld = nb * g.spatial();
            w.storage.gemm(true, false, g.k(), ld, g.og(), w.offset + gi * g.og() * g.k(), g.k(), outs, 0, ld, cols, 0, ld);
        }

        /** dW_g [O/g, k] += outs [O/g, ld] x cols^T. */
        void addOutsTimesColsTransposed(Tensor dw, int gi, int nb) {
            int ld = nb * g.spatial();
            outs.gemm(false, true, g.og(), g.k(), ld, 0, ld, cols, 0, ld, 1, dw.storage, dw.offset + gi * g.og() * g.k(), g.k());
        }
    }

    /**
     * Transposed convolution (as {@code F.conv_transpose2d}): the gradient of conv2d with respect to
     * its input, taken as an op. Input [N, Cin, H, W], weight [Cin, Cout / groups, kh, kw], output
     * [N, Cout, (H - 1) s - 2 p + d (kh - 1) + outputPadding + 1, ...]. Forward folds W^T x back
     * (col2im); backward is a conv2d of the output gradient.
     */
    static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] outputPadding,
            int[] dilation, int groups) {
        Pointwise.checkDtypes("convTranspose2d", input, weight);
        int[] x = input.shape;
        int[] w = weight.shape;
        if (x.length != 4 || w.length != 4) {
            throw new IllegalArgumentException("convTranspose2d: expects input [N, Cin, H, W] and weight [Cin, Cout/groups, kh, kw], got "
                    + Shapes.str(x) + " and " + Shapes.str(w));
        }
        check("convTranspose2d", "stride", stride, 1);
        check("convTranspose2d", "padding", padding, 0);
        check("convTranspose2d", "outputPadding", outputPadding, 0);
        check("convTranspose2d", "dilation", dilation, 1);
        if (w[0] != x[1]) {
            throw new IllegalArgumentException("convTranspose2d: the weight " + Shapes.str(w) + " expects " + w[0]
                    + " input channels, the input " + Shapes.str(x) + " has " + x[1]);
        }
        if (outputPadding[0] >= Math.max(stride[0], dilation[0]) || outputPadding[1] >= Math.max(stride[1], dilation[1])) {
            throw new IllegalArgumentException("convTranspose2d: outputPadding " + Shapes.str(outputPadding)
                    + " must be smaller than the stride or the dilation");
        }
        int cout = w[1] * groups;
        int oh = (x[2] - 1) * stride[0] - 2 * padding[0] + dilation[0] * (w[2] - 1) + outputPadding[0] + 1;
        int ow = (x[3] - 1) * stride[1] - 2 * padding[1] + dilation[1] * (w[3] - 1) + outputPadding[1] + 1;
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("convTranspose2d: the output would be " + oh + "x" + ow + " for input " + Shapes.str(x));
        }
        // the convolution this op transposes: from [N, Cout, oh, ow] to [N, Cin, H, W] with the same weight
        Geometry g = geometry("convTranspose2d", new int[] {x[0], cout, oh, ow}, w, stride, padding, dilation, groups);
        if (g.oh() != x[2] || g.ow() != x[3]) {
            throw new IllegalArgumentException("convTranspose2d: inconsistent sizes for input " + Shapes.str(x));
        }
        if (bias != null && (bias.shape.length != 1 || bias.shape[0] != cout)) {
            throw new IllegalArgumentException("convTranspose2d: the bias " + Shapes.str(bias.shape) + " should be [" + cout + "]");
        }
        boolean hasBias = bias != null;
        Tensor[] inputs = hasBias ? new Tensor[] {input, weight, bias} : new Tensor[] {input, weight};
        // the roles of conv2d's backward: its forward folds W^T x back (col2im), its input gradient is conv2d of d out, and
        // its weight gradient is conv2d's with x in place of the output gradient
        return Autograd.apply("convTranspose2d", (ctx, in) -> {
            Tensor xc = in[0].contiguous();
            Tensor wc = in[1].contiguous();
            ctx.saveForBackward(xc, wc);
            Tensor out = Tensor.emptyLike(xc, g.n(), g.c(), g.h(), g.w());
            inputGradient(g, xc, wc, out);
            addChannelBias(out, in.length > 2 ? in[2].contiguous() : null);
            return out;
        }, (ctx, dOut) -> {
            Tensor xc = ctx.saved(0);
            Tensor wc = ctx.saved(1);
            Tensor d = dOut.contiguous();
            Tensor dx = ctx.gradientBuffer(0, xc);
            Tensor dw = ctx.gradientBuffer(1, wc);
            // conv2d of d out with the same weight, and conv2d's weight gradient with d out as its input and x as its
            // output gradient
            if (dx != null) {
                forward(g, d, wc, null, dx);
            }
            if (dw != null) {
                weightGradient(g, d, xc, dw);
            }
            return grads(dx, dw, hasBias ? d : null);
        }, inputs);
    }

    /** Mean over adaptive windows (as {@code F.adaptive_avg_pool2d}): output cell i covers [floor(i H / oh), ceil((i + 1) H / oh)). */
    static Tensor adaptiveAvgPool2d(Tensor input, int oh, int ow) {
        if (input.shape.length != 4 || oh < 1 || ow < 1) {
            throw new IllegalArgumentException("adaptiveAvgPool2d: expects [N, C, H, W] and an output size >= 1, got "
                    + Shapes.str(input.shape) + " and " + oh + "x" + ow);
        }
        int nc = input.shape[0] * input.shape[1];
        int h = input.shape[2];
        int w = input.shape[3];
        Tensor x = input.contiguous();
        Tensor out = Tensor.emptyLike(x, input.shape[0], input.shape[1], oh, ow);
        for (int p = 0; p < nc; p++) {
            for (int i = 0; i < oh; i++) {
                int h0 = i * h / oh;
                int h1 = ((i + 1) * h + oh - 1) / oh;
                for (int j = 0; j < ow; j++) {
                    int w0 = j * w / ow;
                    int w1 = ((j + 1) * w + ow - 1) / ow;
                    double sum = 0;
                    for (int a = h0; a < h1; a++) {
                        sum += x.storage.sum(x.offset + (p * h + a) * w + w0, w1 - w0);
                    }
                    out.storage.set((p * oh + i) * ow + j, sum / ((h1 - h0) * (w1 - w0)));
                }
            }
        }
        int[] from = input.shape.clone();
        // d adaptiveAvgPool2d = d out / window size spread over each window
        return Autograd.record("adaptiveAvgPool2d", out, (ctx, g) -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.emptyLike(g, from.clone());
            for (int p = 0; p < nc; p++) {
                for (int i = 0; i < oh; i++) {
                    int h0 = i * h / oh;
                    int h1 = ((i + 1) * h + oh - 1) / oh;
                    for (int j = 0; j < ow; j++) {
                        int w0 = j * w / ow;
                        int w1 = ((j + 1) * w + ow - 1) / ow;
                        double v = gc.storage.get(gc.offset + (p * oh + i) * ow + j) / ((h1 - h0) * (w1 - w0));
                        for (int a = h0; a < h1; a++) {
                            for (int bb = w0; bb < w1; bb++) {
                                int at = (p * h + a) * w + bb;
                                gx.storage.set(at, gx.storage.get(at) + v);
                            }
                        }
                    }
                }
            }
            return new Tensor[] {gx};
        }, input);
    }

    /**
     * Nearest-neighbour upsampling by an integer factor s (as {@code F.interpolate(mode="nearest",
     * scale_factor=s)}): each input row spread to every s-th cell of its first output row, s times
     * over, then copied to the s - 1 rows below; the gradient sums each s x s block, row by row of
     * the block, then cell by cell. As an expand and a reshape it took 14 ms forward and backward
     * for [32, 64, 14, 14] by 2 (AMD EPYC Zen 5, one thread): a strided copy every 2 values, and a
     * general reduction back.
     */
    static Tensor upsampleNearest(Tensor input, int s) {
        if (input.shape.length != 4 || s < 1) {
            throw new IllegalArgumentException("upsampleNearest: expects [N, C, H, W] and a scale >= 1, got " + Shapes.str(input.shape)
                    + " and " + s);
        }
        int planes = input.shape[0] * input.shape[1];
        int h = input.shape[2];
        int w = input.shape[3];
        int oh = h * s;
        int ow = w * s;
        Tensor x = input.contiguous();
        Tensor out = Tensor.emptyLike(x, input.shape[0], input.shape[1], oh, ow);
        long cells = (long) planes * oh * ow;
        Ranges.split(planes * h, cells, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {   // input row r: plane r / h, row r % h; its output rows start at r s
                int to = r * s * ow;
                for (int b = 0; b < s; b++) {
                    x.storage.copySpread(x.offset + r * w, out.storage, to + b, s, w);
                }
                for (int a = 1; a < s; a++) {
                    out.storage.copyTo(to, out.storage, to + a * ow, ow);
                }
            }
        });
        int[] from = input.shape.clone();
        // d upsampleNearest = d out summed over each s x s block
        return Autograd.record("upsampleNearest", out, (ctx, g) -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.emptyLike(g, from.clone());
            Ranges.split(planes * h, cells, (r0, r1) -> {
                Storage row = gc.storage.zeros(w);
                for (int r = r0; r < r1; r++) {
                    for (int a = 0; a < s; a++) {
                        for (int b = 0; b < s; b++) {
                            gc.storage.copyStrided(gc.offset + (r * s + a) * ow + b, s, row, 0, w);
                            row.axpy(1, 0, gx.storage, r * w, w);   // 1 x + y is exactly x + y
                        }
                    }
                }
            });
            return new Tensor[] {gx};
        }, input);
    }

    /** Max over kh x kw windows; the gradient goes to the first maximum of each window, as PyTorch. */
    static Tensor maxPool2d(Tensor input, int[] kernel, int[] stride, int[] padding) {
        int[] s = pool("maxPool2d", input, kernel, stride, padding);
        Pooling.Windows win = windows(s, kernel, stride, padding);
        int planes = s[0] * s[1];
        Tensor x = input.contiguous();
        Tensor out = Tensor.emptyLike(x, s[0], s[1], s[4], s[5]);
        int[] where = new int[planes * win.planeOut()];
        overPlanes(planes, win, (p0, p1) -> x.storage.maxPool(win, x.offset, p0, p1, out.storage, where));
        int[] from = input.shape.clone();
        // d maxPool2d = d out at the position of each window's maximum (overlapping windows add up)
        return Autograd.record("maxPool2d", out, (ctx, g) -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.emptyLike(g, from.clone());
            overPlanes(planes, win, (p0, p1) -> gc.storage.maxPoolBackward(win, gc.offset, where, p0, p1, gx.storage));
            return new Tensor[] {gx};
        }, input);
    }

    /** Mean over kh x kw windows, padding counted as zeros (PyTorch's count_include_pad = True). */
    static Tensor avgPool2d(Tensor input, int[] kernel, int[] stride, int[] padding) {
        int[] s = pool("avgPool2d", input, kernel, stride, padding);
        Pooling.Windows win = windows(s, kernel, stride, padding);
        int planes = s[0] * s[1];
        double scale = 1.0 / (kernel[0] * kernel[1]);
        Tensor x = input.contiguous();
        Tensor out = Tensor.emptyLike(x, s[0], s[1], s[4], s[5]);
        overPlanes(planes, win, (p0, p1) -> x.storage.avgPool(win, scale, x.offset, p0, p1, out.storage));
        int[] from = input.shape.clone();
        // d avgPool2d = d out / (kh kw) spread over each window
        return Autograd.record("avgPool2d", out, (ctx, g) -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.emptyLike(g, from.clone());
            overPlanes(planes, win, (p0, p1) -> gc.storage.avgPoolBackward(win, scale, gc.offset, p0, p1, gx.storage));
            return new Tensor[] {gx};
        }, input);
    }

    private static Pooling.Windows windows(int[] s, int[] kernel, int[] stride, int[] padding) {
        return Pooling.windows(s[2], s[3], kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], s[4], s[5]);
    }

    /** Runs {@code body} over a pooling call's planes, over the kernel threads when the call is large enough. */
    private static void overPlanes(int planes, Pooling.Windows win, Ranges.Body body) {
        Ranges.split(planes, (long) planes * win.planeIn(), body);
    }

    /** {n, c, h, w, oh, ow} after checking a pooling call. */
    private static int[] pool(String op, Tensor x, int[] kernel, int[] stride, int[] padding) {
        if (x.shape.length != 4) {
            throw new IllegalArgumentException(op + ": expects [N, C, H, W], got " + Shapes.str(x.shape));
        }
        check(op, "kernel", kernel, 1);
        check(op, "stride", stride, 1);
        check(op, "padding", padding, 0);
        if (padding[0] * 2 > kernel[0] || padding[1] * 2 > kernel[1]) {
            throw new IllegalArgumentException(op + ": padding " + Shapes.str(padding) + " should be at most half the kernel "
                    + Shapes.str(kernel));
        }
        int oh = outSize(x.shape[2], kernel[0], stride[0], padding[0], 1);
        int ow = outSize(x.shape[3], kernel[1], stride[1], padding[1], 1);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(op + ": the kernel " + Shapes.str(kernel) + " is larger than the padded input "
                    + Shapes.str(x.shape));
        }
        return new int[] {x.shape[0], x.shape[1], x.shape[2], x.shape[3], oh, ow};
    }
}
