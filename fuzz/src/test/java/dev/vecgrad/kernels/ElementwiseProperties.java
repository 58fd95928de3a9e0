package dev.vecgrad.kernels;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The elementwise kernels against their scalar references on random lengths (0..5000, with
 * lengths just around multiples of the vector length favoured), offsets and values (NaN,
 * infinities, signed zeros and huge values mixed in): bitwise for the exactly rounded maps,
 * within the stated ulp bounds for the transcendental ones. In the package of the kernels,
 * to reach the package-private references.
 */
class ElementwiseProperties {

    private static final int VL = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    @Property
    void exactMapsEqualTheReferenceBitwise(@ForAll("lengths") int n, @ForAll @IntRange(max = 5) int off, @ForAll long seed) {
        Random rnd = new Random(seed);
        ExactMaps.check(ElementwiseTest.awkward(rnd, n + off), ElementwiseTest.awkward(rnd, n + off),
                ElementwiseTest.awkward(rnd, n + off), off, n);
    }

    @Property
    void pixelsToFloatsEqualTheReferenceBitwise(@ForAll("lengths") int n, @ForAll @IntRange(max = 5) int off, @ForAll long seed) {
        Random rnd = new Random(seed);
        byte[] src = new byte[n + off];
        rnd.nextBytes(src);
        float scale = rnd.nextBoolean() ? 1f / 255 : (rnd.nextFloat() * 2 - 1) * 10;
        float shift = rnd.nextBoolean() ? 0f : (rnd.nextFloat() * 2 - 1) * 10;
        ConversionsTest.check(src, off, n, scale, shift);
    }

    @Property
    void transcendentalMapsStayWithinTheirBounds(@ForAll("lengths") int n, @ForAll @IntRange(max = 5) int off,
                                                 @ForAll("transcendentals") int which, @ForAll long seed) {
        TranscendentalAccuracyTest.Case c = TranscendentalAccuracyTest.cases()[which];
        Random rnd = new Random(seed);
        float[] x = new float[n + off];
        for (int i = 0; i < x.length; i++) {
            double u = rnd.nextDouble();
            x[i] = (float) (c.name().equals("log") ? Math.exp(-60 + 120 * u) : c.lo() + u * (c.hi() - c.lo()));
        }
        float[] in = java.util.Arrays.copyOfRange(x, off, off + n);
        float[] got = new float[n];
        float[] want = new float[n];
        c.simdF().apply(in, got, n);
        c.refF().apply(in, want, n);
        for (int i = 0; i < n; i++) {
            double ulps = Math.abs((double) got[i] - want[i])
                    / Math.ulp(Math.max(Math.abs(want[i]), Math.max((float) c.floor(), Float.MIN_NORMAL)));
            if (ulps > c.maxUlp()) {
                throw new AssertionError(c.name() + "(" + in[i] + ") = " + got[i] + ", reference " + want[i] + ": "
                        + ulps + " ulp > " + c.maxUlp());
            }
        }
    }

    @Property
    void softmaxRowsSumToOne(@ForAll @IntRange(min = 1, max = 20) int rows, @ForAll("lengths") int cols, @ForAll long seed) {
        if (cols == 0) {
            return;
        }
        Random rnd = new Random(seed);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(20) == 0 ? Float.NEGATIVE_INFINITY : (float) (rnd.nextGaussian() * 50);
        }
        for (int r = 0; r < rows; r++) {
            x[r * cols + rnd.nextInt(cols)] = 1f; // at least one finite logit per row
        }
        float[] p = new float[x.length];
        RowOps.rowSoftmax(x, 0, rows, cols, p, 0);
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += p[r * cols + j];
            }
            if (Math.abs(s - 1) > 1e-6 + cols * 1e-7) {
                throw new AssertionError("row " + r + " of " + rows + "x" + cols + " sums to " + s);
            }
        }
    }

    @Provide
    Arbitrary<Integer> lengths() {
        Arbitrary<Integer> any = Arbitraries.integers().between(0, 5000);
        Arbitrary<Integer> nearVector = Arbitraries.integers().between(0, 5000 / VL)
                .flatMap(k -> Arbitraries.of(k * VL - 1, k * VL, k * VL + 1).filter(v -> v >= 0));
        return Arbitraries.oneOf(any, nearVector);
    }

    @Provide
    Arbitrary<Integer> transcendentals() {
        return Arbitraries.integers().between(0, TranscendentalAccuracyTest.cases().length - 1);
    }
}
