package dev.vecgrad.kernels;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;

/**
 * Keeps C1 away from the GEMM micro-kernels, so that they go from the interpreter straight to C2.
 *
 * <p>C1 does not intrinsify the Vector API, and it cannot compile most of these kernels with
 * full profiling ("out of virtual registers"). Tiered compilation then left some of them in a
 * C1 tier-2 version that never moved on to C2: sgemm ran at 2 GFLOP/s for a whole run, in
 * about half of the runs on a 2-core machine. A compiler directive that excludes C1 for this
 * classes removes that path. It is added at run time through the HotSpot diagnostic-command
 * MBean, so library users need no JVM flag; where that MBean is missing (not HotSpot, no
 * jdk.management) nothing happens and {@link #installed()} says so.
 */
final class JitDirectives {

    private static final String DIRECTIVE =
            "[ { match: [\"dev/vecgrad/kernels/FloatMicroKernels.*\", \"dev/vecgrad/kernels/DoubleMicroKernels.*\"],"
            + " c1: { Exclude: true } } ]";

    private static final boolean INSTALLED = install();

    private JitDirectives() {}

    /** True when the directive is in place. */
    static boolean installed() {
        return INSTALLED;
    }

    private static boolean install() {
        if ("false".equalsIgnoreCase(System.getProperty("vecgrad.jitDirectives"))) {
            return false;
        }
        Path file = null;
        try {
            file = Files.createTempFile("vecgrad-jit", ".json");
            Files.writeString(file, DIRECTIVE);
            ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
            Object result = ManagementFactory.getPlatformMBeanServer().invoke(name, "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            return String.valueOf(result).contains("1 compiler directives added");
        } catch (Exception | LinkageError e) {
            return false;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (java.io.IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }
}
