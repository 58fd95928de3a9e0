package dev.vecgrad.autograd;

import dev.vecgrad.kernels.Elementwise;
import dev.vecgrad.kernels.RowOps;
import java.util.Random;

/**
 * Elementwise ops and their derivatives, on the {@link Elementwise} kernels. Each op is a
 * forward computation and, next to it, its derivative (the formula in the comment).
 * Binary ops broadcast as NumPy does; the gradient of a broadcast input is summed back to
 * its shape ({@link #reduceTo}).
 */
final class Pointwise {

    private Pointwise() {}

    /** A float kernel over (x, xOff, out, outOff, n). */
    interface FloatMap {
        void apply(float[] x, int xo, float[] out, int oo, int n);
    }

    /** A double kernel over (x, xOff, out, outOff, n). */
    interface DoubleMap {
        void apply(double[] x, int xo, double[] out, int oo, int n);
    }

    /** A float kernel over (a, aOff, b, bOff, out, outOff, n). */
    interface FloatZip {
        void apply(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n);
    }

    /** A double kernel over (a, aOff, b, bOff, out, outOff, n). */
    interface DoubleZip {
        void apply(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n);
    }

    static void checkDtypes(String op, Tensor a, Tensor b) {
        if (a.dtype != b.dtype) {
            throw new IllegalArgumentException(op + ": dtypes " + a.dtype.torchName() + " and " + b.dtype.torchName()
                    + " differ (shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape) + "); convert one with to(DType)");
        }
    }

    /** A new tensor, f(x), elementwise. */
    static Tensor map(Tensor x, FloatMap fm, DoubleMap dm) {
        Tensor c = x.contiguous();
        Tensor out = Tensor.empty(c.dtype, c.shape.clone());
        if (c.f != null) {
            fm.apply(c.f, c.offset, out.f, 0, out.numel());
        } else {
            dm.apply(c.d, c.offset, out.d, 0, out.numel());
        }
        return out;
    }

    /** A new tensor, f(a, b), elementwise, for a and b of the same shape. */
    static Tensor zip(Tensor a, Tensor b, FloatZip fz, DoubleZip dz) {
        Tensor ca = a.contiguous();
        Tensor cb = b.contiguous();
        Tensor out = Tensor.empty(ca.dtype, ca.shape.clone());
        if (ca.f != null) {
            fz.apply(ca.f, ca.offset, cb.f, cb.offset, out.f, 0, out.numel());
        } else {
            dz.apply(ca.d, ca.offset, cb.d, cb.offset, out.d, 0, out.numel());
        }
        return out;
    }

    // ---------------------------------------------------------------- broadcasting binary ops

    private enum Bin { ADD, SUB, MUL, DIV }

    /** f(a, b) on the broadcast shape, with the fast paths that need no expanded copy. */
    private static Tensor binary(Bin op, Tensor a, Tensor b, String name) {
        checkDtypes(name, a, b);
        int[] shape = Shapes.broadcast(a.shape, b.shape, name);
        boolean aFull = Shapes.same(a.shape, shape);
        boolean bFull = Shapes.same(b.shape, shape);
        if (aFull && bFull) {
            return zip(a, b, floatZip(op), doubleZip(op));
        }
        if (aFull && (op == Bin.ADD || op == Bin.MUL) && isRowVector(b, shape)) {
            return rowOp(op, a, b);
        }
        if (bFull && (op == Bin.ADD || op == Bin.MUL) && isRowVector(a, shape)) {
            return rowOp(op, b, a);
        }
        if (aFull && b.numel() == 1 && op != Bin.DIV) {
            double s = b.getFlat(0);
            return switch (op) {
                case ADD -> scalarAdd(a, s);
                case SUB -> scalarAdd(a, -s);
                default -> scalarMul(a, s);
            };
        }
        return zip(expand(a, shape), expand(b, shape), floatZip(op), doubleZip(op));
    }

    private static FloatZip floatZip(Bin op) {
        return switch (op) {
            case ADD -> Elementwise::add;
            case SUB -> Elementwise::sub;
            case MUL -> Elementwise::mul;
            case DIV -> Elementwise::div;
        };
    }

    private static DoubleZip doubleZip(Bin op) {
        return switch (op) {
            case ADD -> Elementwise::add;
            case SUB -> Elementwise::sub;
            case MUL -> Elementwise::mul;
            case DIV -> Elementwise::div;
        };
    }

