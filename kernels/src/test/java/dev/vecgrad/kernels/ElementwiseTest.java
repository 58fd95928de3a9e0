package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

public class ElementwiseTest {

    private static final int VL = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    private static final int[] LENGTHS = {0, 1, VL - 1, VL, VL + 1, 2 * VL + 3, 1000, Elementwise.GRAIN + 17};

    @AfterEach
    void restoreThreads() {
        Parallelism.setThreads(Runtime.getRuntime().availableProcessors());
    }

    /** Values with the awkward ones mixed in: NaN, infinities, signed zeros, huge and tiny. */
    public static float[] awkward(Random rnd, int n) {
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e30f, -1e30f, 1e-30f, -1e-38f};
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextInt(8) == 0 ? special[rnd.nextInt(special.length)] : (rnd.nextFloat() * 2 - 1) * 10;
        }
        return x;
    }

    /** The exact (correctly rounded) maps through the public facade against the reference: bitwise. */
    @Test
    void exactMapsEqualTheReferenceBitwiseForEveryLengthAndOffset() {
        Random rnd = new Random(1);
        for (int n : LENGTHS) {
            for (int off = 0; off <= 3; off += 3) {
                float[] a = awkward(rnd, n + off);
                float[] b = awkward(rnd, n + off);
                float[] c = awkward(rnd, n + off);
                ExactMaps.check(a, b, c, off, n);
            }
        }
    }

    @Test
    void exactDoubleMapsEqualTheReferenceBitwise() {
        Random rnd = new Random(2);
        for (int n : LENGTHS) {
            double[] a = toDouble(awkward(rnd, n + 1));
            double[] b = toDouble(awkward(rnd, n + 1));
            double[] got = new double[n + 1];
            double[] want = new double[n + 1];
            Elementwise.mul(a, 1, b, 1, got, 1, n);
            DoubleScalar.INSTANCE.mul(a, 1, b, 1, want, 1, n);
            assertBitwise("mul(double)", want, got);
            Elementwise.axpy(0.75, a, 1, got, 1, n);
            DoubleScalar.INSTANCE.axpy(0.75, a, 1, want, 1, n);
            assertBitwise("axpy(double)", want, got);
            Elementwise.reluBackward(a, 1, b, 1, got, 1, n);
            DoubleScalar.INSTANCE.reluBackward(a, 1, b, 1, want, 1, n);
            assertBitwise("reluBackward(double)", want, got);
        }
    }

    @Test
    void adamFlushesSubnormalMomentsToZeroAndStillMatchesTheReference() {
        int n = 37;
        float[] p = new float[n];
        float[] g = new float[n];
        float[] m = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = 0.5f - i * 0.01f;
            m[i] = i % 3 == 0 ? 1.2e-38f : (i % 3 == 1 ? -3e-3f : 2e-39f); // at, above and below MIN_NORMAL
            v[i] = i % 2 == 0 ? 1.1e-38f : 4e-6f;
        }
        float[] p2 = p.clone();
        float[] m2 = m.clone();
        float[] v2 = v.clone();
        Elementwise.adamStep(p, 0, g, 0, m, 0, v, 0, 1e-3f, 0.9f, 0.999f, 1.1f, 1e-8f, 0f, 1f, n);
        FloatScalar.INSTANCE.adamStep(p2, 0, g, 0, m2, 0, v2, 0, 1e-3f, 0.9f, 0.999f, 1.1f, 1e-8f, 0f, 1f, n);
        assertBitwise("adam p", p2, p);
        assertBitwise("adam m", m2, m);
        assertBitwise("adam v", v2, v);
        for (int i = 0; i < n; i++) {
            assertTrue(m[i] == 0 || Math.abs(m[i]) >= Float.MIN_NORMAL, "m[" + i + "] = " + m[i] + " is subnormal");
            assertTrue(v[i] == 0 || v[i] >= Float.MIN_NORMAL, "v[" + i + "] = " + v[i] + " is subnormal");
        }
        assertEquals(0f, m[0]);   // 0.9 * 1.2e-38 is below MIN_NORMAL
        assertEquals(-2.7e-3f, m[1], 1e-9f);
        assertEquals(0f, v[0]);
        assertEquals(4e-6f * 0.999f, v[1], 1e-12f);
        double[] md = {2e-308, 1e-3};
        double[] vd = {2e-308, 1e-3};
        Elementwise.adamStep(new double[2], 0, new double[2], 0, md, 0, vd, 0, 1e-3, 0.9, 0.999, 1.1, 1e-8, 0, 1, 2);
        assertEquals(0.0, md[0]);
        assertEquals(0.0, vd[0]);
        assertEquals(9e-4, md[1], 1e-18);
    }

    @Test
    void mapsWorkInPlace() {
        float[] x = {1, -2, 3, -4, 5};
        Elementwise.add(x, 0, x, 0, x, 0, 5);
        Elementwise.relu(x, 0, x, 0, 5);
        assertEquals("[2.0, 0.0, 6.0, 0.0, 10.0]", java.util.Arrays.toString(x));
    }

    @Test
    void reluOfZeroIsZeroAndItsDerivativeAtZeroIsZero() {
        float[] x = {0f, -0f, 1f, -1f};
        float[] out = new float[4];
        Elementwise.reluBackward(x, 0, new float[] {5, 5, 5, 5}, 0, out, 0, 4);
        assertEquals("[0.0, 0.0, 5.0, 0.0]", java.util.Arrays.toString(out));
    }

    @Test
    void largeArraysAreSplitAndGiveTheSameBitsForOneTwoAndThreeThreads() {
        int n = 3 * Elementwise.GRAIN + 5;
        float[] x = awkward(new Random(3), n);
        float[] first = null;
        for (int threads = 1; threads <= 3; threads++) {
            Parallelism.setThreads(threads);
            float[] out = new float[n];
            for (int warm = 0; warm < 5; warm++) {
                Elementwise.gelu(x, 0, out, 0, n);
            }
            if (first == null) {
                first = out;
            } else {
                assertBitwise("gelu with " + threads + " threads", first, out);
            }
        }
    }

    @Test
    void badArgumentsNameTheOpAndTheArgument() {
        float[] x = new float[10];
        assertMessage(() -> Elementwise.add(x, 0, null, 0, x, 0, 3), "add: array b is null");
        assertMessage(() -> Elementwise.exp(x, -1, x, 0, 3), "exp: xOff must be >= 0, got -1");
        assertMessage(() -> Elementwise.axpy(1f, x, 8, x, 0, 3), "axpy: array x is too short: xOff 8 + n 3 > length 10");
        assertMessage(() -> Elementwise.sigmoid(x, 0, x, 0, -2), "sigmoid: n must be >= 0, got -2");
        assertMessage(() -> Elementwise.tanh(new double[2], 0, new double[1], 0, 2), "tanh: array out is too short");
    }

    static void assertMessage(Runnable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should contain '" + expected + "'");
    }

    public static void assertBitwise(String what, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            if (Float.compare(want[i], got[i]) != 0) {
                fail(what + ": element " + i + " is " + got[i] + ", reference " + want[i]);
            }
        }
    }

    static void assertBitwise(String what, double[] want, double[] got) {
        for (int i = 0; i < want.length; i++) {
            if (Double.compare(want[i], got[i]) != 0) {
                fail(what + ": element " + i + " is " + got[i] + ", reference " + want[i]);
            }
        }
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
