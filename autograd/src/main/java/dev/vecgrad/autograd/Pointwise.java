package dev.vecgrad.autograd;

import dev.vecgrad.autograd.Storage.Binary;
import dev.vecgrad.autograd.Storage.Unary;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoublePredicate;

/**
 * Elementwise ops and their derivatives, on the vector kernels behind {@link Storage}. Each op
 * is a forward computation and, next to it, its derivative (the formula in the comment).
 * Binary ops broadcast as NumPy does; a derivative returns its gradients in the output's
 * shape and the engine sums each back to its input's shape ({@link #reduceTo}). Derivatives
 * read saved tensors through their context only and capture no tensor (see {@link Node}).
 */
final class Pointwise {

    private Pointwise() {}

    static void checkDtypes(String op, Tensor a, Tensor b) {
        if (a.dtype != b.dtype) {
            throw new IllegalArgumentException(op + ": dtypes " + a.dtype.torchName() + " and " + b.dtype.torchName()
                    + " differ (shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape) + "); convert one with to(DType)");
        }
    }

    /** A new tensor, op(x) elementwise, with scalar parameters p and q. */
    static Tensor map(Tensor x, Unary op, double p, double q) {
        Tensor c = x.contiguous();
        Tensor out = Tensor.emptyLike(c, c.shape.clone());
        c.storage.map(op, p, q, c.offset, out.storage, 0, out.numel());
        return out;
    }

    static Tensor map(Tensor x, Unary op) {
        return map(x, op, 0, 0);
    }

    /** A new tensor, op(a, b) elementwise, for a and b of the same shape. */
    static Tensor zip(Tensor a, Tensor b, Binary op, double p) {
        Tensor ca = a.contiguous();
        Tensor cb = b.contiguous();
        Tensor out = Tensor.emptyLike(ca, ca.shape.clone());
        ca.storage.zip(op, p, ca.offset, cb.storage, cb.offset, out.storage, 0, out.numel());
        return out;
    }

    /** A new tensor f(x) elementwise by a scalar loop (ops with no vector kernel: pow, sign, comparisons). */
    static Tensor mapScalar(Tensor x, java.util.function.DoubleUnaryOperator f) {
        Tensor c = x.contiguous();
        Tensor out = Tensor.emptyLike(c, c.shape.clone());
        for (int i = 0, n = out.numel(); i < n; i++) {
            out.storage.set(i, f.applyAsDouble(c.storage.get(c.offset + i)));
        }
        return out;
    }

    // ---------------------------------------------------------------- broadcasting binary ops

    /**
     * PyTorch's rule for a 0-d operand: it takes the dtype of a dimensioned partner (a float64
     * scalar tensor times a float32 matrix is float32), through a differentiable conversion.
     */
    static Tensor[] promote(Tensor a, Tensor b) {
        if (a.shape.length == 0 && b.shape.length > 0) {
            return new Tensor[] {a.to(b.dtype), b};
        }
        if (b.shape.length == 0 && a.shape.length > 0) {
            return new Tensor[] {a, b.to(a.dtype)};
        }
        if (a.shape.length == 0 && b.shape.length == 0) {
            // two scalars of different dtypes: float64, as PyTorch promotes
            return new Tensor[] {a.to(DType.F64), b.to(DType.F64)};
        }
        return new Tensor[] {a, b};
    }

