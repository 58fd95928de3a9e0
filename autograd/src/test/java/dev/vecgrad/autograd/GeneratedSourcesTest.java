package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.kernels.GeneratedChecksums;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generated float64 twin, and the code generated from the kernels' op table (the Storage
 * enums' region, ElementwiseDispatch), are what their generators write today: by their SHA-256
 * in {@code kernels/gen/checksums.txt} (no Python needed) and, where python3 is installed, by
 * each generator's {@code --check}. The checks are the kernels' test helper
 * {@code GeneratedChecksums}.
 */
class GeneratedSourcesTest {

    private static final Path REPO = Path.of("..");

    @Test
    void generatedFilesMatchTheirChecksums() throws IOException {
        List<String> stale = GeneratedChecksums.staleChecksums(REPO, "autograd", 5);
        assertTrue(stale.isEmpty(), String.join("\n", stale));
    }

    @Test
    void doubleStorageIsRegeneratedFromFloatStorage() throws IOException, InterruptedException {
        GeneratedChecksums.check(Path.of("gen", "storage.py"));
    }

    @Test
    void elementwiseEnumsAndDispatchAreRegeneratedFromTheKernelsOpTable() throws IOException, InterruptedException {
        GeneratedChecksums.check(Path.of("..", "kernels", "gen", "elementwise.py"));
    }
}
