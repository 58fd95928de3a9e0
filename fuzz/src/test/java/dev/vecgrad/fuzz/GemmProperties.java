package dev.vecgrad.fuzz;

import dev.vecgrad.kernels.Gemm;
import dev.vecgrad.kernels.GemmCase;
import dev.vecgrad.kernels.Reference;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * SIMD GEMM against the scalar reference on random sizes in [0, 130], all four transposes,
 * padded leading dimensions, offsets, and alpha / beta including 0 and 1. Tolerance: the
 * forward error bound of a k-term dot product (see GemmCase), for dgemm at most 1e-12
 * relative to sum |alpha A B| + |beta C|. Tries: {@code -Dfuzz.tries=N} (200 by default).
 */
class GemmProperties {

    @Property
    void sgemmMatchesReference(@ForAll @IntRange(max = 130) int m, @ForAll @IntRange(max = 130) int n,
                               @ForAll @IntRange(max = 130) int k, @ForAll boolean transA, @ForAll boolean transB,
                               @ForAll("scalars") float alpha, @ForAll("scalars") float beta, @ForAll long seed) {
        GemmCase.random(new Random(seed), transA, transB, m, n, k, alpha, beta).assertSgemmMatchesReference();
    }

    @Property
    void dgemmMatchesReference(@ForAll @IntRange(max = 130) int m, @ForAll @IntRange(max = 130) int n,
                               @ForAll @IntRange(max = 130) int k, @ForAll boolean transA, @ForAll boolean transB,
                               @ForAll("scalars") float alpha, @ForAll("scalars") float beta, @ForAll long seed) {
        GemmCase.random(new Random(seed), transA, transB, m, n, k, alpha, beta).assertDgemmMatchesReference();
    }

    /** Linearity: A(xB1 + yB2) = x AB1 + y AB2, within rounding, computed through beta accumulation. */
    @Property(tries = 50)
    void sgemmIsLinearInB(@ForAll @IntRange(min = 1, max = 70) int m, @ForAll @IntRange(min = 1, max = 70) int n,
                          @ForAll @IntRange(min = 1, max = 70) int k, @ForAll long seed) {
        Random rnd = new Random(seed);
        float[] a = randomArray(rnd, m * k);
        float[] b1 = randomArray(rnd, k * n);
        float[] b2 = randomArray(rnd, k * n);
        float[] sum = new float[k * n];
        for (int i = 0; i < sum.length; i++) {
            sum[i] = 2f * b1[i] + 3f * b2[i];
        }
        float[] direct = new float[m * n];
        Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, sum, 0, n, 0f, direct, 0, n);
        float[] accumulated = new float[m * n];
        Gemm.sgemm(false, false, m, n, k, 2f, a, 0, k, b1, 0, n, 0f, accumulated, 0, n);
        Gemm.sgemm(false, false, m, n, k, 3f, a, 0, k, b2, 0, n, 1f, accumulated, 0, n);
        float[] ref = new float[m * n];
        Reference.sgemm(false, false, m, n, k, 1f, a, 0, k, sum, 0, n, 0f, ref, 0, n);
        for (int i = 0; i < direct.length; i++) {
            double tol = 1e-5 * k * 5;
            if (Math.abs(direct[i] - accumulated[i]) > tol || Math.abs(direct[i] - ref[i]) > tol) {
                throw new AssertionError("linearity broken at " + i + ": " + direct[i] + " vs " + accumulated[i]
                        + " (reference " + ref[i] + ")");
            }
        }
    }

    @Provide
    Arbitrary<Float> scalars() {
        return Arbitraries.oneOf(Arbitraries.of(0f, 1f, -1f), Arbitraries.floats().between(-2f, 2f));
    }

    private static float[] randomArray(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }
}
