package dev.vecgrad.kernels;

/**
 * The scalar reference kernels, callable directly: the definitions in plain Java that the
 * Vector API kernels are tested against, and that run in their place when the Vector API is
 * unavailable ({@link Backend}). Same arguments, validation and exceptions as the fast entry
 * points; slow, and meant for tests and checks.
 */
public final class Reference {

    private Reference() {}

    /** Reference {@link Gemm#sgemm(boolean, boolean, int, int, int, float, float[], int, int, float[], int, int, float, float[], int, int)}; accumulates in double. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        Gemm.sgemm(ScalarGemm.INSTANCE, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** Reference {@link Gemm#dgemm(boolean, boolean, int, int, int, double, double[], int, int, double[], int, int, double, double[], int, int)}. */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double beta, double[] c, int cOff, int ldc) {
        Gemm.dgemm(ScalarGemm.INSTANCE, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
