package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JIT directives are in place on HotSpot, as the JVM itself reports them, and both routes to
 * the diagnostic command add one. The test JVM opens jdk.management's internals as the launcher
 * does; BackendTest's child JVMs, without that, cover the public route's use by {@code install}.
 */
class JitDirectivesTest {

    @Test
    void theJvmHoldsTheDirectives() throws Exception {
        assertTrue(JitDirectives.installed(), "JitDirectives.installed() on a HotSpot JDK");
        ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
        String printed = String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(name, "compilerDirectivesPrint",
                new Object[] {new String[0]}, new String[] {String[].class.getName()}));
        assertTrue(printed.contains("dev/vecgrad/kernels/FloatMicroKernels.*"), printed);
        assertTrue(printed.contains("jdk/incubator/vector/*.*"), printed);
        for (String outOfLine : new String[] {"FloatGemm.sgemm", "DoubleGemm.dgemm", "GemmDriver.compute"}) {
            assertTrue(printed.contains("-dev/vecgrad/kernels/" + outOfLine), printed);
        }
    }

    @Test
    void theDirectRouteAndTheMBeanServerEachAddADirectiveFromAPathWithSpaces(@TempDir Path dir) throws Exception {
        Path file = Files.createDirectory(dir.resolve("a folder")).resolve("one directive.json");
        Files.writeString(file, "[ { match: \"dev/vecgrad/kernels/JitDirectivesTest.noSuchMethod\", c2: { Exclude: true } } ]");
        String direct = JitDirectives.addDirectly(file);
        assertNotNull(direct, "the test JVM opens com.sun.management.internal (vecgrad.jvm.args), so the direct route is taken");
        assertTrue(direct.contains("1 compiler directives added"), direct);
        String server = JitDirectives.addThroughMBeanServer(file);
        assertTrue(server.contains("1 compiler directives added"), server);
    }
}