    /** f(a, b) on the broadcast shape, with the fast paths that need no expanded copy. */
    private static Tensor binary(Binary op, Tensor a, Tensor b, String name) {
        checkDtypes(name, a, b);
        int[] shape = Shapes.broadcast(a.shape, b.shape, name);
        boolean aFull = Shapes.same(a.shape, shape);
        boolean bFull = Shapes.same(b.shape, shape);
        if (aFull && bFull) {
            return zip(a, b, op, 0);
        }
        boolean rowOp = op == Binary.ADD || op == Binary.MUL;
        if (aFull && rowOp && isRowVector(b, shape)) {
            return rowVector(op, a, b);
        }
        if (bFull && rowOp && isRowVector(a, shape)) {
            return rowVector(op, b, a);
        }
        if (aFull && b.numel() == 1 && op != Binary.DIV && op != Binary.MAXIMUM) {
            double s = b.getFlat(0);
            return switch (op) {
                case ADD -> map(a, Unary.ADD_SCALAR, s, 0);
                case SUB -> map(a, Unary.ADD_SCALAR, -s, 0);
                default -> map(a, Unary.SCALE, s, 0);
            };
        }
        if (aFull && op != Binary.DIV && op != Binary.MAXIMUM) {
            Tensor bv = broadcastView(b, shape);
            if (Views.constantRun(bv) >= PLANE_MIN) {
                return planes(a, bv, op);
            }
        }
        if (bFull && (op == Binary.ADD || op == Binary.MUL)) {
            Tensor av = broadcastView(a, shape);
            if (Views.constantRun(av) >= PLANE_MIN) {
                return planes(b, av, op);
            }
        }
        // an operand of the full shape is used as it is (it was copied too)
        return zip(aFull ? a : expandCopy(a, shape), bFull ? b : expandCopy(b, shape), op, 0);
    }

    /** Shortest run of equal broadcast values for which {@link #planes} pays: below it, a copy and one zip. */
    private static final int PLANE_MIN = 16;

    /**
     * full (op) v where v, a broadcast view of full's shape, repeats one value over runs of
     * {@link Views#constantRun} elements (op ADD, SUB or MUL, v second): each run is full's elements plus, minus or times that
     * value on the scalar kernels, with no copy of v the size of full. a - s is a + (-s) exactly.
     * Batch normalization's per-channel broadcasts over [32, 64, 28, 28] went from 2.9 ms each
     * (v gathered element by element into a full copy, full copied too) to about 0.8.
     */
    private static Tensor planes(Tensor full, Tensor v, Binary op) {
        Tensor cf = full.contiguous();
        int run = Views.constantRun(v);
        int outer = Views.leadingDims(v.strides);
        Tensor out = Tensor.emptyLike(cf, v.shape.clone());
        int[] idx = new int[outer];
        int pos = v.offset;
        for (int at = 0, n = out.numel(); at < n; at += run) {
            double s = v.storage.get(pos);
            if (op == Binary.MUL) {
                cf.storage.map(Unary.SCALE, s, 0, cf.offset + at, out.storage, at, run);
            } else {
                cf.storage.map(Unary.ADD_SCALAR, op == Binary.SUB ? -s : s, 0, cf.offset + at, out.storage, at, run);
            }
            pos = Views.next(idx, outer, v.shape, v.strides, pos);
        }
        return out;
    }

    /** v has as many elements as the last dimension of shape and is [n], [1, n], [1, 1, n]... */
    private static boolean isRowVector(Tensor v, int[] shape) {
        int n = shape.length == 0 ? 1 : shape[shape.length - 1];
        return v.numel() == n && v.shape.length > 0 && v.shape[v.shape.length - 1] == n && shape.length >= 2;
    }

    /** x[r][j] (op) v[j] over the rows of x, on the row kernels. */
    private static Tensor rowVector(Binary op, Tensor x, Tensor v) {
        Tensor cx = x.contiguous();
        Tensor cv = v.contiguous();
        int cols = x.shape[x.shape.length - 1];
        int rows = cols == 0 ? 0 : cx.numel() / cols;
        Tensor out = Tensor.emptyLike(cx, cx.shape.clone());
        cx.storage.rowVector(op == Binary.ADD, cx.offset, rows, cols, cv.storage, cv.offset, out.storage, 0);
        return out;
    }

    /** A contiguous copy of x broadcast to shape (a view with stride 0 on the broadcast dimensions, gathered). */
    static Tensor expandCopy(Tensor x, int[] shape) {
        return Views.copyRaw(broadcastView(x, shape));
    }

    /** x seen with shape: stride 0 on the dimensions it lacks or has as 1. */
    private static Tensor broadcastView(Tensor x, int[] shape) {
        return new Tensor(shape.clone(), Shapes.expandStrides(x.shape, x.strides, shape), x.offset, x.storage);
    }

