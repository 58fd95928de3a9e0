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

/**
 * The checks of generated sources that the kernels' and autograd's GeneratedSourcesTests share:
 * a generator's {@code --check} (where python3 is installed), and every file of a module listed
 * in {@code kernels/gen/checksums.txt} against its SHA-256 (no Python needed).
 */
public final class GeneratedChecksums {

    private static final String REGION = "#generated-region";

    private GeneratedChecksums() {}

    /** Runs {@code python3 generator --check} and requires it to pass; skipped (an assumption) without python3. */
    public static void check(Path generator) throws IOException, InterruptedException {
        assumeTrue(python(), "python3 is not installed; the checksums are still checked");
        Process p = new ProcessBuilder("python3", generator.toString(), "--check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), generator + " --check: " + out);
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
     * The manifest's lines for files under {@code module} (at least {@code minimum} of them), each
     * one that does not match: a message naming the file and the generator to run.
     */
    public static List<String> staleChecksums(Path repo, String module, int minimum) throws IOException {
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
        assertTrue(checked >= minimum, "lines for " + module + " in kernels/gen/checksums.txt: " + checked + ", expected " + minimum
                + " or more");
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
}
