package dev.vecgrad.autograd;

import dev.vecgrad.kernels.Parallelism;

/**
 * 2-D convolution and pooling over NCHW tensors, as {@code torch.nn.functional}. Convolution is
 * GEMM on unfolded patches (im2col), one batch element and group at a time: out = W cols;
 * backward d W = d out cols^T and d cols = W^T d out, folded back (col2im) into d x. Patches
 * are rebuilt in backward rather than kept, so memory stays at the size of the input plus one
 * patch buffer per thread. conv2d's forward and input gradient spread the batch elements over
 * the kernel threads (each element's GEMM on its own thread); the weight gradient sums over the
 * batch in order. The bits are the same on any thread count (ConvolutionThreadsTest).
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

    /** cols [k, oh * ow] of group gi of batch element b of contiguous x (zeros where the patch leaves the input). */
    static void im2col(Storage x, int xo, Geometry g, int b, int gi, Storage cols) {
        int ow = g.ow();
        int row = 0;
        for (int c = gi * g.cg(); c < (gi + 1) * g.cg(); c++) {
            int plane = xo + ((b * g.c() + c) * g.h()) * g.w();
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, row++) {
                    int base = row * g.spatial();
                    cols.fill(base, base + g.spatial(), 0);
                    int jOff = j * g.dw() - g.pw();
                    // output columns whose input column lands inside [0, w)
                    int first = Math.max(0, ceilDiv(-jOff, g.sw()));
                    int last = Math.min(ow - 1, floorDiv(g.w() - 1 - jOff, g.sw()));
                    if (first > last) {
                        continue;
                    }
                    for (int r = 0; r < g.oh(); r++) {
                        int ih = r * g.sh() - g.ph() + i * g.dh();
                        if (ih < 0 || ih >= g.h()) {
                            continue;
                        }
                        x.copyStrided(plane + ih * g.w() + first * g.sw() + jOff, g.sw(), cols, base + r * ow + first, last - first + 1);
                    }
                }
            }
        }
    }

    /** The reverse of im2col: dx[group gi of element b] += the patches of dcols placed back. */
    static void col2im(Storage dcols, Geometry g, int b, int gi, Storage dx) {
        int ow = g.ow();
        int row = 0;
        for (int c = gi * g.cg(); c < (gi + 1) * g.cg(); c++) {
            int plane = ((b * g.c() + c) * g.h()) * g.w();
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, row++) {
                    int base = row * g.spatial();
                    int jOff = j * g.dw() - g.pw();
                    int first = Math.max(0, ceilDiv(-jOff, g.sw()));
                    int last = Math.min(ow - 1, floorDiv(g.w() - 1 - jOff, g.sw()));
                    if (first > last) {
                        continue;
                    }
                    for (int r = 0; r < g.oh(); r++) {
                        int ih = r * g.sh() - g.ph() + i * g.dh();
                        if (ih < 0 || ih >= g.h()) {
                            continue;
                        }
                        dcols.addStrided(base + r * ow + first, dx, plane + ih * g.w() + first * g.sw() + jOff, g.sw(), last - first + 1);
                    }
                }
            }
        }
    }

    /**
     * Scratch buffers of one size for the batch elements of a parallel loop: a thread takes one
     * (a new one when none is free, so at most one per thread) and gives it back after the element.
     */
    private static final class Buffers {
        private final java.util.concurrent.ConcurrentLinkedQueue<Storage> free = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final Storage like;
        private final int size;

        Buffers(Storage like, int size) {
            this.like = like;
            this.size = size;
        }

        Storage take() {
            Storage s = free.poll();
            return s != null ? s : like.zeros(size);
        }

        void give(Storage s) {
            free.add(s);
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    private static int floorDiv(int a, int b) {
        return Math.floorDiv(a, b);
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
            // batch elements on the kernel threads, each GEMM on its own thread: out[b] depends on x[b] alone, and a GEMM
            // gives the same bits on any thread count, so the output is the same as one element after another
            Buffers cols = new Buffers(x.storage, g.k() * g.spatial());
            Parallelism.forEach(g.n(), b -> {
                Storage c = cols.take();
                for (int gi = 0; gi < g.groups(); gi++) {
                    im2col(x.storage, x.offset, g, b, gi, c);
                    // out[b, group] = W_g [O/g, k] x cols [k, oh ow]
                    w.storage.gemm(false, false, g.og(), g.spatial(), g.k(), w.offset + gi * g.og() * g.k(), g.k(), c, 0,
                            g.spatial(), out.storage, ((b * g.o()) + gi * g.og()) * g.spatial(), g.spatial());
                }
                cols.give(c);
            });
            if (in.length > 2) {
                Tensor bc = in[2].contiguous();
                for (int b = 0; b < g.n(); b++) {
                    for (int o = 0; o < g.o(); o++) {
                        int at = (b * g.o() + o) * g.spatial();
                        out.storage.map(Storage.Unary.ADD_SCALAR, bc.storage.get(bc.offset + o), 0, at, out.storage, at, g.spatial());
                    }
                }
            }
            return out;
        }, (ctx, dOut) -> {
            Tensor x = ctx.saved(0);
            Tensor w = ctx.saved(1);
            Tensor d = dOut.contiguous();
            Tensor dx = ctx.needsInputGrad(0) ? Tensor.emptyLike(x, x.shape.clone()) : null;
            Tensor dw = Tensor.emptyLike(w, w.shape.clone());
            if (dx != null) {
                // d x[b] depends on d out[b] alone: batch elements on the kernel threads, as forward
                Buffers dcols = new Buffers(x.storage, g.k() * g.spatial());
                Parallelism.forEach(g.n(), b -> {
                    Storage dc = dcols.take();
                    for (int gi = 0; gi < g.groups(); gi++) {
                        // d cols = W_g^T [k, O/g] x d out
                        w.storage.gemm(true, false, g.k(), g.spatial(), g.og(), w.offset + gi * g.og() * g.k(), g.k(), d.storage,
                                d.offset + ((b * g.o()) + gi * g.og()) * g.spatial(), g.spatial(), 0, dc, 0, g.spatial());
                        col2im(dc, g, b, gi, dx.storage);
                    }
                    dcols.give(dc);
                });
            }
            // d W sums over the batch: one element after another, each GEMM on the kernel threads (a fixed order, the same bits
            // on any thread count)
            Storage cols = x.storage.zeros(g.k() * g.spatial());
            for (int b = 0; b < g.n(); b++) {
                for (int gi = 0; gi < g.groups(); gi++) {
                    im2col(x.storage, x.offset, g, b, gi, cols);
                    // d W_g += d out [O/g, oh ow] x cols^T
                    d.storage.gemm(false, true, g.og(), g.k(), g.spatial(), d.offset + ((b * g.o()) + gi * g.og()) * g.spatial(),
                            g.spatial(), cols, 0, g.spatial(), 1, dw.storage, gi * g.og() * g.k(), g.k());
                }
            }
            Tensor[] grads = new Tensor[hasBias ? 3 : 2];
            grads[0] = dx;
            grads[1] = dw;
            if (grads.length == 3) {
                // d b = d out summed over batch and space
                grads[2] = d.sum(new int[] {0, 2, 3}, false);
            }
            return grads;
        }, inputs);
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
        return Autograd.apply("convTranspose2d", (ctx, in) -> {
            Tensor xc = in[0].contiguous();
            Tensor wc = in[1].contiguous();
            ctx.saveForBackward(xc, wc);
            Tensor out = Tensor.emptyLike(xc, g.n(), g.c(), g.h(), g.w());
            Storage cols = xc.storage.zeros(g.k() * g.spatial());
            for (int b = 0; b < g.n(); b++) {
                for (int gi = 0; gi < g.groups(); gi++) {
                    int xOff = xc.offset + ((b * g.o()) + gi * g.og()) * g.spatial();
                    wc.storage.gemm(true, false, g.k(), g.spatial(), g.og(), wc.offset + gi * g.og() * g.k(), g.k(), xc.storage, xOff,
                            g.spatial(), 0, cols, 0, g.spatial());
                    col2im(cols, g, b, gi, out.storage);
                }
            }
            if (in.length > 2) {
                Tensor bc = in[2].contiguous();
                int plane = g.h() * g.w();
                for (int b = 0; b < g.n(); b++) {
                    for (int c = 0; c < g.c(); c++) {
                        int at = (b * g.c() + c) * plane;
                        out.storage.map(Storage.Unary.ADD_SCALAR, bc.storage.get(bc.offset + c), 0, at, out.storage, at, plane);
                    }
                }
            }
            return out;
        }, (ctx, dOut) -> {
            Tensor xc = ctx.saved(0);
            Tensor wc = ctx.saved(1);
            Tensor d = dOut.contiguous();
            Tensor dx = Tensor.emptyLike(xc, xc.shape.clone());
            Tensor dw = Tensor.emptyLike(wc, wc.shape.clone());
            Storage cols = xc.storage.zeros(g.k() * g.spatial());
            for (int b = 0; b < g.n(); b++) {
                for (int gi = 0; gi < g.groups(); gi++) {
                    int xOff = ((b * g.o()) + gi * g.og()) * g.spatial();
                    int wOff = gi * g.og() * g.k();
                    im2col(d.storage, d.offset, g, b, gi, cols);
                    // d x = W_g [Cin/g, k] x patches of d out; d W_g += x [Cin/g, H W] x patches^T
                    wc.storage.gemm(false, false, g.og(), g.spatial(), g.k(), wc.offset + wOff, g.k(), cols, 0, g.spatial(), 0,
                            dx.storage, xOff, g.spatial());
                    xc.storage.gemm(false, true, g.og(), g.k(), g.spatial(), xc.offset + xOff, g.spatial(), cols, 0, g.spatial(), 1,
                            dw.storage, wOff, g.k());
                }
            }
            Tensor[] grads = new Tensor[hasBias ? 3 : 2];
            grads[0] = dx;
            grads[1] = dw;
            if (hasBias) {
                grads[2] = d.sum(new int[] {0, 2, 3}, false);
            }
            return grads;
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

    /** Max over kh x kw windows; the gradient goes to the first maximum of each window, as PyTorch. */
    static Tensor maxPool2d(Tensor input, int[] kernel, int[] stride, int[] padding) {
        int[] s = pool("maxPool2d", input, kernel, stride, padding);
        int n = s[0];
        int c = s[1];
        int h = s[2];
        int w = s[3];
        int oh = s[4];
        int ow = s[5];
        Tensor x = input.contiguous();
        Tensor out = Tensor.emptyLike(x, n, c, oh, ow);
        int[] where = new int[n * c * oh * ow];
        for (int p = 0; p < n * c; p++) {
            int plane = x.offset + p * h * w;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int best = -1;
                    double bv = Double.NEGATIVE_INFINITY;
                    for (int a = 0; a < kernel[0]; a++) {
                        int ih = i * stride[0] - padding[0] + a;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        for (int bb = 0; bb < kernel[1]; bb++) {
                            int iw = j * stride[1] - padding[1] + bb;
                            if (iw < 0 || iw >= w) {
                                continue;
                            }
                            double v = x.storage.get(plane + ih * w + iw);
                            if (best < 0 || v > bv || Double.isNaN(v) && !Double.isNaN(bv)) {
                                best = ih * w + iw;
                                bv = v;
                            }
                        }
                    }
                    int o = (p * oh + i) * ow + j;
                    where[o] = p * h * w + best;
                    out.storage.set(o, bv);
                }
            }
        }
        int[] from = input.shape.clone();
        // d maxPool2d = d out at the position of each window's maximum (overlapping windows add up)
        return Autograd.record("maxPool2d", out, (ctx, g) -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.emptyLike(g, from.clone());
            for (int o = 0; o < where.length; o++) {
                gc.storage.accumulate(gc.offset + o, gx.storage, where[o]);
            }
            return new Tensor[] {gx};
        }, input);
    }

    /** Mean over kh x kw windows, padding counted as zeros (PyTorch's count_include_pad = True). */
    static Tensor avgPool2d(Tensor input, int[] kernel, int[] stride, int[] padding) {
        int[] s = pool("avgPool2d", input, kernel, stride, padding);
        int n = s[0];
        int c = s[1];
        int h = s[2];
        int w = s[3];
        int oh = s[4];
        int ow = s[5];
        double scale = 1.0 / (kernel[0] * kernel[1]);
        Tensor x = input.contiguous();
        Tensor out = Tensor.emptyLike(x, n, c, oh, ow);
        for (int p = 0; p < n * c; p++) {
            int plane = x.offset + p * h * w;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double sum = 0;
                    for (int a = 0; a < kernel[0]; a++) {
                        int ih = i * stride[0] - padding[0] + a;
                        for (int bb = 0; bb < kernel[1] && ih >= 0 && ih < h; bb++) {
                            int iw = j * stride[1] - padding[1] + bb;
                            if (iw >= 0 && iw < w) {
                                sum += x.storage.get(plane + ih * w + iw);
                            }
                        }
                    }
                    out.storage.set((p * oh + i) * ow + j, sum * scale);
                }
            }
        }
        int[] from = input.shape.clone();
        // d avgPool2d = d out / (kh kw) spread over each window
        return Autograd.record("avgPool2d", out, (ctx, g) -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.emptyLike(g, from.clone());
            for (int p = 0; p < n * c; p++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double v = gc.storage.get(gc.offset + (p * oh + i) * ow + j) * scale;
                        for (int a = 0; a < kernel[0]; a++) {
                            int ih = i * stride[0] - padding[0] + a;
                            for (int bb = 0; bb < kernel[1] && ih >= 0 && ih < h; bb++) {
                                int iw = j * stride[1] - padding[1] + bb;
                                if (iw >= 0 && iw < w) {
                                    int at = p * h * w + ih * w + iw;
                                    gx.storage.set(at, gx.storage.get(at) + v);
                                }
                            }
                        }
                    }
                }
            }
            return new Tensor[] {gx};
        }, input);
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
