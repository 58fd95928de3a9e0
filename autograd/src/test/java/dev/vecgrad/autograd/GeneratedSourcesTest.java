package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The generated float64 twin is what its generator writes from the float32 source today. */
class GeneratedSourcesTest {

    @Test
    void doubleStorageIsRegeneratedFromFloatStorage() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", Path.of("gen", "storage.py").toString(), "--check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "autograd/gen/storage.py --check: " + out);
    }
}