    /** v has as many elements as the last dimension of shape and is [n], [1, n], [1, 1, n]... */
    private static boolean isRowVector(Tensor v, int[] shape) {
        int n = shape.length == 0 ? 1 : shape[shape.length - 1];
        if (v.numel() != n || v.shape.length == 0 || v.shape[v.shape.length - 1] != n || shape.length < 2) {
            return false;
        }
        return true;
    }

    /** x[r][j] (op) v[j] over the rows of x, on the row kernels. */
    private static Tensor rowOp(Bin op, Tensor x, Tensor v) {
        Tensor cx = x.contiguous();
        Tensor cv = v.contiguous();
        int cols = x.shape[x.shape.length - 1];
        int rows = cols == 0 ? 0 : cx.numel() / cols;
        Tensor out = Tensor.empty(cx.dtype, cx.shape.clone());
        if (cx.f != null) {
            if (op == Bin.ADD) {
                RowOps.addRowVector(cx.f, cx.offset, rows, cols, cv.f, cv.offset, out.f, 0);
            } else {
                RowOps.mulRowVector(cx.f, cx.offset, rows, cols, cv.f, cv.offset, out.f, 0);
            }
        } else if (op == Bin.ADD) {
            RowOps.addRowVector(cx.d, cx.offset, rows, cols, cv.d, cv.offset, out.d, 0);
        } else {
            RowOps.mulRowVector(cx.d, cx.offset, rows, cols, cv.d, cv.offset, out.d, 0);
        }
        return out;
    }

