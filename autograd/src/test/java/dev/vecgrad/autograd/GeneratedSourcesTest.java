package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generated float64 twin, and the code generated from the kernels' op table (the Storage
 * enums' region, ElementwiseDispatch), are what their generators write today: by their SHA-256
 * in {@code kernels/gen/checksums.txt} (no Python needed) and, where python3 is installed, by
 * each generator's {@code --check}. The checksum code is kernels' GeneratedSourcesTest's.
 */
class GeneratedSourcesTest {

    private static final Path REPO = Path.of("..");
    private static final String REGION = "#generated-region";

    private static void check(Path generator) throws IOException, InterruptedException {
        assumeTrue(python(), "python3 is not installed; the checksums are still checked");
        Process p = new ProcessBuilder("python3", generator.toString(), "--check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), generator + " --check: " + out);
    }

    private static boolean python() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void generatedFilesMatchTheirChecksums() throws IOException {
        List<String> stale = new ArrayList<>();
        int checked = 0;
        for (String line : Files.readAllLines(REPO.resolve("kernels/gen/checksums.txt"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ");
            if (!f[2].startsWith("autograd/")) {
                continue;
            }
            checked++;
            if (!sha256(content(f[2])).equals(f[0])) {
                stale.add(f[2] + (f[1].equals("output")
                        ? " is not what " + f[3] + " wrote: edit the generator or its inputs, not this file, and run python3 "
                        : " changed since " + f[3] + " last ran: run python3 ") + f[3]);
            }
        }
        assertTrue(checked >= 5, "lines for autograd in kernels/gen/checksums.txt: " + checked);
        assertTrue(stale.isEmpty(), String.join("\n", stale));
    }

    private static byte[] content(String path) throws IOException {
        if (!path.endsWith(REGION)) {
            return Files.readAllBytes(REPO.resolve(path));
        }
        String text = Files.readString(REPO.resolve(path.substring(0, path.length() - REGION.length())));
        int begin = text.indexOf("    // GENERATED region");
        String end = "    // end of GENERATED region\n";
        return text.substring(begin, text.indexOf(end, begin) + end.length()).getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void doubleStorageIsRegeneratedFromFloatStorage() throws IOException, InterruptedException {
        check(Path.of("gen", "storage.py"));
    }

    @Test
    void elementwiseEnumsAndDispatchAreRegeneratedFromTheKernelsOpTable() throws IOException, InterruptedException {
        check(Path.of("..", "kernels", "gen", "elementwise.py"));
    }
}
