package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReductionsTest {

    @AfterEach
    void restoreThreads() {
        Parallelism.setThreads(Runtime.getRuntime().availableProcessors());
    }

    static float[] uniform(Random rnd, int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return x;
    }

    @Test
    void sumDotAndNormAgreeWithDoubleAccumulationWithinTheRoundingBound() {
        Random rnd = new Random(1);
        for (int n : new int[] {0, 1, 7, 16, 33, 1000, 5 * Elementwise.CHUNK + 7}) {
            float[] a = uniform(rnd, n + 2, 3f);
            float[] b = uniform(rnd, n + 2, 3f);
            double exactSum = 0;
            double exactDot = 0;
            double exactSq = 0;
            double absSum = 0;
            double absDot = 0;
            for (int i = 2; i < n + 2; i++) {
                exactSum += a[i];
                exactDot += (double) a[i] * b[i];
                exactSq += (double) a[i] * a[i];
                absSum += Math.abs(a[i]);
                absDot += Math.abs((double) a[i] * b[i]);
            }
            // float lanes within a chunk: error below (chunk length) * eps * sum|x|
            double tol = Math.min(n, Elementwise.CHUNK) * Math.ulp(1f);
            assertEquals(exactSum, Reductions.sum(a, 2, n), tol * absSum + 1e-6, "sum n=" + n);
            assertEquals(exactDot, Reductions.dot(a, 2, b, 2, n), tol * absDot + 1e-6, "dot n=" + n);
            assertEquals(exactSq, Reductions.sumOfSquares(a, 2, n), tol * exactSq + 1e-6, "sumOfSquares n=" + n);
            double[] ad = ElementwiseTest.toDouble(a);
            assertEquals(exactSum, Reductions.sum(ad, 2, n), n * Math.ulp(1.0) * absSum + 1e-12, "sum(double) n=" + n);
        }
    }

    @Test
    void reductionsAreBitwiseIdenticalForOneTwoAndThreeThreads() {
        int n = 9 * Elementwise.CHUNK + 11;
        float[] x = uniform(new Random(2), n, 1f);
        float[] y = uniform(new Random(3), n, 1f);
        float[] results = new float[3];
        double[] norms = new double[3];
        float[] dots = new float[3];
        for (int t = 1; t <= 3; t++) {
            Parallelism.setThreads(t);
            results[t - 1] = Reductions.sum(x, 0, n);
            norms[t - 1] = Reductions.sumOfSquares(x, 0, n);
            dots[t - 1] = Reductions.dot(x, 0, y, 0, n);
        }
        for (int t = 1; t < 3; t++) {
            assertEquals(Float.floatToIntBits(results[0]), Float.floatToIntBits(results[t]), "sum with " + (t + 1) + " threads");
            assertEquals(Double.doubleToLongBits(norms[0]), Double.doubleToLongBits(norms[t]), "norm with " + (t + 1) + " threads");
            assertEquals(Float.floatToIntBits(dots[0]), Float.floatToIntBits(dots[t]), "dot with " + (t + 1) + " threads");
        }
    }

    @Test
    void maxAndArgmaxFollowPyTorchOnTiesNanAndInfinities() {
        float[] x = {1, 5, -2, 5, 3};
        assertEquals(5f, Reductions.max(x, 0, 5));
        assertEquals(1, Reductions.argmax(x, 0, 5), "the first of tied maxima");
        float[] withNan = {1, Float.NaN, 7, Float.NaN};
        assertTrue(Float.isNaN(Reductions.max(withNan, 0, 4)));
        assertEquals(1, Reductions.argmax(withNan, 0, 4), "NaN counts as the largest");
        float[] negInf = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        assertEquals(Float.NEGATIVE_INFINITY, Reductions.max(negInf, 0, 2));
        assertEquals(0, Reductions.argmax(negInf, 0, 2));
        float[] big = uniform(new Random(4), 3 * Elementwise.CHUNK + 5, 1f);
        big[2 * Elementwise.CHUNK + 3] = 9f;
        assertEquals(2 * Elementwise.CHUNK + 3, Reductions.argmax(big, 0, big.length));
        assertEquals(Float.NEGATIVE_INFINITY, Reductions.max(new float[0], 0, 0));
        ElementwiseTest.assertMessage(() -> Reductions.argmax(new float[0], 0, 0), "argmax: no elements");
    }

    @Test
    void softmaxRowsSumToOneAndSurviveHugeLogitsAndMinusInfinity() {
        Random rnd = new Random(5);
        int rows = 7;
        int cols = 1000;
        float[] x = uniform(rnd, rows * cols, 1e4f);
        x[3 * cols + 10] = Float.NEGATIVE_INFINITY;
        x[3 * cols + 11] = Float.NEGATIVE_INFINITY;
        float[] p = new float[rows * cols];
        float[] lp = new float[rows * cols];
        RowOps.rowSoftmax(x, 0, rows, cols, p, 0);
        RowOps.rowLogSoftmax(x, 0, rows, cols, lp, 0);
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                float v = p[r * cols + j];
                assertTrue(v >= 0 && v <= 1, "probability " + v);
                s += v;
                if (v > 1e-30f) {
                    assertEquals(Math.log(v), lp[r * cols + j], 1e-5 * Math.max(1, Math.abs(lp[r * cols + j])),
                            "logSoftmax = log(softmax) at " + r + "," + j);
                }
            }
            assertEquals(1.0, s, 1e-6, "row " + r + " sums to 1");
        }
        assertEquals(0f, p[3 * cols + 10]);
        assertEquals(Float.NEGATIVE_INFINITY, lp[3 * cols + 10]);
    }

    @Test
    void softmaxOfSmallRowsMatchesTheReference() {
        Random rnd = new Random(6);
        for (int cols : new int[] {1, 3, 10, 16, 17, 64}) {
            float[] x = uniform(rnd, 64 * cols, 5f);
            float[] got = new float[x.length];
            float[] want = new float[x.length];
            RowOps.rowSoftmax(x, 0, 64, cols, got, 0);
            FloatScalar.INSTANCE.rowSoftmax(x, 0, 64, cols, want, 0, false);
            for (int i = 0; i < x.length; i++) {
                // exp (1 ulp), a float sum of cols terms (cols ulp), one division
                assertEquals(want[i], got[i], (cols + 4) * Math.ulp(want[i]) + 1e-12f, "softmax cols=" + cols + " at " + i);
            }
            RowOps.rowLogSoftmax(x, 0, 64, cols, got, 0);
            FloatScalar.INSTANCE.rowSoftmax(x, 0, 64, cols, want, 0, true);
            for (int i = 0; i < x.length; i++) {
                assertEquals(want[i], got[i], 1e-5f * Math.max(1, Math.abs(want[i])), "logSoftmax cols=" + cols);
            }
        }
    }

    @Test
    void aRowOfOnlyMinusInfinityGivesNanLikePyTorch() {
        float[] x = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0, 1};
        float[] p = new float[4];
        RowOps.rowSoftmax(x, 0, 2, 2, p, 0);
        assertTrue(Float.isNaN(p[0]) && Float.isNaN(p[1]));
        assertEquals(1f, p[2] + p[3], 1e-6f);
    }

    @Test
    void columnSumsAndRowBroadcastsMatchTheReferenceAndIgnoreThreadCount() {
        Random rnd = new Random(7);
        int rows = 300;
        int cols = 517;
        float[] x = uniform(rnd, rows * cols, 2f);
        float[] v = uniform(rnd, cols, 1f);
        float[] first = null;
        for (int t = 1; t <= 3; t++) {
            Parallelism.setThreads(t);
            float[] sums = new float[cols];
            RowOps.columnSums(x, 0, rows, cols, sums, 0, false);
            if (first == null) {
                first = sums;
                float[] want = new float[cols];
                FloatScalar.INSTANCE.columnSums(x, 0, rows, cols, 0, cols, want, 0, false);
                for (int j = 0; j < cols; j++) {
                    assertEquals(want[j], sums[j], 1e-3f, "column " + j);
                }
            } else {
                ElementwiseTest.assertBitwise("columnSums with " + t + " threads", first, sums);
            }
        }
        float[] acc = first.clone();
        RowOps.columnSums(x, 0, rows, cols, acc, 0, true);
        assertEquals(2 * first[5], acc[5], 1e-3f, "accumulate adds to what is there");

        float[] got = new float[rows * cols];
        float[] want = new float[rows * cols];
        RowOps.addRowVector(x, 0, rows, cols, v, 0, got, 0);
        FloatScalar.INSTANCE.addRow(x, 0, rows, cols, v, 0, false, want, 0);
        ElementwiseTest.assertBitwise("addRowVector", want, got);
        RowOps.addRowVectorRelu(x, 0, rows, cols, v, 0, got, 0);
        FloatScalar.INSTANCE.addRow(x, 0, rows, cols, v, 0, true, want, 0);
        ElementwiseTest.assertBitwise("addRowVectorRelu", want, got);
        RowOps.mulRowVector(x, 0, rows, cols, v, 0, got, 0);
        FloatScalar.INSTANCE.mulRow(x, 0, rows, cols, v, 0, want, 0);
        ElementwiseTest.assertBitwise("mulRowVector", want, got);
        int[] arg = new int[rows];
        RowOps.rowArgmax(x, 0, rows, cols, arg, 0);
        assertEquals(Reductions.argmax(x, 5 * cols, cols), arg[5]);
        ElementwiseTest.assertMessage(() -> RowOps.addRowVector(x, 0, rows, cols, new float[3], 0, got, 0),
                "addRowVector: array v is too short");
    }
}
