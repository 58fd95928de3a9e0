package dev.vecgrad.kernels;

/** A GEMM implementation behind {@link Gemm}: arguments are validated, {@code m, n, k > 0} and {@code alpha != 0}. */
interface GemmImpl {

    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
               double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
               double beta, double[] c, int cOff, int ldc);
}