    /** A contiguous copy of x broadcast to shape (a view with stride 0 on the broadcast dimensions, gathered). */
    static Tensor expand(Tensor x, int[] shape) {
        Tensor view = new Tensor(x.dtype, shape.clone(), Shapes.expandStrides(x.shape, x.strides, shape), x.offset, x.f, x.d);
        Tensor out = Tensor.empty(x.dtype, shape.clone());
        Views.gather(view, out.f, out.d);
        return out;
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
        if (shape.length > 0 && shape[shape.length - 1] == last && Shapes.numel(shape) == last) {
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

    static Tensor add(Tensor a, Tensor b) {
        Tensor out = binary(Bin.ADD, a, b, "add");
        // d(a + b) = (g, g)
        return Autograd.record("add", out, g -> new Tensor[] {reduceTo(g, a.shape), reduceTo(g, b.shape)}, a, b);
    }

    static Tensor sub(Tensor a, Tensor b) {
        Tensor out = binary(Bin.SUB, a, b, "sub");
        // d(a - b) = (g, -g)
        return Autograd.record("sub", out, g -> new Tensor[] {reduceTo(g, a.shape), reduceTo(g.neg(), b.shape)}, a, b);
    }

    static Tensor mul(Tensor a, Tensor b) {
        Tensor out = binary(Bin.MUL, a, b, "mul");
        // d(a * b) = (g * b, g * a)
        return Autograd.record("mul", out, g -> new Tensor[] {
            a.requiresGrad() ? reduceTo(g.mul(b), a.shape) : null,
            b.requiresGrad() ? reduceTo(g.mul(a), b.shape) : null}, a, b);
    }

    static Tensor div(Tensor a, Tensor b) {
        Tensor out = binary(Bin.DIV, a, b, "div");
        // d(a / b) = (g / b, -g * a / b^2)
        return Autograd.record("div", out, g -> new Tensor[] {
            a.requiresGrad() ? reduceTo(g.div(b), a.shape) : null,
            b.requiresGrad() ? reduceTo(g.mul(out).div(b).neg(), b.shape) : null}, a, b);
    }

    private static Tensor scalarAdd(Tensor x, double s) {
        Tensor c = x.contiguous();
        Tensor out = Tensor.empty(c.dtype, c.shape.clone());
        if (c.f != null) {
            Elementwise.addScalar(c.f, c.offset, (float) s, out.f, 0, out.numel());
        } else {
            Elementwise.addScalar(c.d, c.offset, s, out.d, 0, out.numel());
        }
        return out;
    }

    private static Tensor scalarMul(Tensor x, double s) {
        Tensor c = x.contiguous();
        Tensor out = Tensor.empty(c.dtype, c.shape.clone());
        if (c.f != null) {
            Elementwise.scale((float) s, c.f, c.offset, out.f, 0, out.numel());
        } else {
            Elementwise.scale(s, c.d, c.offset, out.d, 0, out.numel());
        }
        return out;
    }

    static Tensor addScalar(Tensor x, double s) {
        // d(x + s) = g
        return Autograd.record("add", scalarAdd(x, s), g -> new Tensor[] {g}, x);
    }

    static Tensor mulScalar(Tensor x, double s) {
        // d(x * s) = g * s
        return Autograd.record("mul", scalarMul(x, s), g -> new Tensor[] {g.mul(s)}, x);
    }

    /** a + b without recording, same shapes (the engine's gradient accumulation). */
    static Tensor addRaw(Tensor a, Tensor b) {
        try (var noGrad = Grad.disabled()) {
            return binary(Bin.ADD, a, b, "add");
        }
    }

    // ---------------------------------------------------------------- unary ops

    static Tensor neg(Tensor x) {
        // d(-x) = -g
        return Autograd.record("neg", map(x, Elementwise::neg, Elementwise::neg), g -> new Tensor[] {g.neg()}, x);
    }

    static Tensor exp(Tensor x) {
        Tensor y = map(x, Elementwise::exp, Elementwise::exp);
        // d exp(x) = g * exp(x), from the output
        return Autograd.record("exp", y, g -> new Tensor[] {g.mul(y)}, x);
    }

    static Tensor log(Tensor x) {
        // d log(x) = g / x
        return Autograd.record("log", map(x, Elementwise::log, Elementwise::log), g -> new Tensor[] {g.div(x)}, x);
    }

    static Tensor sqrt(Tensor x) {
        Tensor y = map(x, Elementwise::sqrt, Elementwise::sqrt);
        // d sqrt(x) = g / (2 sqrt(x)), from the output
        return Autograd.record("sqrt", y, g -> new Tensor[] {g.div(y.mul(2))}, x);
    }

    static Tensor abs(Tensor x) {
        // d |x| = g * sign(x), sign(0) = 0 as in PyTorch
        return Autograd.record("abs", map(x, Elementwise::abs, Elementwise::abs), g -> new Tensor[] {g.mul(sign(x))}, x);
    }

    /** -1, 0 or 1 (NaN stays NaN), not recorded. */
    static Tensor sign(Tensor x) {
        Tensor c = x.contiguous();
        Tensor out = Tensor.empty(c.dtype, c.shape.clone());
        for (int i = 0; i < out.numel(); i++) {
            if (c.f != null) {
                out.f[i] = Math.signum(c.f[c.offset + i]);
            } else {
                out.d[i] = Math.signum(c.d[c.offset + i]);
            }
        }
        return out;
    }

    static Tensor pow(Tensor x, double e) {
        Tensor c = x.contiguous();
        Tensor y = Tensor.empty(c.dtype, c.shape.clone());
        for (int i = 0; i < y.numel(); i++) {
            if (c.f != null) {
                y.f[i] = (float) Math.pow(c.f[c.offset + i], e);
            } else {
                y.d[i] = Math.pow(c.d[c.offset + i], e);
            }
        }
        // d x^e = g * e * x^(e-1)
        return Autograd.record("pow", y, g -> new Tensor[] {e == 0 ? g.mul(0) : g.mul(x.pow(e - 1)).mul(e)}, x);
    }

    static Tensor relu(Tensor x) {
        // d relu(x) = g where x > 0 (relu'(0) = 0)
        return Autograd.record("relu", map(x, Elementwise::relu, Elementwise::relu),
                g -> new Tensor[] {backwardZip(x, g, Elementwise::reluBackward, Elementwise::reluBackward)}, x);
    }

    static Tensor leakyRelu(Tensor x, double slope) {
        Tensor y = map(x, (s, so, o, oo, n) -> Elementwise.leakyRelu(s, so, (float) slope, o, oo, n),
                (s, so, o, oo, n) -> Elementwise.leakyRelu(s, so, slope, o, oo, n));
        // d leakyRelu(x) = g where x > 0, slope * g elsewhere
        return Autograd.record("leakyRelu", y, g -> new Tensor[] {backwardZip(x, g,
                (a, ao, b, bo, o, oo, n) -> Elementwise.leakyReluBackward(a, ao, (float) slope, b, bo, o, oo, n),
                (a, ao, b, bo, o, oo, n) -> Elementwise.leakyReluBackward(a, ao, slope, b, bo, o, oo, n))}, x);
    }

    static Tensor sigmoid(Tensor x) {
        Tensor y = map(x, Elementwise::sigmoid, Elementwise::sigmoid);
        // d sigmoid(x) = g * y * (1 - y), from the output
        return Autograd.record("sigmoid", y,
                g -> new Tensor[] {backwardZip(y, g, Elementwise::sigmoidBackward, Elementwise::sigmoidBackward)}, x);
    }

    static Tensor tanh(Tensor x) {
        Tensor y = map(x, Elementwise::tanh, Elementwise::tanh);
        // d tanh(x) = g * (1 - y^2), from the output
        return Autograd.record("tanh", y,
                g -> new Tensor[] {backwardZip(y, g, Elementwise::tanhBackward, Elementwise::tanhBackward)}, x);
    }

    static Tensor gelu(Tensor x, boolean tanhForm) {
        Tensor y = tanhForm ? map(x, Elementwise::geluTanh, Elementwise::geluTanh) : map(x, Elementwise::gelu, Elementwise::gelu);
        // d gelu(x) = g * (Phi(x) + x phi(x)), or the tanh form's derivative
        return Autograd.record(tanhForm ? "gelu(tanh)" : "gelu", y, g -> new Tensor[] {tanhForm
                ? backwardZip(x, g, Elementwise::geluTanhBackward, Elementwise::geluTanhBackward)
                : backwardZip(x, g, Elementwise::geluBackward, Elementwise::geluBackward)}, x);
    }

    static Tensor clamp(Tensor x, double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lo " + lo + " must be <= hi " + hi);
        }
        Tensor y = map(x, (s, so, o, oo, n) -> Elementwise.clamp(s, so, (float) lo, (float) hi, o, oo, n),
                (s, so, o, oo, n) -> Elementwise.clamp(s, so, lo, hi, o, oo, n));
        // d clamp(x) = g where lo <= x <= hi, else 0 (PyTorch passes the gradient at the bounds)
        return Autograd.record("clamp", y, g -> {
            Tensor c = x.contiguous();
            Tensor mask = Tensor.empty(c.dtype, c.shape.clone());
            for (int i = 0; i < mask.numel(); i++) {
                double v = c.f != null ? c.f[c.offset + i] : c.d[c.offset + i];
                double m = v >= lo && v <= hi ? 1 : 0;
                if (mask.f != null) {
                    mask.f[i] = (float) m;
                } else {
                    mask.d[i] = m;
                }
            }
            return new Tensor[] {g.mul(mask)};
        }, x);
    }

    static Tensor dropout(Tensor x, double p, boolean training, Random rng) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
        }
        if (!training || p == 0) {
            return x;
        }
        Tensor mask = Tensor.empty(x.dtype, x.shape.clone());
        double scale = 1 / (1 - p);
        for (int i = 0; i < mask.numel(); i++) {
            double m = rng.nextDouble() < p ? 0 : scale;
            if (mask.f != null) {
                mask.f[i] = (float) m;
            } else {
                mask.d[i] = m;
            }
        }
        Tensor y;
        try (var noGrad = Grad.disabled()) {
            y = x.mul(mask);
        }
        // d dropout(x) = g * mask / (1 - p)
        return Autograd.record("dropout", y, g -> new Tensor[] {g.mul(mask)}, x);
    }

    static Tensor convert(Tensor x, DType target) {
        if (x.dtype == target) {
            return x;
        }
        Tensor c = x.contiguous();
        Tensor y = Tensor.empty(target, c.shape.clone());
        for (int i = 0; i < y.numel(); i++) {
            if (y.f != null) {
                y.f[i] = (float) c.d[c.offset + i];
            } else {
                y.d[i] = c.f[c.offset + i];
            }
        }
        DType from = x.dtype;
        // d to(x) = g converted back
        return Autograd.record("to(" + target.torchName() + ")", y, g -> new Tensor[] {g.to(from)}, x);
    }

    /** A derivative map f'(s, g) elementwise on same-shape s (input or saved output) and g. */
    private static Tensor backwardZip(Tensor s, Tensor g, FloatZip fz, DoubleZip dz) {
        return zip(s, g, fz, dz);
    }
}
