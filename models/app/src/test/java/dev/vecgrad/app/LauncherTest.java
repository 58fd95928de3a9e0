package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The launcher's one-thread pinning ({@code pin_prefix} in {@code ./vecgrad}), run by bash:
 * core 0 by default, never outside an affinity the user set.
 */
class LauncherTest {

    private static final Path LAUNCHER = Path.of(System.getProperty("user.dir")).resolve("../../vecgrad").normalize();

    /** What {@code pin_prefix args} prints when bash runs under {@code prefix} (e.g. taskset -c 1). */
    private static String pinPrefix(List<String> prefix, String args) throws IOException, InterruptedException {
        String script = Files.readString(LAUNCHER);
        int from = script.indexOf("\npin_prefix() {");
        int to = script.indexOf("\n}\n", from);
        assertTrue(from >= 0 && to > from, "pin_prefix() in " + LAUNCHER);
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("bash", "-c", script.substring(from, to + 3) + "pin_prefix " + args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private static boolean hasTaskset() {
        try {
            return new ProcessBuilder("taskset", "-cp", "1").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void oneThreadRunsArePinnedInsideTheUsersAffinity() throws Exception {
        assumeTrue(hasTaskset(), "taskset is not installed");
        assertEquals("", pinPrefix(List.of(), "--threads 2"), "several threads: not pinned");
        assertEquals("", pinPrefix(List.of(), "--epochs 1"), "no --threads: not pinned");
        String own = pinPrefix(List.of(), "--threads 1");
        assertTrue(own.matches("taskset -c \\d+"), own);
        assertEquals(own, pinPrefix(List.of(), "--threads=1"));
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one CPU: no narrower affinity to try");
        String last = "taskset -c " + (Runtime.getRuntime().availableProcessors() - 1);
        List<String> allowed = List.of(last.split(" "));
        assertEquals(last, pinPrefix(allowed, "--threads 1"), "pinned to the CPU the user allowed, not to core 0");
    }
}
