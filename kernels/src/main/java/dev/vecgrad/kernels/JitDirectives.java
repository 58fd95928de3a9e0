package dev.vecgrad.kernels;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import javax.management.ObjectName;

/**
 * Three compiler directives for a faster and steadier JIT warm-up of the Vector API kernels.
 *
 * <p><b>C1 excluded for the GEMM and direct-convolution micro-kernels.</b> C1 does not intrinsify the Vector API, and
 * it cannot compile most of the micro-kernels with full profiling ("out of virtual registers").
 * Tiered compilation then left some of them in a C1 tier-2 version that never moved on to C2:
 * sgemm ran at 2 GFLOP/s for a whole run, in about half of the runs on a 2-core machine. With C1
 * excluded they go from the interpreter straight to C2. The micro-kernels take every vector from
 * a {@code fromArray} or {@code broadcast} of the constant species, so C2 needs no profile to
 * know their vector classes.
 *
 * <p><b>No standalone C2 compiles of the Vector API.</b> Until C2 has compiled a kernel, the
 * interpreter or C1 runs it, and every vector operation goes through the API's Java fallback: a
 * loop over lanes calling a lambda. Those fallbacks become hot themselves, and C2 compiled them as
 * methods of their own (180 of the 640 C2 compiles of a cold Fashion-MNIST demo on one core),
 * ahead of the kernels that matter. The second directive keeps C2 from compiling the API's own
 * classes as compile roots. It does not stop C2 from inlining them: compiled kernels inline and
 * intrinsify every vector operation as before, and C1 still compiles the fallbacks. On one
 * pinned core the GRU benchmark's first iteration went from 3.2-3.9 to 2.4-2.7 s with its steady
 * state unchanged (19.2-20.3 ms), and GEMM's steady state is unchanged.
 *
 * <p><b>One copy of the GEMM driver.</b> Each entry on the way to the loop nest
 * ({@code Gemm.sgemm}, {@code VectorGemmImpl.sgemm}, the {@code FloatGemm.sgemm} overloads) is hot
 * on its own, so C2 compiled each of them as a root with the whole driver inlined (about 4 KB of
 * bytecode each time), and did it again after each trap. The third directive keeps
 * {@code FloatGemm.sgemm} ({@code DoubleGemm.dgemm}) and {@code GemmDriver.compute} out of line
 * in vecgrad's methods: the entries stay small and the driver is compiled once. In a cold demo
 * {@code Gemm.sgemm} went from 4 C2 compiles (0.195 s) to 1 (0.028 s), JFR; the C2 thread's CPU
 * (1.40, 1.46, 1.61 s against 1.54, 1.58, 1.60) is too noisy to show more. A call pays for one
 * call and the {@code Problem} it no longer scalar-replaces (the 64x10x64 NT product about 2%
 * slower, within its noise). The
 * pattern covers both {@code FloatGemm.sgemm} overloads (the short one calls the long one out of
 * line too), and {@code compute}, compiled on its own, dispatches on its type profile (float and
 * double in one JVM: two receivers, which C2 still inlines). HotSpot consults a directive's
 * inline rules instead of {@code -XX:CompileCommand=inline/dontinline}: for C2 compiles of
 * vecgrad's methods, those flags no longer apply.
 *
 * <p><b>Tried and rejected</b> (issue 14's note has the figures): excluding C1 for every kernel
 * class, and {@code BackgroundCompilation: false} (the caller waits for C2 instead of running the
 * kernel interpreted). Both cut the cold demo further, to 0.7x of its time, but C2 then compiled
 * helpers such as {@code exp} from the interpreter with too young a profile to know their
 * vectors' class; the vector operations stayed out-of-line calls, and one GRU process in four ran
 * 1.2x to 10x slower for good. The launcher's {@code -XX:CompileCommand=CompileThresholdScaling,
 * dev/vecgrad/kernels/*.*,0.1} (earlier compiles, with C1's profiling kept) is the part of that
 * work that stayed; a directive cannot set thresholds, so an embedding application that wants it
 * adds that flag itself.
 *
 * <p>The directives apply to the whole JVM. They are added at run time with HotSpot's
 * {@code Compiler.directives_add} diagnostic command, so library users need no JVM flag; where
 * that command is missing (not HotSpot, no jdk.management) nothing happens and
 * {@link #installed()} says so. The public way to the command, the platform MBean server, costs
 * about 0.3 s of a cold start on one core (it starts JMX and registers every platform MBean) for
 * a command that itself takes a few milliseconds. When the JDK's {@code
 * com.sun.management.internal} package is open to vecgrad ({@code --add-opens
 * jdk.management/com.sun.management.internal=ALL-UNNAMED}, which the launcher passes), the
 * command is sent straight to the diagnostic-command bean's native entry instead: 5-8 ms in a
 * test program against 290-310 ms through the server, each in a fresh JVM on one pinned core. A
 * JDK that lays those internals out differently, or a JVM without the flag, takes the public
 * way, with the same directives.
 *
 * <p>The same directives as a {@code -XX:CompilerDirectivesFile} flag cost nothing, but HotSpot
 * then prints "3 compiler directives added" on stdout, and hiding that ({@code
 * -XX:-DisplayVMOutput}) also hides the JVM's own start-up errors, so the launcher does not do
 * it. An application
 * that runs vector code of its own and wants C2 for the API's fallbacks, or any other reason to
 * leave the JIT alone, sets {@code -Dvecgrad.jitDirectives=false}. None of this changes a result:
 * compiled and interpreted kernels compute the same operations in the same order.
 */
