package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

public class GemmTest {

    private static final int[] AWKWARD = {1, 2, 3, 5, 7, 9, 10, 11, 13, 16, 17, 31, 32, 33, 47, 64, 65, 97};

    @AfterEach
    void restoreThreads() {
        Parallelism.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void sgemmEqualsReferenceOnAwkwardSizesForAllTransposes() {
        Random rnd = new Random(1);
        for (int m : AWKWARD) {
            for (int trans = 0; trans < 4; trans++) {
                int n = AWKWARD[rnd.nextInt(AWKWARD.length)];
                int k = AWKWARD[rnd.nextInt(AWKWARD.length)];
                GemmCase.random(rnd, trans >= 2, (trans & 1) == 1, m, n, k, 1.5f, 0.5f).assertSgemmMatchesReference();
            }
        }
    }

    @Test
    void sgemmEqualsReferenceWhenBlocksAreSplitInEveryDimension() {
        GemmBlocking blk = GemmBlocking.FLOAT;
        Random rnd = new Random(2);
        // k beyond one KC block, m beyond one C block, n beyond one sliver and not a multiple of it
        int k = blk.kc() * 2 + 7;
        for (int trans = 0; trans < 4; trans++) {
            GemmCase.random(rnd, trans >= 2, (trans & 1) == 1, 3 * blk.mr() + 1, blk.nr() * 3 + 5, k, 1f, 1f)
                    .assertSgemmMatchesReference();
            GemmCase.random(rnd, trans >= 2, (trans & 1) == 1, GemmDriver.DIRECT_V_MAX_ROWS + 9, 2 * blk.nr() - 1, 33, -0.5f, 0f)
                    .assertSgemmMatchesReference();
        }
    }

    @Test
    void sgemmSplitsColumnPanelsWhenKIsLarge() {
        GemmBlocking blk = GemmBlocking.FLOAT;
        int k = 4096;
        int n = blk.ncFor(k) + blk.nr() + 3;
        GemmCase.random(new Random(3), false, false, 5, n, k, 1f, 0f).assertSgemmMatchesReference();
    }

    @Test
    void dgemmEqualsReferenceOnAwkwardSizesForAllTransposes() {
        Random rnd = new Random(4);
        for (int m : AWKWARD) {
            for (int trans = 0; trans < 4; trans++) {
                int n = AWKWARD[rnd.nextInt(AWKWARD.length)];
                int k = AWKWARD[rnd.nextInt(AWKWARD.length)] * 7;
                GemmCase.random(rnd, trans >= 2, (trans & 1) == 1, m, n, k, 0.75f, -1.25f).assertDgemmMatchesReference();
            }
        }
    }

    @Test
    void betaZeroDoesNotReadC() {
        int m = 13;
        int n = 21;
        int k = 9;
        Random rnd = new Random(5);
        float[] a = randomFloats(rnd, m * k);
        float[] b = randomFloats(rnd, k * n);
        float[] c = new float[m * n];
        java.util.Arrays.fill(c, Float.NaN);
        Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        float[] expected = new float[m * n];
        Reference.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
        for (int i = 0; i < c.length; i++) {
            assertTrue(Float.isFinite(c[i]), "NaN leaked from C at " + i);
            assertEquals(expected[i], c[i], 1e-4f);
        }
        double[] cd = new double[m * n];
        java.util.Arrays.fill(cd, Double.NaN);
        Gemm.dgemm(false, false, m, n, k, 1, toDouble(a), 0, k, toDouble(b), 0, n, 0, cd, 0, n);
        for (double v : cd) {
            assertTrue(Double.isFinite(v), "NaN leaked from C in dgemm");
        }
    }

    @Test
    void alphaZeroOrKZeroScalesCByBetaWithoutReadingAOrB() {
        float[] c = {1, 2, 3, 4, 5, 6};
        Gemm.sgemm(false, false, 2, 3, 4, 0f, null, 0, 4, null, 0, 3, 2f, c, 0, 3);
        assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12}, c);
        Gemm.sgemm(true, true, 2, 3, 0, 1f, new float[0], 0, 2, new float[0], 0, 1, 0f, c, 0, 3);
        assertArrayEquals(new float[6], c);
        double[] cd = {Double.NaN, 1};
        Gemm.dgemm(false, false, 1, 2, 0, 1, new double[0], 0, 1, new double[0], 0, 2, 0, cd, 0, 2);
        assertArrayEquals(new double[2], cd);
    }

    @Test
    void emptyProductsTouchNothing() {
        float[] c = {7f};
        Gemm.sgemm(false, false, 0, 5, 5, 1f, new float[0], 0, 5, new float[25], 0, 5, 0f, new float[0], 0, 5);
        Gemm.sgemm(false, false, 1, 0, 5, 1f, new float[5], 0, 5, new float[0], 0, 1, 0f, c, 0, 1);
        assertEquals(7f, c[0]);
    }

    /**
     * Narrow products (n below a vector) and NT products with m < n run as C^T = op(B)^T op(A)^T, bitwise the direct loop's
     * result: with beta 0 at any depth, otherwise while k fits one KC block (beyond it they run
     * directly). A NaN-filled scratch shows which route was taken.
     */
    @Test
    void narrowProductsComputedTransposedEqualTheDirectLoop() {
        int vl = FloatMicroKernels.VL;
        int kc = GemmBlocking.FLOAT.kc();
        Random rnd = new Random(7);
        int checked = 0;
        int[] narrow = java.util.stream.IntStream.of(1, 3, vl / 2 + 2).filter(n -> n < vl).distinct().toArray();
        for (int n : narrow) {
            for (int m : new int[] {2 * vl, 3 * vl + (n < vl / 2 ? 5 : 0), 6 * vl}) {
                for (int trans = 0; trans < 4; trans++) {
                    float alpha = rnd.nextBoolean() ? 1f : -0.75f;
                    float beta = trans == 1 ? 0.5f : 0f;
                    int k = vl + rnd.nextInt(kc - vl + 1);
                    assertTrue(FloatGemm.INSTANCE.transposesProduct(trans >= 2, (trans & 1) == 1, m, n, k), m + "x" + n + "x" + k + " should run transposed");
                    // transposed with beta 0, direct otherwise (the chain of each element starts from beta C), at any depth
                    assertTransposedRouteMatchesDirect(GemmCase.random(rnd, trans >= 2, (trans & 1) == 1, m, n, k, alpha, beta), beta == 0f);
                    GemmCase deep = GemmCase.random(rnd, trans >= 2, (trans & 1) == 1, m, n, 2 * kc + 5, alpha, beta);
                    assertTransposedRouteMatchesDirect(deep, beta == 0f);
                    deep.assertSgemmMatchesReference();
                    checked++;
                }
            }
        }
        assertEquals(narrow.length * 12, checked);
        // NT with fewer rows than columns (a forward x W^T): the transposing pack takes the smaller operand
        int ntk = GemmDriver.NT_TRANSPOSE_MIN_K;
        assertTrue(!FloatGemm.INSTANCE.transposesProduct(false, true, 2 * vl, 4 * vl, ntk - 1), "shallow NT keeps its direct loop");
        for (int[] sh : new int[][] {{2 * vl, 4 * vl + 3, Math.max(ntk, kc)}, {4 * vl, 8 * vl, ntk}, {2 * vl, 3 * vl, 2 * kc + 5}}) {
            assertTrue(FloatGemm.INSTANCE.transposesProduct(false, true, sh[0], sh[1], sh[2]), java.util.Arrays.toString(sh) + " NT");
            assertTrue(!FloatGemm.INSTANCE.transposesProduct(false, false, sh[0], sh[1], sh[2]), "NN keeps its direct loop");
            for (float beta : new float[] {0f, 0.5f}) {
                GemmCase g = GemmCase.random(rnd, false, true, sh[0], sh[1], sh[2], -0.75f, beta);
                assertTransposedRouteMatchesDirect(g, beta == 0f);
                g.assertSgemmMatchesReference();
            }
        }
        // the generated double twin, on a product narrow at its lane count
        int dvl = DoubleMicroKernels.VL;
        for (int trans = 0; trans < 4; trans++) {
            int m = 10 * dvl;
            int n = Math.max(1, dvl / 2 - 1);
            int k = Math.min(GemmBlocking.DOUBLE.kc(), 12 * dvl);
            assertTrue(DoubleGemm.INSTANCE.transposesProduct(false, false, m, n, k), m + "x" + n + "x" + k + " should run transposed (double)");
            GemmCase g = GemmCase.random(rnd, trans >= 2, (trans & 1) == 1, m, n, k, trans == 1 ? 1f : -0.75f, 0f);
            double[] a = toDouble(g.a());
            double[] b = toDouble(g.b());
            double[] direct = toDouble(g.c());
            double[] swapped = toDouble(g.c());
            double[] t = DoubleGemm.INSTANCE.workspace(0, 0).transposedC(GemmDriver.roundUp(n, dvl) * m);
            java.util.Arrays.fill(t, Double.NaN);
            DoubleGemm.dgemm(g.transA(), g.transB(), m, n, k, g.alpha(), a, g.aOff(), g.lda(), b, g.bOff(), g.ldb(), g.beta(),
                    direct, g.cOff(), g.ldc(), false);
            DoubleGemm.dgemm(g.transA(), g.transB(), m, n, k, g.alpha(), a, g.aOff(), g.lda(), b, g.bOff(), g.ldb(), g.beta(),
                    swapped, g.cOff(), g.ldc(), true);
            assertTrue(!Double.isNaN(t[0]) && !Double.isNaN(t[n * m - 1]), "the double product did not run transposed for " + g);
            assertArrayEquals(direct, swapped, "transposed double product differs from the direct loop for " + g);
        }
        assertTrue(!FloatGemm.INSTANCE.transposesProduct(false, false, 2 * vl, vl, vl), "a full vector of columns runs directly");
        assertTrue(vl < 8 || !FloatGemm.INSTANCE.transposesProduct(false, false, 4 * vl, vl - 1, vl), "one idle lane in eight or more is not worth a scratch");
        assertTrue(!FloatGemm.INSTANCE.transposesProduct(false, false, vl, 1, vl), "too few rows to fill two vectors");
        assertTrue(!FloatGemm.INSTANCE.transposesProduct(false, false, 4 * vl, 3, vl - 1), "too little k to pay for the scratch");
        int tall = GemmDriver.TRANSPOSED_MAX_ELEMENTS / vl + 1;
        assertTrue(!FloatGemm.INSTANCE.transposesProduct(false, false, tall, 3, 64), "the scratch is bounded");
        assertTrue(FloatGemm.INSTANCE.transposesProduct(false, false, tall - 1, 3, 64), "up to the bound");
    }

    /**
     * A transposed A packed into the ROWS layout (what 16-register machines do), packed into the
     * SLIVER layout, or read in place by the SLIVER kernels (its full slivers) gives the same
     * result bitwise, on every machine: the test builds the three problems itself.
     */
    @Test
    void transposedAPackedAsRowsEqualsTheSliverLayout() {
        int kc = GemmBlocking.FLOAT.kc();
        Random rnd = new Random(8);
        int vl = FloatMicroKernels.VL;
        int mc = Math.max(GemmBlocking.FLOAT.mc(), GemmBlocking.DOUBLE.mc());
        // the last: several row blocks, a partial last sliver and several depth panels at once
        int[][] shapes = {{3 * vl + 5, 2 * vl + 3, vl + 3}, {4 * vl, 40, 2 * kc + 9}, {7, 10, 64}, {2 * vl, vl, vl},
            {2 * mc + 5, 40, kc + 9}};
        for (int[] sh : shapes) {
            for (boolean transB : new boolean[] {false, true}) {
                GemmCase g = GemmCase.random(rnd, true, transB, sh[0], sh[1], sh[2], -0.75f, transB ? 0f : 0.5f);
                float[] rows = g.c().clone();
                float[] slivers = g.c().clone();
                float[] inPlace = g.c().clone();
                FloatGemm.INSTANCE.run(problem(g, g.a(), g.b(), rows, true, false));
                FloatGemm.INSTANCE.run(problem(g, g.a(), g.b(), slivers, false, false));
                FloatGemm.INSTANCE.run(problem(g, g.a(), g.b(), inPlace, false, true));
                assertArrayEquals(slivers, rows, "ROWS-packed A^T differs from SLIVER for " + g);
                assertArrayEquals(slivers, inPlace, "A^T read in place differs from the packed SLIVER layout for " + g);
                double[] rowsD = toDouble(g.c());
                double[] sliversD = toDouble(g.c());
                double[] inPlaceD = toDouble(g.c());
                DoubleGemm.INSTANCE.run(problem(g, toDouble(g.a()), toDouble(g.b()), rowsD, true, false));
                DoubleGemm.INSTANCE.run(problem(g, toDouble(g.a()), toDouble(g.b()), sliversD, false, false));
                DoubleGemm.INSTANCE.run(problem(g, toDouble(g.a()), toDouble(g.b()), inPlaceD, false, true));
                assertArrayEquals(sliversD, rowsD, "ROWS-packed A^T differs from SLIVER (double) for " + g);
                assertArrayEquals(sliversD, inPlaceD, "A^T read in place differs from the packed SLIVER layout (double) for " + g);
                g.assertSgemmMatchesReference(); // the public route: one of the two layouts, so both are checked
            }
        }
    }

    private static GemmDriver.Problem problem(GemmCase g, Object a, Object b, Object c, boolean rowsLayout, boolean uDirect) {
        boolean vRowMajor = !g.transB();
        return new GemmDriver.Problem(g.m(), g.n(), g.k(), g.alpha(), a, g.aOff(), g.lda(), !g.transA(), rowsLayout, uDirect,
                b, g.bOff(), g.ldb(), vRowMajor, vRowMajor && g.m() <= GemmDriver.DIRECT_V_MAX_ROWS, g.beta(), c, g.cOff(), g.ldc());
    }

    /** Runs g both ways and checks they agree bitwise, and that the transposed route was taken iff {@code transposed}. */
    private static void assertTransposedRouteMatchesDirect(GemmCase g, boolean transposed) {
        float[] t = FloatGemm.INSTANCE.workspace(0, 0).transposedC(GemmDriver.roundUp(g.n(), FloatMicroKernels.VL) * g.m());
        java.util.Arrays.fill(t, Float.NaN);
        float[] direct = g.c().clone();
        float[] swapped = g.c().clone();
        FloatGemm.sgemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), g.a(), g.aOff(), g.lda(), g.b(), g.bOff(), g.ldb(),
                g.beta(), direct, g.cOff(), g.ldc(), false);
        FloatGemm.sgemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), g.a(), g.aOff(), g.lda(), g.b(), g.bOff(), g.ldb(),
                g.beta(), swapped, g.cOff(), g.ldc(), true);
        boolean written = !Float.isNaN(t[0]) && !Float.isNaN(t[g.n() * g.m() - 1]);
        assertEquals(transposed, written, (transposed ? "did not run" : "ran") + " transposed: " + g);
        assertArrayEquals(direct, swapped, "transposed product differs from the direct loop for " + g);
    }

    @Test
    void resultsAreBitwiseIdenticalForOneTwoAndThreeThreads() {
        Random rnd = new Random(6);
        // shapes large enough to run in parallel, split along N and along M; the last runs transposed at 4 to 16 lanes
        int[][] shapes = {{97, 301, 211}, {517, 40, 129}, {64, 784, 128}, {2600, 2, 300}};
        for (int[] s : shapes) {
            for (int trans = 0; trans < 4; trans++) {
                GemmCase g = GemmCase.random(rnd, trans >= 2, (trans & 1) == 1, s[0], s[1], s[2], 1f, 0.5f);
                float[] first = null;
                double[] firstD = null;
                for (int threads = 1; threads <= 3; threads++) {
                    Parallelism.setThreads(threads);
                    float[] c = g.runSgemm();
                    double[] cd = g.runDgemm();
                    if (first == null) {
                        first = c;
                        firstD = cd;
                    } else {
                        assertArrayEquals(first, c, "sgemm differs with " + threads + " threads for " + g);
                        assertArrayEquals(firstD, cd, "dgemm differs with " + threads + " threads for " + g);
                    }
                }
            }
        }
    }

    @Test
    void badArgumentsNameTheArgumentAndValues() {
        float[] a = new float[12];
        assertMessage(() -> Gemm.sgemm(false, false, -1, 2, 2, 1f, a, 0, 2, a, 0, 2, 0f, a, 0, 2), "m=-1");
        assertMessage(() -> Gemm.sgemm(false, false, 3, 4, 2, 1f, a, 0, 1, a, 0, 4, 0f, a, 0, 4), "lda=1 must be >= max(1, 2)");
        assertMessage(() -> Gemm.sgemm(true, false, 3, 4, 2, 1f, a, 0, 2, a, 0, 4, 0f, a, 0, 4), "lda=2 must be >= max(1, 3)");
        assertMessage(() -> Gemm.sgemm(false, true, 3, 4, 2, 1f, a, 0, 2, a, 0, 1, 0f, a, 0, 4), "ldb=1 must be >= max(1, 2)");
        assertMessage(() -> Gemm.sgemm(false, false, 3, 4, 2, 1f, a, 0, 2, a, 0, 4, 0f, a, 0, 3), "ldc=3");
        assertMessage(() -> Gemm.sgemm(false, false, 3, 2, 2, 1f, a, 7, 2, a, 0, 2, 0f, a, 0, 2),
                "array a is too short: A is stored m x k = 3 x 2 with lda=2 and aOff=7 needs 13 elements, got 12");
        assertMessage(() -> Gemm.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, null, 0, 2, 0f, a, 0, 2), "array b is null");
        assertMessage(() -> Gemm.sgemm(false, false, 2, 2, 2, 1f, a, -1, 2, a, 0, 2, 0f, a, 0, 2), "aOff=-1");
        assertMessage(() -> Gemm.dgemm(false, false, 4, 4, 1, 1, new double[4], 0, 1, new double[4], 0, 4, 0, new double[15], 0, 4),
                "dgemm: array c is too short");
    }

    @Test
    void compactOverloadsMultiplyRowMajorMatrices() {
        float[] c = new float[4];
        Gemm.sgemm(2, 2, 3, new float[] {1, 2, 3, 4, 5, 6}, new float[] {7, 8, 9, 10, 11, 12}, c);
        assertArrayEquals(new float[] {58, 64, 139, 154}, c);
        double[] cd = new double[1];
        Gemm.dgemm(1, 1, 2, new double[] {1, 2}, new double[] {3, 4}, cd);
        assertEquals(11.0, cd[0]);
    }

    private static void assertMessage(Runnable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should contain '" + expected + "'");
    }

    public static float[] randomFloats(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }

    public static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** Both permute flavours (selectFrom and rearrange), whichever the machine runs in GEMM. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theInRegisterTransposeIsATranspose(boolean select) {
        int vl = FloatMicroKernels.VL;
        org.junit.jupiter.api.Assumptions.assumeTrue(FloatMicroKernels.REGISTER_TRANSPOSE, "no register transpose for " + vl + " lanes");
        int ld = vl + 5;
        int lanes = 2 * vl;
        float[] src = new float[vl * ld + 3];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
        float[] dst = new float[vl * lanes + 7];
        FloatMicroKernels.transpose(src, 3, ld, dst, 7, lanes, select);
        for (int r = 0; r < vl; r++) {
            for (int q = 0; q < vl; q++) {
                assertEquals(src[3 + q * ld + r], dst[7 + r * lanes + q], "row " + r + " lane " + q);
            }
            for (int q = vl; q < lanes && 7 + r * lanes + q < dst.length; q++) {
                assertEquals(0f, dst[7 + r * lanes + q], "lanes past the block are untouched");
            }
        }
        if (DoubleMicroKernels.REGISTER_TRANSPOSE) {
            int dvl = DoubleMicroKernels.VL;
            double[] ds = new double[dvl * dvl];
            for (int i = 0; i < ds.length; i++) {
                ds[i] = i;
            }
            double[] dd = new double[dvl * dvl];
            DoubleMicroKernels.transpose(ds, 0, dvl, dd, 0, dvl, select);
            for (int r = 0; r < dvl; r++) {
                for (int q = 0; q < dvl; q++) {
                    assertEquals(ds[q * dvl + r], dd[r * dvl + q]);
                }
            }
        }
    }
}
