package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The generated float64 twin, and the code generated from the kernels' op table, are what their generators write today. */
class GeneratedSourcesTest {

    @Test
    void doubleStorageIsRegeneratedFromFloatStorage() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", Path.of("gen", "storage.py").toString(), "--check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "autograd/gen/storage.py --check: " + out);
    }

    @Test
    void elementwiseEnumsAndDispatchAreRegeneratedFromTheKernelsOpTable() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", Path.of("..", "kernels", "gen", "elementwise.py").toString(), "--check")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "kernels/gen/elementwise.py --check: " + out);
    }
}
