package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every generated kernel source (headed "// GENERATED") is what its generator writes today: each
 * file's SHA-256 against {@code gen/checksums.txt} (no Python needed; a hand edit of a generated
 * file, or an input edited without rerunning its generator, fails), and, where python3 is
 * installed, each generator's {@code --check}, which regenerates the text and compares it.
 */
class GeneratedSourcesTest {

    private static final Path REPO = Path.of("..");

    private static void check(String generator) throws IOException, InterruptedException {
        GeneratedChecksums.check(Path.of("gen", generator));
    }

    @Test
    void generatedFilesMatchTheirChecksums() throws IOException {
        List<String> stale = GeneratedChecksums.staleChecksums(REPO, "kernels", 1);
        assertTrue(stale.isEmpty(), String.join("\n", stale));
    }

    @Test
    void elementwiseFacadeIsRegenerated() throws IOException, InterruptedException {
        check("elementwise.py");
    }

    @Test
    void microKernelsAndDoubleTwinsAreRegenerated() throws IOException, InterruptedException {
        check("microkernels.py");
    }

    @Test
    void expLogCoefficientsAreRefitted() throws IOException, InterruptedException {
        check("exp_log_fit.py");
    }

    @Test
    void erfcCoefficientsAreRewrittenFromTheRecordedFit() throws IOException, InterruptedException {
        check("erfc_fit.py");
    }

    @Test
    void theManifestCoversEveryGeneratedFile() throws IOException, InterruptedException {
        check("checksums.py");
    }
}
