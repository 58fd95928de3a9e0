package dev.vecgrad.autograd;

/**
 * Matrix products on the GEMM kernels, with {@code torch.matmul}'s semantics: 1-D operands
 * are promoted to a row (left) or a column (right) and the added dimension is removed again;
 * leading (batch) dimensions broadcast, as expand views, so a shared right operand is never
 * copied. A transposed view (from {@link Tensor#t()} or {@link Tensor#transpose}) reaches GEMM
 * as a transpose flag with its leading dimension, never copied; so do the transposes in the
 * derivatives, dA = dC B^T and dB = A^T dC.
 */
final class LinAlg {

    private LinAlg() {}

    /** How GEMM reads a matrix: storage row-major or transposed, with its leading dimension. */
    private record Operand(Storage storage, boolean trans, int ld) {}

    /** The last two dimensions of x as a GEMM operand, or null if they need a copy. */
    private static Operand operand(Tensor x) {
        int r = x.shape.length;
        int rows = x.shape[r - 2];
        int cols = x.shape[r - 1];
        int rs = x.strides[r - 2];
        int cs = x.strides[r - 1];
        if ((cs == 1 || cols == 1) && rs >= Math.max(1, cols)) {
            return new Operand(x.storage, false, rs);
        }
        if ((rs == 1 || rows == 1) && cs >= Math.max(1, rows)) {
            return new Operand(x.storage, true, cs);
        }
        return null;
    }

