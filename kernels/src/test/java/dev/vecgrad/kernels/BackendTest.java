package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The backend choice, checked in child JVMs started with and without the incubator module. */
class BackendTest {

    @Test
    void testsRunOnTheVectorKernels() {
        assertTrue(Backend.isVectorized(), "the test JVM has --add-modules jdk.incubator.vector: " + Backend.summary());
        assertTrue(Backend.summary().contains("Vector API"), Backend.summary());
        assertTrue(Backend.report().contains("sgemm:"), Backend.report());
        assertSame(FloatSimd.INSTANCE, Backend.FLOAT);
        assertSame(DoubleSimd.INSTANCE, Backend.DOUBLE);
    }

    @Test
    void withoutTheIncubatorModuleItWarnsOnceAndComputesCorrectly() throws Exception {
        Child child = runChild(List.of());
        assertEquals(0, child.exit, child.output);
        assertTrue(child.output.contains("product ok, vectorized=false, kernels FloatScalar DoubleScalar"), child.output);
        assertEquals(1, count(child.output, "[vecgrad] WARNING: kernels: scalar reference (module jdk.incubator.vector is not available"),
                child.output);
    }

    @Test
    void scalarCanBeForcedBySystemProperty() throws Exception {
        Child child = runChild(List.of("--add-modules", "jdk.incubator.vector", "-Dvecgrad.scalar=true"));
        assertEquals(0, child.exit, child.output);
        assertTrue(child.output.contains("product ok, vectorized=false, kernels FloatScalar DoubleScalar"), child.output);
        assertTrue(child.output.contains("[vecgrad] kernels: scalar reference (forced by -Dvecgrad.scalar=true)"), child.output);
        assertFalse(child.output.contains("WARNING: kernels"), child.output);
    }

    @Test
    void withTheModuleTheChildLogsOneShortLineNamingWidthFmaAndThreads() throws Exception {
        Child child = runChild(List.of("--add-modules", "jdk.incubator.vector", "-Dvecgrad.threads=3"));
        assertEquals(0, child.exit, child.output);
        assertTrue(child.output.contains("product ok, vectorized=true, kernels FloatSimd DoubleSimd"), child.output);
        assertEquals(1, count(child.output, "[vecgrad] kernels: Vector API, "), child.output);
        String line = child.output.lines().filter(l -> l.startsWith("[vecgrad] kernels:")).findFirst().orElseThrow();
        assertTrue(line.matches("\\[vecgrad] kernels: Vector API, \\d+-bit vectors, (hardware FMA|no hardware FMA), 3 threads"), line);
        // the line would be a WARNING if JitDirectives had failed; this child, without --add-opens
        // for jdk.management, installs them through the MBean server
        assertTrue(line.length() <= 80, "fits an 80-column terminal: " + line.length() + " columns");
    }

    private record Child(int exit, String output) {}

    private static Child runChild(List<String> jvmArgs) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ChildMain.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not finish: " + out);
        }
        return new Child(p.exitValue(), out);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * Runs two GEMMs, a pixel conversion and the other facades (a map, a split map, a sum, a row
     * softmax) and checks them against hand-computed results; without the module none of them
     * may touch a Vector API class.
     */
    public static final class ChildMain {
        public static void main(String[] args) {
            float[] c = new float[4];
            Gemm.sgemm(2, 2, 3, new float[] {1, 2, 3, 4, 5, 6}, new float[] {7, 8, 9, 10, 11, 12}, c);
            double[] d = new double[4];
            Gemm.dgemm(false, true, 2, 2, 3, 2, new double[] {1, 2, 3, 4, 5, 6}, 0, 3,
                    new double[] {7, 9, 11, 8, 10, 12}, 0, 3, 0, d, 0, 2);
            float[] px = new float[3];
            Conversions.unsignedBytesToFloats(new byte[] {(byte) 255, 0, 51}, 0, px, 0, 3, 1f / 255, 0f);
            int big = Elementwise.GRAIN + 5;
            double[] ones = new double[big];
            java.util.Arrays.fill(ones, 1);
            Elementwise.add(ones, 0, ones, 0, ones, 0, big);
            float[] relu = new float[] {-1, 2, -3};
            Elementwise.relu(relu, 0, relu, 0, 3);
            float[] soft = new float[2];
            RowOps.rowSoftmax(new float[] {0, 0}, 0, 1, 2, soft, 0);
            boolean ok = java.util.Arrays.equals(c, new float[] {58, 64, 139, 154})
                    && java.util.Arrays.equals(d, new double[] {116, 128, 278, 308})
                    && java.util.Arrays.equals(px, new float[] {255 * (1f / 255), 0, 51 * (1f / 255)})
                    && Reductions.sum(ones, 0, big) == 2.0 * big
                    && java.util.Arrays.equals(relu, new float[] {0, 2, 0})
                    && java.util.Arrays.equals(soft, new float[] {0.5f, 0.5f});
            System.out.println(ok ? "product ok, vectorized=" + Backend.isVectorized() + ", kernels "
                    + Backend.FLOAT.getClass().getSimpleName() + " " + Backend.DOUBLE.getClass().getSimpleName()
                    : "WRONG " + java.util.Arrays.toString(c) + " " + java.util.Arrays.toString(d) + " "
                    + java.util.Arrays.toString(px) + " " + java.util.Arrays.toString(relu) + " " + java.util.Arrays.toString(soft));
            System.exit(ok ? 0 : 1);
        }
    }
}
