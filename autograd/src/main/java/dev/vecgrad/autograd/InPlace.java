package dev.vecgrad.autograd;

/**
 * In-place updates of whole contiguous tensors on the vector kernels, outside autograd: what
 * optimizers and initializers do to parameters and their state (PyTorch writes these as
 * {@code p.add_(d, alpha=-lr)} under {@code no_grad}). Each bumps the written tensor's
 * {@link Tensor#version()}. Operands must be contiguous, of one dtype and of one shape (the
 * number of elements is taken from the written tensor).
 *
 * <p>Not thread-safe for a tensor that another thread reads or writes.
 */
public final class InPlace {

    private InPlace() {}

    private static Tensor written(String op, Tensor y, Tensor... operands) {
        check(op, y);
        for (Tensor t : operands) {
            check(op, t);
            Pointwise.checkDtypes(op, y, t);
            if (t.numel() != y.numel()) {
                throw new IllegalArgumentException(op + ": operand " + Shapes.str(t.shape) + " and target " + Shapes.str(y.shape)
                        + " differ in size");
            }
        }
        y.storage.version++;
        return y;
    }

    private static void check(String op, Tensor t) {
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(op + ": the tensor " + Shapes.str(t.shape) + " is a non-contiguous view");
        }
    }

    /** y += alpha x. */
    public static void axpy(double alpha, Tensor x, Tensor y) {
        written("axpy", y, x);
        x.storage.axpy(alpha, x.offset, y.storage, y.offset, y.numel());
    }

    /** y *= alpha. */
    public static void scale(double alpha, Tensor y) {
        written("scale", y);
        y.storage.map(Storage.Unary.SCALE, alpha, 0, y.offset, y.storage, y.offset, y.numel());
    }

    /** y += a * b. */
    public static void mulAdd(Tensor a, Tensor b, Tensor y) {
        written("mulAdd", y, a, b);
        a.storage.mulAdd(a.offset, b.storage, b.offset, y.storage, y.offset, y.numel());
    }

    /** out = a * b. */
    public static void mul(Tensor a, Tensor b, Tensor out) {
        zip(Storage.Binary.MUL, "mul", a, b, out);
    }

    /** out = a / b. */
    public static void div(Tensor a, Tensor b, Tensor out) {
        zip(Storage.Binary.DIV, "div", a, b, out);
    }

    /** out = max(a, b) elementwise. */
    public static void maximum(Tensor a, Tensor b, Tensor out) {
        zip(Storage.Binary.MAXIMUM, "maximum", a, b, out);
    }

    private static void zip(Storage.Binary op, String name, Tensor a, Tensor b, Tensor out) {
        written(name, out, a, b);
        a.storage.zip(op, 0, a.offset, b.storage, b.offset, out.storage, out.offset, out.numel());
    }

    /** out = x + s. */
    public static void addScalar(Tensor x, double s, Tensor out) {
        written("addScalar", out, x);
        x.storage.map(Storage.Unary.ADD_SCALAR, s, 0, x.offset, out.storage, out.offset, out.numel());
    }

    /** out = sqrt(x). */
    public static void sqrt(Tensor x, Tensor out) {
        written("sqrt", out, x);
        x.storage.map(Storage.Unary.SQRT, 0, 0, x.offset, out.storage, out.offset, out.numel());
    }

    /**
     * One fused Adam/AdamW update of p, m and v from the gradient g (see the kernel
     * {@code Elementwise.adamStep}): p scaled by pScale (decoupled decay), g + weightDecay p,
     * the moments, and p -= stepSize m / (sqrt(v) invSqrtBc2 + eps).
     */
    public static void adamStep(Tensor p, Tensor g, Tensor m, Tensor v, double stepSize, double beta1, double beta2,
            double invSqrtBc2, double eps, double weightDecay, double pScale) {
        written("adamStep", p, g, m, v);
        m.storage.version++;
        v.storage.version++;
        p.storage.adamStep(p.offset, g.storage, g.offset, m.storage, m.offset, v.storage, v.offset, stepSize, beta1, beta2,
                invSqrtBc2, eps, weightDecay, pScale, p.numel());
    }

    /** The sum of squares of the elements, accumulated in double (a squared L2 norm). */
    public static double sumOfSquares(Tensor x) {
        Tensor c = x.contiguous();
        return c.storage.sumOfSquares(c.offset, c.numel());
    }
}
