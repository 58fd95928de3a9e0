package dev.vecgrad.kernels;

/**
 * General matrix multiply with BLAS semantics on row-major arrays:
 * {@code C = alpha * op(A) * op(B) + beta * C}, where {@code op(X)} is X or its transpose.
 *
 * <p>Shapes: {@code op(A)} is m x k, {@code op(B)} is k x n, C is m x n. Storage is row-major
 * with a leading dimension (the distance between rows) and an offset: element (i, j) of C
 * is {@code c[cOff + i * ldc + j]}; A is stored m x k ({@code lda >= k}) or, when
 * {@code transA}, k x m ({@code lda >= m}); B is stored k x n ({@code ldb >= n}) or, when
 * {@code transB}, n x k ({@code ldb >= k}). Any sizes, including 0.
 *
 * <p>When {@code beta == 0}, C is not read: NaN or infinities in C do not reach the result.
 * When {@code k == 0} or {@code alpha == 0}, C becomes {@code beta * C} and A and B are not
 * read.
 *
 * <p>Results are bitwise identical for any thread count ({@link Parallelism}): threads split
 * M and N, never K. The vector and scalar implementations ({@link Backend}) agree within
 * rounding, not bitwise.
 *
 * <p>Thread safety: calls may run concurrently as long as they do not write the same C.
 */
public final class Gemm {

    private Gemm() {}

    /** The float GEMM's block sizes in use, {kc, mc, nc} (see {@code TunedBlocks} for where they come from). */
    public static int[] floatBlocks() {
        GemmBlocking b = GemmBlocking.FLOAT;
        return new int[] {b.kc(), b.mc(), b.nc()};
    }

    /**
     * Single-precision GEMM.
     *
     * @throws IllegalArgumentException if a size, offset or leading dimension is negative or too
     *         small, or an array is null or too short for the matrix it holds; the message names
     *         the argument and the values
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        sgemm(Backend.gemm(), transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * Double-precision GEMM.
     *
     * @throws IllegalArgumentException as {@link #sgemm}
     */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double beta, double[] c, int cOff, int ldc) {
        dgemm(Backend.gemm(), transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** Compact row-major {@code C = A * B} for m x k A and k x n B, a convenience over {@link #sgemm}. */
    public static void sgemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        sgemm(false, false, m, n, k, 1f, a, 0, Math.max(1, k), b, 0, Math.max(1, n), 0f, c, 0, Math.max(1, n));
    }

    /** Compact row-major {@code C = A * B} for m x k A and k x n B, a convenience over {@link #dgemm}. */
    public static void dgemm(int m, int n, int k, double[] a, double[] b, double[] c) {
        dgemm(false, false, m, n, k, 1, a, 0, Math.max(1, k), b, 0, Math.max(1, n), 0, c, 0, Math.max(1, n));
    }

    /** Validates, handles the cases that read neither A nor B, and hands the rest to {@code impl}. */
    static void sgemm(GemmImpl impl, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        checkArguments("sgemm", transA, transB, m, n, k, a == null ? -1 : a.length, aOff, lda,
                b == null ? -1 : b.length, bOff, ldb, c == null ? -1 : c.length, cOff, ldc, alpha != 0);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        impl.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** As {@link #sgemm(GemmImpl, boolean, boolean, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int)}. */
    static void dgemm(GemmImpl impl, boolean transA, boolean transB, int m, int n, int k, double alpha,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double beta, double[] c, int cOff, int ldc) {
        checkArguments("dgemm", transA, transB, m, n, k, a == null ? -1 : a.length, aOff, lda,
                b == null ? -1 : b.length, bOff, ldb, c == null ? -1 : c.length, cOff, ldc, alpha != 0);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        impl.dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** C = beta C over m x n (0 when beta is 0, whatever C held): for k = 0 or alpha = 0, and the driver's alpha and beta passes. */
    static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = row; j < row + n; j++) {
                c[j] = beta == 0f ? 0f : beta * c[j];
            }
        }
    }

    /** As the float {@link #scale}. */
    static void scale(int m, int n, double beta, double[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = row; j < row + n; j++) {
                c[j] = beta == 0 ? 0 : beta * c[j];
            }
        }
    }

    /** Array lengths are -1 for null arrays. A and B are only checked when they will be read. */
    static void checkArguments(String op, boolean transA, boolean transB, int m, int n, int k,
                               int aLength, int aOff, int lda, int bLength, int bOff, int ldb,
                               int cLength, int cOff, int ldc, boolean alphaNonZero) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(op + ": sizes must be >= 0, got m=" + m + ", n=" + n + ", k=" + k);
        }
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        checkMatrix(op, "a", transA ? "transA, so A is stored k x m" : "A is stored m x k",
                aRows, aCols, aLength, aOff, lda, m > 0 && n > 0 && k > 0 && alphaNonZero);
        checkMatrix(op, "b", transB ? "transB, so B is stored n x k" : "B is stored k x n",
                bRows, bCols, bLength, bOff, ldb, m > 0 && n > 0 && k > 0 && alphaNonZero);
        checkMatrix(op, "c", "C is m x n", m, n, cLength, cOff, ldc, m > 0 && n > 0);
    }

    private static void checkMatrix(String op, String name, String layout, int rows, int cols,
                                    int length, int off, int ld, boolean read) {
        String ldName = "ld" + name;
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(op + ": " + ldName + "=" + ld + " must be >= max(1, " + cols
                    + ") (" + layout + " = " + rows + " x " + cols + ")");
        }
        if (off < 0) {
            throw new IllegalArgumentException(op + ": " + name + "Off=" + off + " must be >= 0");
        }
        if (!read) {
            return;
        }
        if (length < 0) {
            throw new IllegalArgumentException(op + ": array " + name + " is null");
        }
        long needed = (long) off + (long) (rows - 1) * ld + cols;
        if (needed > length) {
            throw new IllegalArgumentException(op + ": array " + name + " is too short: " + layout + " = "
                    + rows + " x " + cols + " with " + ldName + "=" + ld + " and " + name + "Off=" + off
                    + " needs " + needed + " elements, got " + length);
        }
    }
}
