package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The JIT directives are in place on HotSpot, as the JVM itself reports them, either way they get there. */
class JitDirectivesTest {

    @Test
    void addedAtRunTimeTheJvmHoldsBoth() throws Exception {
        assertTrue(JitDirectives.installed(), "JitDirectives.installed() on a HotSpot JDK");
        assertHoldsBoth(printed());
    }

    /** The launcher's flags: the resource as -XX:CompilerDirectivesFile, nothing added at run time, nothing printed before the program's output. */
    @Test
    void passedAsAFlagTheJvmHoldsBothOnce() throws Exception {
        Path file = Path.of(JitDirectives.class.getResource("jit-directives.json").toURI());
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(java, "--add-modules", "jdk.incubator.vector", "-XX:+UnlockDiagnosticVMOptions",
                "-XX:CompilerDirectivesFile=" + file, "-XX:-DisplayVMOutput", "-Dvecgrad.jitDirectives=preinstalled",
                "-cp", System.getProperty("java.class.path"), Child.class.getName())).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        assertEquals(0, p.exitValue(), "the child JVM failed: " + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(stdout.startsWith("installed true\n"), stdout);
        assertHoldsBoth(stdout);
        assertEquals(1, stdout.split("jdk/incubator/vector/\\*\\.\\*", -1).length - 1, "added once, not again at run time: " + stdout);
    }

    private static void assertHoldsBoth(String printed) {
        assertTrue(printed.contains("dev/vecgrad/kernels/FloatMicroKernels.*"), printed);
        assertTrue(printed.contains("jdk/incubator/vector/*.*"), printed);
    }

    private static String printed() throws Exception {
        ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
        return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(name, "compilerDirectivesPrint",
                new Object[] {new String[0]}, new String[] {String[].class.getName()}));
    }

    /** Prints whether the directives count as installed, then the JVM's directive stack. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            System.out.println("installed " + JitDirectives.installed());
            System.out.println(printed());
        }
    }
}
