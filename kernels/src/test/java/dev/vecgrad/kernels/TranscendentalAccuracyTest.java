package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Measures the error of the vector transcendental maps over many values against the scalar
 * reference (evaluated in double and rounded once for float), prints the table, and holds it
 * to the bounds stated in {@link Elementwise}'s javadoc (per map in float, 1e-13 in double); relative to |exact|, except for the GELU derivatives, whose values are O(1) and
 * cross zero, where the error is absolute (in ulp of 1 for float).
 */
public class TranscendentalAccuracyTest {

    private static final int N = 1 << 20;

    /** A float map under test: (x, out, n). */
    public interface FloatMap {
        void apply(float[] x, float[] out, int n);
    }

    /** A double map under test. */
    public interface DoubleMap {
        void apply(double[] x, double[] out, int n);
    }

    /** {@code floor}: errors are measured relative to max(|exact|, floor); 1 for the O(1) derivatives, which cross zero. */
    public record Case(String name, double lo, double hi, double floor, double maxUlp, FloatMap simdF, FloatMap refF, DoubleMap simdD, DoubleMap refD) {}

    public static Case[] cases() {
        return new Case[] {
            new Case("exp", -87, 88, 0, 2, (x, o, n) -> FloatSimd.INSTANCE.exp(x, 0, o, 0, n), (x, o, n) -> FloatScalar.INSTANCE.exp(x, 0, o, 0, n),
                    (x, o, n) -> DoubleSimd.INSTANCE.exp(x, 0, o, 0, n), (x, o, n) -> DoubleScalar.INSTANCE.exp(x, 0, o, 0, n)),
            new Case("log", 1e-30, 1e30, 0, 2, (x, o, n) -> FloatSimd.INSTANCE.log(x, 0, o, 0, n), (x, o, n) -> FloatScalar.INSTANCE.log(x, 0, o, 0, n),
                    (x, o, n) -> DoubleSimd.INSTANCE.log(x, 0, o, 0, n), (x, o, n) -> DoubleScalar.INSTANCE.log(x, 0, o, 0, n)),
            new Case("tanh", -20, 20, 0, 2, (x, o, n) -> FloatSimd.INSTANCE.tanh(x, 0, o, 0, n), (x, o, n) -> FloatScalar.INSTANCE.tanh(x, 0, o, 0, n),
                    (x, o, n) -> DoubleSimd.INSTANCE.tanh(x, 0, o, 0, n), (x, o, n) -> DoubleScalar.INSTANCE.tanh(x, 0, o, 0, n)),
            new Case("sigmoid", -100, 100, 0, 4, (x, o, n) -> FloatSimd.INSTANCE.sigmoid(x, 0, o, 0, n), (x, o, n) -> FloatScalar.INSTANCE.sigmoid(x, 0, o, 0, n),
                    (x, o, n) -> DoubleSimd.INSTANCE.sigmoid(x, 0, o, 0, n), (x, o, n) -> DoubleScalar.INSTANCE.sigmoid(x, 0, o, 0, n)),
            new Case("gelu", -10, 10, 0, 16, (x, o, n) -> FloatSimd.INSTANCE.gelu(x, 0, o, 0, n), (x, o, n) -> FloatScalar.INSTANCE.gelu(x, 0, o, 0, n),
                    (x, o, n) -> DoubleSimd.INSTANCE.gelu(x, 0, o, 0, n), (x, o, n) -> DoubleScalar.INSTANCE.gelu(x, 0, o, 0, n)),
            new Case("geluTanh", -10, 10, 0, 256, (x, o, n) -> FloatSimd.INSTANCE.geluTanh(x, 0, o, 0, n), (x, o, n) -> FloatScalar.INSTANCE.geluTanh(x, 0, o, 0, n),
                    (x, o, n) -> DoubleSimd.INSTANCE.geluTanh(x, 0, o, 0, n), (x, o, n) -> DoubleScalar.INSTANCE.geluTanh(x, 0, o, 0, n)),
            new Case("geluBackward", -10, 10, 1, 4, (x, o, n) -> FloatSimd.INSTANCE.geluBackward(x, 0, ones(n), 0, o, 0, n),
                    (x, o, n) -> FloatScalar.INSTANCE.geluBackward(x, 0, ones(n), 0, o, 0, n),
                    (x, o, n) -> DoubleSimd.INSTANCE.geluBackward(x, 0, onesD(n), 0, o, 0, n),
                    (x, o, n) -> DoubleScalar.INSTANCE.geluBackward(x, 0, onesD(n), 0, o, 0, n)),
            new Case("geluTanhBackward", -10, 10, 1, 32, (x, o, n) -> FloatSimd.INSTANCE.geluTanhBackward(x, 0, ones(n), 0, o, 0, n),
                    (x, o, n) -> FloatScalar.INSTANCE.geluTanhBackward(x, 0, ones(n), 0, o, 0, n),
                    (x, o, n) -> DoubleSimd.INSTANCE.geluTanhBackward(x, 0, onesD(n), 0, o, 0, n),
                    (x, o, n) -> DoubleScalar.INSTANCE.geluTanhBackward(x, 0, onesD(n), 0, o, 0, n)),
        };
    }

