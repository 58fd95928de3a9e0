package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * exp, log, tanh and the lane sums are built from IEEE operations so that a kernel gives the
 * same bits before and after the JIT compiles it (training runs repeat exactly); these tests
 * pin that, and the special values.
 */
public class DeterministicMathTest {

    /** The outputs whose bits must not depend on the JIT, as one hex digest per map. */
    static List<String> digests() {
        Random rng = new Random(42);
        int n = 4099;
        float[] x = new float[n];
        double[] xd = new double[n];
        for (int i = 0; i < n; i++) {
            xd[i] = rng.nextGaussian() * 6;
            x[i] = (float) xd[i];
        }
        float[] pos = new float[n];
        double[] posd = new double[n];
        for (int i = 0; i < n; i++) {
            posd[i] = Math.abs(xd[i]) * 1e3 + 1e-30;
            pos[i] = (float) posd[i];
        }
        List<String> out = new ArrayList<>();
        float[] o = new float[n];
        double[] od = new double[n];
        FloatSimd.INSTANCE.exp(x, 0, o, 0, n);
        out.add("exp " + hash(o));
        FloatSimd.INSTANCE.log(pos, 0, o, 0, n);
        out.add("log " + hash(o));
        FloatSimd.INSTANCE.tanh(x, 0, o, 0, n);
        out.add("tanh " + hash(o));
        FloatSimd.INSTANCE.sigmoid(x, 0, o, 0, n);
        out.add("sigmoid " + hash(o));
        FloatSimd.INSTANCE.gelu(x, 0, o, 0, n);
        out.add("gelu " + hash(o));
        FloatSimd.INSTANCE.rowSoftmax(x, 0, 409, 10, o, 0, false);
        out.add("softmax " + hash(o));
        out.add("sum " + Double.doubleToLongBits(FloatSimd.INSTANCE.sum(x, 0, n)));
        out.add("dot " + Double.doubleToLongBits(FloatSimd.INSTANCE.dot(x, 0, pos, 0, n)));
        DoubleSimd.INSTANCE.exp(xd, 0, od, 0, n);
        out.add("exp64 " + hash(od));
        DoubleSimd.INSTANCE.log(posd, 0, od, 0, n);
        out.add("log64 " + hash(od));
        DoubleSimd.INSTANCE.tanh(xd, 0, od, 0, n);
        out.add("tanh64 " + hash(od));
        out.add("sum64 " + Double.doubleToLongBits(DoubleSimd.INSTANCE.sum(xd, 0, n)));
        byte[] px = new byte[n];
        rng.nextBytes(px);
        ConversionsSimd.unsignedBytesToFloats(px, 0, o, 0, n, 1f / 255 / 0.5f, -1f);
        out.add("pixels " + hash(o));
        return out;
    }

    private static String hash(float[] a) {
        long h = 1;
        for (float v : a) {
            h = h * 1_000_003 + Float.floatToRawIntBits(v);
        }
        return Long.toHexString(h);
    }

    private static String hash(double[] a) {
        long h = 1;
        for (double v : a) {
            h = h * 1_000_003 + Double.doubleToRawLongBits(v);
        }
        return Long.toHexString(h);
    }

    /** Run by the test in a JVM with -Xint: prints the digests computed by the interpreter. */
    public static final class Interpreted {
        public static void main(String[] args) {
            for (String d : digests()) {
                System.out.println(d);
            }
        }
    }

    @Test
    void mathGivesTheSameBitsInterpretedAndCompiled() throws IOException, InterruptedException {
        for (int warm = 0; warm < 300; warm++) {
            digests();
        }
        List<String> compiled = digests();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xint", "--add-modules", "jdk.incubator.vector"));
        // the same vector width as this JVM (a -XX:MaxVectorSize=16 run must compare 128-bit lanes with 128-bit lanes)
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:MaxVectorSize") || arg.startsWith("-XX:UseAVX") || arg.startsWith("-XX:UseSSE")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Interpreted.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the -Xint JVM did not finish");
        assertEquals(0, p.exitValue(), "the -Xint JVM failed: " + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(String.join("\n", compiled), stdout.strip());
    }

    @Test
    void specialValuesAreThoseOfMath() {
        float[] xs = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 88.7f, 88.73f, 89f, -87.3f, -100f,
            -103.9f, -104f, -200f, 1e-30f, -1e-30f, Float.MIN_VALUE, Float.MIN_NORMAL, 1e-40f, Float.MAX_VALUE, -1f, 1f, 0.625f, -0.625f, 20f};
        float[] e = new float[xs.length];
        float[] l = new float[xs.length];
        float[] t = new float[xs.length];
        FloatSimd.INSTANCE.exp(xs, 0, e, 0, xs.length);
        FloatSimd.INSTANCE.log(xs, 0, l, 0, xs.length);
        FloatSimd.INSTANCE.tanh(xs, 0, t, 0, xs.length);
        for (int i = 0; i < xs.length; i++) {
            assertClose("exp(" + xs[i] + ")", (float) Math.exp(xs[i]), e[i]);
            assertClose("log(" + xs[i] + ")", (float) Math.log(xs[i]), l[i]);
            assertClose("tanh(" + xs[i] + ")", (float) Math.tanh(xs[i]), t[i]);
        }
        double[] xd = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, -0.0, 709.7, 709.8, 710, -708, -740,
            -745, -746, -1e4, Double.MIN_VALUE, Double.MIN_NORMAL, 1e-310, Double.MAX_VALUE, -1, 1, 0.625, 30};
        double[] ed = new double[xd.length];
        double[] ld = new double[xd.length];
        double[] td = new double[xd.length];
        DoubleSimd.INSTANCE.exp(xd, 0, ed, 0, xd.length);
        DoubleSimd.INSTANCE.log(xd, 0, ld, 0, xd.length);
        DoubleSimd.INSTANCE.tanh(xd, 0, td, 0, xd.length);
        for (int i = 0; i < xd.length; i++) {
            assertClose("exp(" + xd[i] + ")", Math.exp(xd[i]), ed[i]);
            assertClose("log(" + xd[i] + ")", Math.log(xd[i]), ld[i]);
            assertClose("tanh(" + xd[i] + ")", Math.tanh(xd[i]), td[i]);
        }
    }

    /** Equal as special values (NaN, infinities, signed zeros), else within 2 ulp (of the subnormal spacing below MIN_NORMAL). */
    private static void assertClose(String what, double want, double got) {
        if (Double.isNaN(want) || Double.isInfinite(want) || want == 0) {
            assertEquals(want, got, 0.0, what);
            if (!Double.isNaN(want)) {
                assertEquals(Math.copySign(1, want), Math.copySign(1, got), 0.0, what + " sign");
            }
            return;
        }
        assertTrue(Math.abs(want - got) <= 2 * Math.ulp(want), what + ": want " + want + ", got " + got);
    }

    private static void assertClose(String what, float want, float got) {
        if (Float.isNaN(want) || Float.isInfinite(want) || want == 0) {
            assertEquals(want, got, 0f, what);
            if (!Float.isNaN(want)) {
                assertEquals(Math.copySign(1f, want), Math.copySign(1f, got), 0f, what + " sign");
            }
            return;
        }
        assertTrue(Math.abs(want - got) <= 2 * Math.ulp(want), what + ": want " + want + ", got " + got);
    }
}
