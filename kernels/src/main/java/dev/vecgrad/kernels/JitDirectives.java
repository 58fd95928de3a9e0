package dev.vecgrad.kernels;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;

/**
 * Sends the kernels from the interpreter straight to C2, and makes the thread that needs a
 * kernel wait for C2 instead of running it interpreted.
 *
 * <p><b>C1 excluded.</b> C1 does not intrinsify the Vector API, and it cannot compile most of the
 * micro-kernels with full profiling ("out of virtual registers"). Tiered compilation then left
 * some of them in a C1 tier-2 version that never moved on to C2: sgemm ran at 2 GFLOP/s for a
 * whole run, in about half of the runs on a 2-core machine. Excluding C1 for the kernel classes
 * removes that path.
 *
 * <p><b>Blocking C2 compiles.</b> Until C2 has compiled a Vector API kernel, it runs in the
 * interpreter, where every vector operation goes through the API's Java fallback: a loop over
 * lanes calling a lambda, hundreds of times slower than the compiled kernel. Worse, those
 * fallbacks become hot themselves, and C2 compiles them as methods of their own (180 of the 640
 * C2 compiles of a cold Fashion-MNIST demo), which delays the kernels that matter. With
 * {@code BackgroundCompilation: false} for the kernel classes, the caller waits for the kernel's
 * compile instead. On one pinned core this cut the demo's main thread from 4.4 to 3.4 s of CPU
 * and the process from 8.2-9.0 to 7.6-8.2 s (issue 14's note has the figures). The launcher
 * adds {@code -XX:CompileCommand=CompileThresholdScaling,dev/vecgrad/kernels/*.*,0.1} on top,
 * so that the wait comes after a tenth of the usual calls; a directive cannot set thresholds,
 * so an embedding application that wants the same adds that flag itself.
 *
 * <p><b>No standalone C2 compiles of the Vector API.</b> The second directive keeps C2 from
 * compiling the API's own classes as methods of their own. It does not stop C2 from inlining
 * them: the compiled kernels inline and intrinsify every vector operation as before. What it
 * stops is C2 compiling the fallbacks that the interpreter and C1 run (about 170 compiles in a
 * cold demo); C1 still compiles those. A cold demo on one pinned core went from 6.7 to 6.0 s,
 * its second epoch unchanged. The directive applies to the whole JVM: an application that runs
 * vector code of its own outside C2-compiled callers, and wants C2 for it, turns all of this
 * off with {@code -Dvecgrad.jitDirectives=false}.
 *
 * <p>The directive is added at run time through the HotSpot diagnostic-command MBean, so
 * library users need no JVM flag; where that MBean is missing (not HotSpot, no jdk.management)
 * nothing happens and {@link #installed()} says so. {@code -Dvecgrad.jitDirectives=false}
 * leaves the JIT as it is. Neither changes a result: the compiled and interpreted kernels
 * compute the same operations in the same order.
 */
final class JitDirectives {

    private static final String DIRECTIVE =
            "[ { match: [\"dev/vecgrad/kernels/*.*\"], c1: { Exclude: true }, c2: { BackgroundCompilation: false } },"
            + " { match: [\"jdk/incubator/vector/*.*\", \"jdk/internal/vm/vector/*.*\"], c2: { Exclude: true } } ]";

    /** How many directives {@link #DIRECTIVE} holds; the diagnostic command reports that count. */
    private static final int DIRECTIVES = 2;

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
            return String.valueOf(result).contains(DIRECTIVES + " compiler directives added");
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