    static Tensor matmul(Tensor a, Tensor b) {
        Pointwise.checkDtypes("matmul", a, b);
        int ra = a.shape.length;
        int rb = b.shape.length;
        if (ra == 0 || rb == 0) {
            throw new IllegalArgumentException("matmul: both operands need at least 1 dimension, got " + Shapes.str(a.shape)
                    + " x " + Shapes.str(b.shape) + " (use mul for a scalar)");
        }
        int ka = a.shape[ra - 1];
        int kb = b.shape[rb == 1 ? 0 : rb - 2];
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape)
                    + " do not align (" + ka + " != " + kb + ")");
        }
        if (ra == 1 || rb == 1) {
            Tensor a2 = ra == 1 ? a.unsqueeze(0) : a;
            Tensor b2 = rb == 1 ? b.unsqueeze(-1) : b;
            Tensor c = matmul(a2, b2);
            int[] dims = ra == 1 && rb == 1 ? new int[] {-2, -1} : ra == 1 ? new int[] {-2} : new int[] {-1};
            return c.squeeze(dims);
        }
        int m = a.shape[ra - 2];
        int k = ka;
        int n = b.shape[rb - 1];
        if (ra > 2 && rb == 2 && mergeable(a)) {
            // a shared right operand: one GEMM over all the rows of a
            int[] shape = a.shape.clone();
            shape[ra - 1] = n;
            return matmul(a.reshape(Shapes.numel(java.util.Arrays.copyOf(a.shape, ra - 1)), k), b).reshape(shape);
        }
        if (ra == 2 && rb == 2) {
            return matmul2d(a, b, m, n, k);
        }
        int[] batchA = java.util.Arrays.copyOf(a.shape, ra - 2);
        int[] batchB = java.util.Arrays.copyOf(b.shape, rb - 2);
        int[] batch = Shapes.broadcast(batchA, batchB, "matmul (batch dimensions)");
        Tensor ea = a.expand(concat(batch, m, k));
        Tensor eb = b.expand(concat(batch, k, n));
        return batched(ea, eb, batch, m, n, k);
    }

    /** True when the leading dimensions of a can merge into its rows without a copy. */
    private static boolean mergeable(Tensor a) {
        int r = a.shape.length;
        if (a.strides[r - 1] != 1 && a.shape[r - 1] != 1) {
            return false;
        }
        for (int d = 0; d < r - 1; d++) {
            if (a.shape[d] != 1 && a.strides[d] != a.strides[d + 1] * a.shape[d + 1]) {
                return false;
            }
        }
        return true;
    }

    private static int[] concat(int[] batch, int rows, int cols) {
        int[] s = java.util.Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = rows;
        s[batch.length + 1] = cols;
        return s;
    }

    private static Tensor matmul2d(Tensor a, Tensor b, int m, int n, int k) {
        Tensor out = Tensor.emptyLike(a, m, n);
        Tensor aa = operand(a) != null ? a : a.contiguous();
        Tensor bb = operand(b) != null ? b : b.contiguous();
        gemm(aa, aa.offset, bb, bb.offset, m, n, k, out, 0);
        // d(A B) = (dC B^T, A^T dC)
        return Autograd.record("matmul", out, new Tensor[] {a, b}, (ctx, g) -> new Tensor[] {
            ctx.needsInputGrad(0) ? gradLeft(ctx.saved(1), g, storedTransposed(ctx.saved(0))) : null,
            ctx.needsInputGrad(1) ? gradRight(ctx.saved(0), g, storedTransposed(ctx.saved(1))) : null}, a, b);
    }

    /** C[t] = A[t] B[t] over the batch positions t; a and b may be expand views (batch stride 0). */
    private static Tensor batched(Tensor a, Tensor b, int[] batch, int m, int n, int k) {
        Tensor out = Tensor.emptyLike(a, concat(batch, m, n));
        Tensor aa = operand(a) != null ? a : a.contiguous();
        Tensor bb = operand(b) != null ? b : b.contiguous();
        int count = Shapes.numel(batch);
        for (int t = 0; t < count; t++) {
            gemm(aa, batchOffset(aa, t, batch), bb, batchOffset(bb, t, batch), m, n, k, out, t * m * n);
        }
        // d(A B) = (dC B^T, A^T dC) per batch position; expand's backward sums broadcast positions
        return Autograd.record("matmul", out, new Tensor[] {a, b}, (ctx, g) -> new Tensor[] {
            ctx.needsInputGrad(0) ? gradLeft(ctx.saved(1), g, false) : null,
            ctx.needsInputGrad(1) ? gradRight(ctx.saved(0), g, false) : null}, a, b);
    }

    private static int batchOffset(Tensor x, int t, int[] batch) {
        int pos = x.offset;
        for (int d = batch.length - 1; d >= 0; d--) {
            pos += (t % batch[d]) * x.strides[d];
            t /= batch[d];
        }
        return pos;
    }

    /** True when x's last two dimensions are a transposed view (x = w.t() of a contiguous w, as in a Linear layer). */
    private static boolean storedTransposed(Tensor x) {
        Operand o = operand(x);
        int r = x.shape.length;
        return o != null && o.trans && x.shape[r - 2] > 1 && x.shape[r - 1] > 1;
    }

    /**
     * dA = dC B^T. When A is itself a transposed view, the gradient is produced in the layout
     * of A's storage, (B dC^T)^T, so that the transpose's own backward gets a contiguous
     * tensor back and nothing is copied.
     */
    private static Tensor gradLeft(Tensor b, Tensor g, boolean aTransposed) {
        if (aTransposed) {
            return b.matmul(g.transpose(-2, -1)).transpose(-2, -1);
        }
        return g.matmul(b.transpose(-2, -1));
    }

    /** dB = A^T dC, in the layout of B's storage when B is a transposed view: (dC^T A)^T. */
    private static Tensor gradRight(Tensor a, Tensor g, boolean bTransposed) {
        if (bTransposed) {
            return g.transpose(-2, -1).matmul(a).transpose(-2, -1);
        }
        return a.transpose(-2, -1).matmul(g);
    }

    private static void gemm(Tensor a, int aOff, Tensor b, int bOff, int m, int n, int k, Tensor out, int outOff) {
        Operand oa = operand(a);
        Operand ob = operand(b);
        oa.storage.gemm(oa.trans, ob.trans, m, n, k, aOff, oa.ld, ob.storage, bOff, ob.ld, out.storage, outOff, Math.max(1, n));
    }
}