    /** The gradient g of a broadcast result summed back to {@code shape} (the input's). */
    static Tensor reduceTo(Tensor g, int[] shape) {
        if (Shapes.same(g.shape, shape)) {
            return g;
        }
        if (Shapes.numel(shape) == 1) {
            return g.sum().reshape(shape);
        }
        int last = g.shape.length == 0 ? 1 : g.shape[g.shape.length - 1];
        if (last > 0 && shape.length > 0 && shape[shape.length - 1] == last && Shapes.numel(shape) == last) {
            return g.reshape(-1, last).sum(0, false).reshape(shape);
        }
        // general: sum over the leading dimensions shape lacks, then over its size-1 dimensions
        int lead = g.shape.length - shape.length;
        int[] dims = new int[g.shape.length];
        int nd = 0;
        for (int k = 0; k < g.shape.length; k++) {
            if (k < lead || (shape[k - lead] == 1 && g.shape[k] != 1)) {
                dims[nd++] = k;
            }
        }
        return g.sum(java.util.Arrays.copyOf(dims, nd), true).reshape(shape);
    }

    static Tensor add(Tensor x, Tensor y) {
        Tensor[] p = x.dtype == y.dtype ? null : promote(x, y);
        Tensor a = p == null ? x : p[0];
        Tensor b = p == null ? y : p[1];
        // d(a + b) = (g, g)
        return Autograd.record("add", binary(Binary.ADD, a, b, "add"), (ctx, g) -> new Tensor[] {g, g}, a, b);
    }

    static Tensor sub(Tensor x, Tensor y) {
        Tensor[] p = x.dtype == y.dtype ? null : promote(x, y);
        Tensor a = p == null ? x : p[0];
        Tensor b = p == null ? y : p[1];
        // d(a - b) = (g, -g)
        return Autograd.record("sub", binary(Binary.SUB, a, b, "sub"), (ctx, g) -> new Tensor[] {g, g.neg()}, a, b);
    }

    static Tensor mul(Tensor x, Tensor y) {
        Tensor[] p = x.dtype == y.dtype ? null : promote(x, y);
        Tensor a = p == null ? x : p[0];
        Tensor b = p == null ? y : p[1];
        // d(a * b) = (g * b, g * a)
        return Autograd.record("mul", binary(Binary.MUL, a, b, "mul"), new Tensor[] {a, b}, (ctx, g) -> new Tensor[] {
            ctx.needsInputGrad(0) ? g.mul(ctx.saved(1)) : null,
            ctx.needsInputGrad(1) ? g.mul(ctx.saved(0)) : null}, a, b);
    }

    static Tensor div(Tensor x, Tensor y) {
        Tensor[] p = x.dtype == y.dtype ? null : promote(x, y);
        Tensor a = p == null ? x : p[0];
        Tensor b = p == null ? y : p[1];
        Tensor out = binary(Binary.DIV, a, b, "div");
        // d(a / b) = (g / b, -g * a / b^2) = (g / b, -g * out / b); saved: b, out
        return Autograd.record("div", out, new Tensor[] {b, out}, (ctx, g) -> new Tensor[] {
            ctx.needsInputGrad(0) ? g.div(ctx.saved(0)) : null,
            ctx.needsInputGrad(1) ? g.mul(ctx.saved(1)).div(ctx.saved(0)).neg() : null}, a, b);
    }

    /** Elementwise maximum of a and b (broadcasting); the gradient goes to the larger, split evenly on ties as PyTorch. */
    static Tensor maximum(Tensor x, Tensor y) {
        Tensor[] p = x.dtype == y.dtype ? null : promote(x, y);
        Tensor a = p == null ? x : p[0];
        Tensor b = p == null ? y : p[1];
        Tensor out = binary(Binary.MAXIMUM, a, b, "maximum");
        // d max(a, b) = (g * [a > b] + g/2 * [a == b], g * [b > a] + g/2 * [a == b])
        return Autograd.record("maximum", out, new Tensor[] {a, b}, (ctx, g) -> {
            Tensor share = compare("maximum", ctx.saved(0), ctx.saved(1), (u, v) -> u > v ? 1 : u == v ? 0.5 : 0);
            return new Tensor[] {g.mul(share), g.mul(share.rsub(1))};
        }, a, b);
    }

