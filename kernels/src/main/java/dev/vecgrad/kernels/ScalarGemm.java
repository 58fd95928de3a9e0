package dev.vecgrad.kernels;

/**
 * The reference GEMM: the definition, one dot product per element of C, in plain Java. It
 * is the test oracle for the vector kernels and the fallback when the Vector API is missing.
 * sgemm accumulates the float products in double, so as an oracle it is more accurate than
 * any float summation order it is compared with.
 */
final class ScalarGemm implements GemmImpl {

    static final ScalarGemm INSTANCE = new ScalarGemm();

    private ScalarGemm() {}

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        int aRow = transA ? 1 : lda;
        int aCol = transA ? lda : 1;
        int bRow = transB ? 1 : ldb;
        int bCol = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0, ai = aOff + i * aRow, bi = bOff + j * bCol; p < k; p++, ai += aCol, bi += bRow) {
                    sum += (double) a[ai] * b[bi];
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? (float) (alpha * sum) : (float) (alpha * sum + (double) beta * c[ci]);
            }
        }
    }

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double beta, double[] c, int cOff, int ldc) {
        int aRow = transA ? 1 : lda;
        int aCol = transA ? lda : 1;
        int bRow = transB ? 1 : ldb;
        int bCol = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0, ai = aOff + i * aRow, bi = bOff + j * bCol; p < k; p++, ai += aCol, bi += bRow) {
                    sum = Math.fma(a[ai], b[bi], sum);
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0 ? alpha * sum : Math.fma(alpha, sum, beta * c[ci]);
            }
        }
    }
}
