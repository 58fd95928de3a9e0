package dev.vecgrad.kernels;

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
 * Every generated kernel source (headed "// GENERATED") is what its generator writes today: each
 * file's SHA-256 against {@code gen/checksums.txt} (no Python needed; a hand edit of a generated
 * file, or an input edited without rerunning its generator, fails), and, where python3 is
 * installed, each generator's {@code --check}, which regenerates the text and compares it.
 */
class GeneratedSourcesTest {

    private static final Path REPO = Path.of("..");
    private static final String REGION = "#generated-region";

    private static void check(String generator) throws IOException, InterruptedException {
        assumeTrue(python(), "python3 is not installed; the checksums are still checked");
        Process p = new ProcessBuilder("python3", Path.of("gen", generator).toString(), "--check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "kernels/gen/" + generator + " --check: " + out);
    }

    static boolean python() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * The manifest's lines for files under {@code module}, each one that does not match: a
     * message naming the file and the generator to run (autograd's GeneratedSourcesTest has the same code).
     */
    static List<String> staleChecksums(Path repo, String module) throws IOException {
        List<String> stale = new ArrayList<>();
        int checked = 0;
        for (String line : Files.readAllLines(repo.resolve("kernels/gen/checksums.txt"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ");
            String path = f[2];
            if (!path.startsWith(module + "/")) {
                continue;
            }
            checked++;
            String actual = sha256(content(repo, path));
            if (!actual.equals(f[0])) {
                stale.add(path + (f[1].equals("output")
                        ? " is not what " + f[3] + " wrote: edit the generator or its inputs, not this file, and run python3 "
                        : " changed since " + f[3] + " last ran: run python3 ") + f[3]);
            }
        }
        assertTrue(checked > 0, "no lines for " + module + " in kernels/gen/checksums.txt");
        return stale;
    }

    /** The bytes a manifest line covers: the file, or its GENERATED region (as checksums.py cuts it). */
    static byte[] content(Path repo, String path) throws IOException {
        if (!path.endsWith(REGION)) {
            return Files.readAllBytes(repo.resolve(path));
        }
        String text = Files.readString(repo.resolve(path.substring(0, path.length() - REGION.length())));
        int begin = text.indexOf("    // GENERATED region");
        String end = "    // end of GENERATED region\n";
        int stop = text.indexOf(end, begin) + end.length();
        return text.substring(begin, stop).getBytes(StandardCharsets.UTF_8);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void generatedFilesMatchTheirChecksums() throws IOException {
        List<String> stale = staleChecksums(REPO, "kernels");
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