    static Tensor addScalar(Tensor x, double s) {
        // d(x + s) = g
        return Autograd.record("add", map(x, Unary.ADD_SCALAR, s, 0), (ctx, g) -> new Tensor[] {g}, x);
    }

    static Tensor mulScalar(Tensor x, double s) {
        // d(x * s) = g * s
        return Autograd.record("mul", map(x, Unary.SCALE, s, 0), (ctx, g) -> new Tensor[] {g.mul(s)}, x);
    }

    /** s / x. */
    static Tensor rdiv(Tensor x, double s) {
        Tensor y = mapScalar(x, v -> s / v);
        // d(s / x) = -g * s / x^2 = -g * y / x; saved: x, y
        return Autograd.record("rdiv", y, new Tensor[] {x, y}, (ctx, g) -> new Tensor[] {g.mul(ctx.saved(1)).div(ctx.saved(0)).neg()},
                x);
    }

    /** a + b without recording, same shapes (the engine's gradient accumulation). */
    static Tensor addRaw(Tensor a, Tensor b) {
        try (var noGrad = Grad.disabled()) {
            return binary(Binary.ADD, a, b, "add");
        }
    }

    // ---------------------------------------------------------------- unary ops

    /** -1, 0 or 1 (NaN stays NaN), not recorded. */
    static Tensor sign(Tensor x) {
        return mapScalar(x, Math::signum);
    }

    static Tensor pow(Tensor x, double e) {
        Tensor y = mapScalar(x, v -> Math.pow(v, e));
        // d x^e = g * e * x^(e-1)
        return Autograd.record("pow", y, new Tensor[] {x},
                (ctx, g) -> new Tensor[] {e == 0 ? g.mul(0) : g.mul(ctx.saved(0).pow(e - 1)).mul(e)}, x);
    }

    static Tensor leakyRelu(Tensor x, double slope) {
        // d leakyRelu(x) = g where x > 0, slope * g elsewhere
        return Autograd.record("leakyRelu", map(x, Unary.LEAKY_RELU, slope, 0), new Tensor[] {x},
                (ctx, g) -> new Tensor[] {zip(ctx.saved(0), g, Binary.LEAKY_RELU_BACKWARD, slope)}, x);
    }

