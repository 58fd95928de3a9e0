package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The JIT directives are in place on HotSpot, as the JVM itself reports them. */
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
}
