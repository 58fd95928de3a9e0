package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every generated kernel source (headed "// GENERATED") is what its generator writes today. */
class GeneratedSourcesTest {

    private static void check(String generator) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", Path.of("gen", generator).toString(), "--check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "kernels/gen/" + generator + " --check: " + out);
    }

    @Test
    void elementwiseFacadeIsRegenerated() throws IOException, InterruptedException {
        check("elementwise.py");
    }

    @Test
    void microKernelsAndDoubleTwinsAreRegenerated() throws IOException, InterruptedException {
        check("microkernels.py");
    }
}