    static Tensor clamp(Tensor x, double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lo " + lo + " must be <= hi " + hi);
        }
        // d clamp(x) = g where lo <= x <= hi, else 0 (PyTorch passes the gradient at the bounds)
        return Autograd.record("clamp", map(x, Unary.CLAMP, lo, hi), new Tensor[] {x},
                (ctx, g) -> new Tensor[] {g.mul(mapScalar(ctx.saved(0), v -> v >= lo && v <= hi ? 1 : 0))}, x);
    }

    static Tensor dropout(Tensor x, double p, boolean training, Random rng) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
        }
        if (!training || p == 0) {
            return x;
        }
        Tensor mask = Tensor.emptyLike(x, x.shape.clone());
        double scale = 1 / (1 - p);
        for (int i = 0, n = mask.numel(); i < n; i++) {
            mask.storage.set(i, rng.nextDouble() < p ? 0 : scale);
        }
        Tensor y;
        try (var noGrad = Grad.disabled()) {
            y = x.mul(mask);
        }
        // d dropout(x) = g * mask / (1 - p); the mask is saved
        return Autograd.record("dropout", y, new Tensor[] {mask}, (ctx, g) -> new Tensor[] {g.mul(ctx.saved(0))}, x);
    }

    static Tensor convert(Tensor x, DType target) {
        if (x.dtype == target) {
            return x;
        }
        Tensor c = x.contiguous();
        Tensor y = Tensor.empty(target, c.shape.clone());
        c.storage.copyTo(c.offset, y.storage, 0, y.numel());
        DType from = x.dtype;
        // d to(x) = g converted back
        return Autograd.record("to(" + target.torchName() + ")", y, (ctx, g) -> new Tensor[] {g.to(from)}, x);
    }

    // ---------------------------------------------------------------- masks and selection

    /**
     * 1 where pred(a, b) holds, else 0, on the broadcast shape, in a's dtype; not differentiable
     * (a step function), as PyTorch's comparison ops.
     */
    static Tensor compare(String op, Tensor x, Tensor y, DoubleBinaryOperator pred) {
        Tensor[] p = promote(x, y);
        checkDtypes(op, p[0], p[1]);
        int[] shape = Shapes.broadcast(p[0].shape, p[1].shape, op);
        Tensor a = expandCopy(p[0], shape);
        Tensor b = expandCopy(p[1], shape);
        Tensor out = Tensor.emptyLike(a, shape);
        for (int i = 0, n = out.numel(); i < n; i++) {
            out.storage.set(i, pred.applyAsDouble(a.storage.get(i), b.storage.get(i)));
        }
        return out;
    }

    static Tensor compare(Tensor x, double s, DoublePredicate pred) {
        return mapScalar(x, v -> pred.test(v) ? 1 : 0);
    }

    /** Checks that a mask holds only 0 and 1 and returns it contiguous on the broadcast shape. */
    private static Tensor checkedMask(String op, Tensor mask, int[] shape) {
        Tensor m = expandCopy(mask, shape);
        for (int i = 0, n = m.numel(); i < n; i++) {
            double v = m.storage.get(i);
            if (v != 0 && v != 1) {
                throw new IllegalArgumentException(op + ": the mask must hold only 0 and 1, element " + i + " is " + v);
            }
        }
        return m;
    }

    /** condition ? a : b elementwise, broadcasting all three. */
    static Tensor where(Tensor condition, Tensor x, Tensor y) {
        Tensor[] p = x.dtype == y.dtype ? null : promote(x, y);
        Tensor a = p == null ? x : p[0];
        Tensor b = p == null ? y : p[1];
        checkDtypes("where", a, b);
        int[] shape = Shapes.broadcast(Shapes.broadcast(a.shape, b.shape, "where"), condition.shape, "where");
        Tensor m = checkedMask("where", condition, shape);
        Tensor ea = expandCopy(a, shape);
        Tensor eb = expandCopy(b, shape);
        Tensor out = Tensor.emptyLike(ea, shape);
        for (int i = 0, n = out.numel(); i < n; i++) {
            out.storage.set(i, m.storage.get(i) != 0 ? ea.storage.get(i) : eb.storage.get(i));
        }
        // d where(c, a, b) = (g * c, g * (1 - c)); the mask c is saved
        Tensor mc = m.dtype == out.dtype ? m : m.to(out.dtype);
        return Autograd.record("where", out, new Tensor[] {mc}, (ctx, g) -> new Tensor[] {
            g.mul(ctx.saved(0)), g.mul(ctx.saved(0).rsub(1))}, a, b);
    }

    /** x with value where mask is 1 (mask broadcasts to x's shape). */
    static Tensor maskedFill(Tensor x, Tensor mask, double value) {
        if (!Shapes.same(Shapes.broadcast(x.shape, mask.shape, "maskedFill"), x.shape)) {
            throw new IllegalArgumentException("maskedFill: the mask " + Shapes.str(mask.shape) + " does not broadcast to the tensor "
                    + Shapes.str(x.shape));
        }
        Tensor m = checkedMask("maskedFill", mask, x.shape);
        Tensor c = x.contiguous();
        Tensor out = Tensor.emptyLike(c, c.shape.clone());
        for (int i = 0, n = out.numel(); i < n; i++) {
            out.storage.set(i, m.storage.get(i) != 0 ? value : c.storage.get(c.offset + i));
        }
        Tensor keep = (m.dtype == x.dtype ? m : m.to(x.dtype)).rsub(1);
        // d maskedFill(x) = g where the mask is 0; keep (1 - mask) is saved
        return Autograd.record("maskedFill", out, new Tensor[] {keep}, (ctx, g) -> new Tensor[] {g.mul(ctx.saved(0))}, x);
    }
}