final class JitDirectives {

    private static final String DIRECTIVE =
            "[ { match: [\"dev/vecgrad/kernels/FloatMicroKernels.*\", \"dev/vecgrad/kernels/DoubleMicroKernels.*\","
            + " \"dev/vecgrad/kernels/DirectConvSimd.*\"],"
            + " c1: { Exclude: true } },"
            + " { match: [\"jdk/incubator/vector/*.*\", \"jdk/internal/vm/vector/*.*\"], c2: { Exclude: true } },"
            + " { match: \"dev/vecgrad/*.*\", c2: { inline: [\"-dev/vecgrad/kernels/FloatGemm.sgemm\","
            + " \"-dev/vecgrad/kernels/DoubleGemm.dgemm\", \"-dev/vecgrad/kernels/GemmDriver.compute\"] } } ]";

    /** How many directives {@link #DIRECTIVE} holds; the diagnostic command reports that count. */
    private static final int DIRECTIVES = 3;

    private static final boolean INSTALLED = install();

    private JitDirectives() {}

    /** True when the directives are in place. */
    static boolean installed() {
        return INSTALLED;
    }

    private static boolean install() {
        if ("false".equalsIgnoreCase(System.getProperty("vecgrad.jitDirectives"))) {
            return false;
        }
        Path file = null;
        try {
            file = directivesFile();
            String result = addDirectly(file);
            if (result == null) {
                result = addThroughMBeanServer(file);
            }
            return result.contains(DIRECTIVES + " compiler directives added");
        } catch (Exception | LinkageError e) {
            return false;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    /**
     * A new file holding the directives, readable by its owner only, named by the process and
     * the clock where {@link Files#createTempFile} would first seed a {@code SecureRandom} for the
     * name (25 ms of a cold start, and nothing else in a run needs one). Creating it refuses a
     * file or link that is already there; then a random name is taken after all. A file that
     * cannot be written is deleted before the error goes on.
     */
    private static Path directivesFile() throws IOException {
        FileAttribute<?>[] ownerOnly = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        Path file = Path.of(System.getProperty("java.io.tmpdir"),
                "vecgrad-jit-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".json");
        try {
            Files.createFile(file, ownerOnly);
        } catch (FileAlreadyExistsException e) {
            file = Files.createTempFile("vecgrad-jit", ".json");
        }
        try {
            Files.writeString(file, DIRECTIVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return file;
    }

    /**
     * Runs {@code Compiler.directives_add file} on the diagnostic-command bean without the MBean
     * server, and returns what the command printed, or null when the JDK's internals are closed
     * to vecgrad or not where this looks for them.
     */
    static String addDirectly(Path file) {
        try {
            // its static initializer loads the native library the bean's methods live in
            Class.forName("com.sun.management.internal.PlatformMBeanProviderImpl");
            Class<?> impl = Class.forName("com.sun.management.internal.DiagnosticCommandImpl");
            Method bean = impl.getDeclaredMethod("getDiagnosticCommandMBean");
            bean.setAccessible(true);
            Object target = bean.invoke(null);
            if (target == null) {
                return null;
            }
            Method execute = impl.getDeclaredMethod("executeDiagnosticCommand", String.class);
            execute.setAccessible(true);
            return String.valueOf(execute.invoke(target, "Compiler.directives_add " + quoted(file)));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The same command through the platform MBean server: public API, about 0.3 s of a cold start. */
    static String addThroughMBeanServer(Path file) throws Exception {
        ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
        return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(name, "compilerDirectivesAdd",
                new Object[] {new String[] {quoted(file)}}, new String[] {String[].class.getName()}));
    }

    /** The path as one argument of a diagnostic command, which splits its arguments at spaces. */
    private static String quoted(Path file) {
        return "\"" + file + "\"";
    }
}
