package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;

/**
 * One GEMM problem with padded leading dimensions and offsets, run through the fast and the
 * reference implementation. The tolerance is the forward error bound of a k-term dot product:
 * |fast - ref| <= (k + 2) * eps * (|alpha| sum_p |A(i,p)| |B(p,j)| + |beta| |C(i,j)|).
 */
public record GemmCase(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {

    public static GemmCase random(Random rnd, boolean transA, boolean transB, int m, int n, int k, float alpha, float beta) {
        int lda = Math.max(1, transA ? m : k) + rnd.nextInt(3);
        int ldb = Math.max(1, transB ? k : n) + rnd.nextInt(3);
        int ldc = Math.max(1, n) + rnd.nextInt(3);
        int aOff = rnd.nextInt(4);
        int bOff = rnd.nextInt(4);
        int cOff = rnd.nextInt(4);
        float[] a = GemmTest.randomFloats(rnd, aOff + (transA ? k : m) * lda);
        float[] b = GemmTest.randomFloats(rnd, bOff + (transB ? n : k) * ldb);
        float[] c = GemmTest.randomFloats(rnd, cOff + m * ldc);
        return new GemmCase(transA, transB, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    public float[] runSgemm() {
        float[] out = c.clone();
        Gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
        return out;
    }

    public double[] runDgemm() {
        double[] out = GemmTest.toDouble(c);
        Gemm.dgemm(transA, transB, m, n, k, alpha, GemmTest.toDouble(a), aOff, lda, GemmTest.toDouble(b), bOff, ldb,
                beta, out, cOff, ldc);
        return out;
    }

    public void assertSgemmMatchesReference() {
        float[] fast = runSgemm();
        float[] ref = c.clone();
        Reference.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, ref, cOff, ldc);
        compare(toDoubles(fast), toDoubles(ref), Math.ulp(1f) / 2, "sgemm");
    }

    public void assertDgemmMatchesReference() {
        double[] fast = runDgemm();
        double[] ref = GemmTest.toDouble(c);
        Reference.dgemm(transA, transB, m, n, k, alpha, GemmTest.toDouble(a), aOff, lda, GemmTest.toDouble(b), bOff, ldb,
                beta, ref, cOff, ldc);
        compare(fast, ref, Math.ulp(1.0) / 2, "dgemm");
    }

    private void compare(double[] fast, double[] ref, double unitRoundoff, String op) {
        for (int idx = 0; idx < fast.length; idx++) {
            int rel = idx - cOff;
            int i = rel / ldc;
            int j = rel % ldc;
            boolean inside = rel >= 0 && i < m && j < n;
            if (!inside) {
                if (Double.doubleToLongBits(fast[idx]) != Double.doubleToLongBits(c[idx])) {
                    fail(op + " wrote outside C at index " + idx + " for " + this);
                }
                continue;
            }
            double bound = Math.abs(beta) * Math.abs(c[idx]);
            for (int p = 0; p < k; p++) {
                bound += Math.abs(alpha) * Math.abs(elementA(i, p)) * Math.abs(elementB(p, j));
            }
            double tol = (k + 2) * unitRoundoff * bound + Double.MIN_NORMAL;
            if (Math.abs(fast[idx] - ref[idx]) > tol) {
                fail(op + " C(" + i + "," + j + ") = " + fast[idx] + ", reference " + ref[idx] + ", error "
                        + Math.abs(fast[idx] - ref[idx]) + " > tolerance " + tol + " for " + this);
            }
        }
    }

    private float elementA(int i, int p) {
        return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    private float elementB(int p, int j) {
        return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }

    private static double[] toDoubles(float[] x) {
        return GemmTest.toDouble(x);
    }

    @Override
    public String toString() {
        return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha
                + " beta=" + beta + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " offsets " + aOff + "/" + bOff + "/" + cOff;
    }
}