    @Test
    void vectorTranscendentalsStayWithinTheStatedBounds() {
        StringBuilder table = new StringBuilder("\nmax error of the vector maps vs the reference (" + N + " values each)\n");
        table.append(String.format("%-18s %12s %10s %16s%n", "map", "float ulp", "(bound)", "double rel"));
        boolean ok = true;
        for (Case c : cases()) {
            double[] xs = values(c.lo, c.hi, c.name.equals("log"));
            float[] xf = new float[N];
            for (int i = 0; i < N; i++) {
                xf[i] = (float) xs[i];
            }
            float[] sf = new float[N];
            float[] rf = new float[N];
            for (int warm = 0; warm < 30; warm++) {
                // until C2 has compiled the kernel: interpreted, the Vector API computes lanes with Math
                c.simdF.apply(xf, sf, N / 16);
                c.simdD.apply(xs, new double[N / 16], N / 16);
            }
            c.simdF.apply(xf, sf, N);
            c.refF.apply(xf, rf, N);
            double ulps = 0;
            for (int i = 0; i < N; i++) {
                if (Float.isFinite(rf[i]) || Float.isFinite(sf[i])) {
                    ulps = Math.max(ulps, Math.abs((double) sf[i] - rf[i]) / Math.ulp(Math.max(Math.abs(rf[i]), Math.max((float) c.floor, Float.MIN_NORMAL))));
                }
            }
            double[] sd = new double[N];
            double[] rd = new double[N];
            c.simdD.apply(xs, sd, N);
            c.refD.apply(xs, rd, N);
            double rel = 0;
            for (int i = 0; i < N; i++) {
                rel = Math.max(rel, Math.abs(sd[i] - rd[i]) / Math.max(Math.abs(rd[i]), Math.max(c.floor, 1e-300)));
            }
            table.append(String.format("%-18s %12.2f %10.0f %16.3e%n", c.name, ulps, c.maxUlp, rel));
            ok &= ulps <= c.maxUlp && rel <= 1e-13;
        }
        System.out.print(table);
        assertTrue(ok, "a map exceeds its float bound or 1e-13 (double):" + table);
    }

    /** N values: evenly spread over [lo, hi] (log-spaced for log), shuffled by a fixed seed. */
    static double[] values(double lo, double hi, boolean logSpaced) {
        double[] xs = new double[N];
        Random rnd = new Random(42);
        for (int i = 0; i < N; i++) {
            double u = rnd.nextDouble();
            xs[i] = logSpaced ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
        }
        return xs;
    }

    static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    static double[] onesD(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }

}
