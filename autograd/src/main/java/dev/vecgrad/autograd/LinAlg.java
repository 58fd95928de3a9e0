package dev.vecgrad.autograd;

import dev.vecgrad.kernels.Gemm;

/**
 * Matrix products on {@link Gemm}. A transposed view (from {@link Tensor#t()} or
 * {@link Tensor#transpose}) is handed to GEMM as a transpose flag with its leading dimension,
 * never copied; so are the transposes in the derivatives, dA = dC B^T and dB = A^T dC.
 */
final class LinAlg {

    private LinAlg() {}

    /** How GEMM reads a 2-D matrix: storage row-major or transposed, with its leading dimension. */
    private record Operand(Tensor base, boolean trans, int ld, int offset) {}

    /** The last two dimensions of x (at batch offset `offset`) as a GEMM operand, or null if they need a copy. */
    private static Operand operand(Tensor x, int rowDim, int offset) {
        int rows = x.shape[rowDim];
        int cols = x.shape[rowDim + 1];
        int rs = x.strides[rowDim];
        int cs = x.strides[rowDim + 1];
        if ((cs == 1 || cols == 1) && rs >= Math.max(1, cols)) {
            return new Operand(x, false, rs, offset);
        }
        if ((rs == 1 || rows == 1) && cs >= Math.max(1, rows)) {
            return new Operand(x, true, cs, offset);
        }
        return null;
    }

    static Tensor matmul(Tensor a, Tensor b) {
        Pointwise.checkDtypes("matmul", a, b);
        int ra = a.shape.length;
        int rb = b.shape.length;
        if (ra < 2 || ra > 3 || rb < 2 || rb > 3 || (ra == 2 && rb == 3)) {
            throw new IllegalArgumentException("matmul: supports 2-D x 2-D, 3-D x 3-D and 3-D x 2-D, got "
                    + Shapes.str(a.shape) + " x " + Shapes.str(b.shape));
        }
        int m = a.shape[ra - 2];
        int k = a.shape[ra - 1];
        int k2 = b.shape[rb - 2];
        int n = b.shape[rb - 1];
        if (k != k2) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape)
                    + " do not align (" + k + " != " + k2 + ")");
        }
        int batch = ra == 3 ? a.shape[0] : 1;
        if (rb == 3 && b.shape[0] != batch) {
            throw new IllegalArgumentException("matmul: batch sizes differ: " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape));
        }
        Tensor out = Tensor.empty(a.dtype, ra == 3 ? new int[] {batch, m, n} : new int[] {m, n});
        Tensor aa = operand(a, ra - 2, 0) != null ? a : a.contiguous();
        Tensor bb = operand(b, rb - 2, 0) != null ? b : b.contiguous();
        for (int t = 0; t < batch; t++) {
            Operand oa = operand(aa, ra - 2, aa.offset + (ra == 3 ? t * aa.strides[0] : 0));
            Operand ob = operand(bb, rb - 2, bb.offset + (rb == 3 ? t * bb.strides[0] : 0));
            gemm(oa, ob, m, n, k, out, t * m * n);
        }
        // d(A B) = (dC B^T, A^T dC); for a shared 2-D B under a 3-D A, A^T dC sums over the batch
        return Autograd.record("matmul", out, g -> new Tensor[] {
            a.requiresGrad() ? gradLeft(b, g, storedTransposed(a, ra)) : null,
            b.requiresGrad() ? gradRight(a, g, ra, rb, storedTransposed(b, rb)) : null}, a, b);
    }

    /** True when x's last two dimensions are a transposed view (x = w.t() of a contiguous w, as in a Linear layer). */
    private static boolean storedTransposed(Tensor x, int rank) {
        Operand o = operand(x, rank - 2, 0);
        return o != null && o.trans && x.shape[rank - 2] > 1 && x.shape[rank - 1] > 1;
    }

    /**
     * dA = dC B^T. When A is itself a transposed view, the gradient is produced in the layout
     * of A's storage, (B dC^T)^T, so that the transpose's own backward gets a contiguous
     * tensor back and nothing is copied.
     */
    private static Tensor gradLeft(Tensor b, Tensor g, boolean aTransposed) {
        int rb = b.shape.length;
        int rg = g.shape.length;
        if (aTransposed) {
            return b.matmul(g.transpose(rg - 2, rg - 1)).transpose(-2 + rg, -1 + rg);
        }
        return g.matmul(b.transpose(rb - 2, rb - 1));
    }

    /** dB = A^T dC, in the layout of B's storage when B is a transposed view: (dC^T A)^T. */
    private static Tensor gradRight(Tensor a, Tensor g, int ra, int rb, boolean bTransposed) {
        if (ra == 3 && rb == 2) {
            int k = a.shape[2];
            int n = g.shape[2];
            Tensor a2 = a.reshape(-1, k);
            Tensor g2 = g.reshape(-1, n);
            return bTransposed ? g2.t().matmul(a2).t() : a2.t().matmul(g2);
        }
        if (bTransposed) {
            return g.transpose(ra - 2, ra - 1).matmul(a).transpose(ra - 2, ra - 1);
        }
        return a.transpose(ra - 2, ra - 1).matmul(g);
    }

    private static void gemm(Operand a, Operand b, int m, int n, int k, Tensor out, int outOff) {
        if (out.f != null) {
            Gemm.sgemm(a.trans, b.trans, m, n, k, 1f, a.base.f, a.offset, a.ld, b.base.f, b.offset, b.ld, 0f, out.f, outOff,
                    Math.max(1, n));
        } else {
            Gemm.dgemm(a.trans, b.trans, m, n, k, 1, a.base.d, a.offset, a.ld, b.base.d, b.offset, b.ld, 0, out.d, outOff,
                    Math.max(1, n));
        }
    }
}
