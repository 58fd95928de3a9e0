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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's one-thread pinning ({@code pin_prefix} in {@code ./vecgrad}), run by bash:
 * core 0 by default, never outside an affinity the user set; and its class-data sharing archive
 * ({@code cds_setup}, {@code run_jvm}), run by bash against a stand-in for java; how it reads a
 * JDK's version ({@code jdk_major}); its usage's width; and its line for an unknown command.
 */
class LauncherTest {

    private static final Path LAUNCHER = Path.of(System.getProperty("user.dir")).resolve("../vecgrad").normalize();

    /** What {@code pin_prefix args} prints when bash runs under {@code prefix} (e.g. taskset -c 1). */
    private static String pinPrefix(List<String> prefix, String args) throws IOException, InterruptedException {
        Run r = bash(prefix, function(Files.readString(LAUNCHER), "pin_prefix") + "pin_prefix " + args, Map.of());
        assertEquals(0, r.status(), r.output());
        return r.output();
    }

    /** Runs {@code bash -c body} under {@code prefix} with {@code env} added: its status and its stdout and stderr, stripped. */
    private static Run bash(List<String> prefix, String body, Map<String, String> env) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("bash", "-c", body));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return new Run(p.waitFor(), out);
    }

    /** The text of function {@code name} in the launcher. */
    private static String function(String script, String name) {
        int from = script.indexOf("\n" + name + "() {");
        int to = script.indexOf("\n}\n", from);
        assertTrue(from >= 0 && to > from, name + "() in " + LAUNCHER);
        return script.substring(from, to + 3);
    }

    private record Run(int status, String output) {}

    /**
     * Runs {@code cds_setup jar command args; run_jvm java ...} in bash with a stand-in java that
     * prints its CDS flags and a line on stderr, writes the archive it is asked to dump, and
     * exits with {@code status}.
     */
    private static Run launch(Path dir, int status, String... args) throws IOException, InterruptedException {
        return launch(dir, "", status, args);
    }

    /** As above, with {@code VECGRAD_JAVA_OPTS} set to {@code opts}. */
    private static Run launch(Path dir, String opts, int status, String... args) throws IOException, InterruptedException {
        String script = Files.readString(LAUNCHER);
        Path java = dir.resolve("java");
        Files.writeString(java, """
                #!/usr/bin/env bash
                for a in "$@"; do
                  case "$a" in
                    -XX:ArchiveClassesAtExit=*) echo "dump"; echo archive > "${a#*=}" ;;
                    -XX:SharedArchiveFile=*) echo "read" ;;
                  esac
                done
                echo "java says: bad option" >&2
                exit %d
                """.formatted(status));
        java.toFile().setExecutable(true);
        Files.createDirectories(dir.resolve("jdk"));
        Files.writeString(dir.resolve("jdk/release"), "JAVA_VERSION=\"25\"\n");
        String jar = dir.resolve("app/target/app.jar").toString();
        String body = "set -euo pipefail\n" + function(script, "cds_setup") + function(script, "run_jvm")
                + "JDK='" + dir.resolve("jdk") + "'; JVM_FLAGS=(--add-modules jdk.incubator.vector)\n"
                + "cds_setup '" + jar + "' " + String.join(" ", args) + "\n"
                + "run_jvm '" + java + "' ${CDS_FLAGS[@]+\"${CDS_FLAGS[@]}\"} -jar '" + jar + "' " + String.join(" ", args) + "\n";
        return bash(List.of(), body, Map.of("VECGRAD_JAVA_OPTS", opts));
    }

    private static List<Path> files(Path cds) throws IOException {
        try (var s = Files.list(cds)) {
            return s.sorted().toList();
        }
    }

    /** What {@code jdk_major home} prints for a JDK whose release file holds {@code release}. */
    private static String jdkMajor(Path home, String release, boolean javac) throws IOException, InterruptedException {
        Files.createDirectories(home.resolve("bin"));
        Files.deleteIfExists(home.resolve("bin/javac"));
        for (String tool : javac ? List.of("java", "javac") : List.of("java")) {
            Files.writeString(home.resolve("bin/" + tool), "#!/bin/sh\n");
            home.resolve("bin/" + tool).toFile().setExecutable(true);
        }
        Files.writeString(home.resolve("release"), release);
        Run r = bash(List.of(), "set -euo pipefail\n" + function(Files.readString(LAUNCHER), "jdk_major") + "jdk_major '" + home + "'\n",
                Map.of());
        assertEquals(0, r.status(), r.output());
        return r.output();
    }

    @Test
    void theUsageFitsEightyColumns() throws Exception {
        Run r = bash(List.of(), function(Files.readString(LAUNCHER), "usage") + "usage\n", Map.of());
        assertEquals(0, r.status(), r.output());
        assertTrue(r.output().contains("  demo [opts]"), r.output());
        for (String line : r.output().split("\n")) {
            assertTrue(line.length() <= 80, line.length() + " columns: " + line);
        }
    }

    /**
     * A long build or test run is not minutes of silence: a line every 20 s (1 s here) on the
     * launcher's own stderr while the command runs, with its detail, even when the command's output
     * goes to a log; none after it ends, and the command's exit status is kept.
     */
    @Test
    void aLongCommandPrintsAHeartbeatAndKeepsItsStatus() throws Exception {
        String script = Files.readString(LAUNCHER);
        String fn = function(script, "with_heartbeat");
        Run r = bash(List.of(), "exec 9>&2\ndetail() { echo \"3 test classes done\"; }\n" + fn
                + "with_heartbeat 'running the tests' detail bash -c 'sleep 2.5; echo LOGGED; exit 7' > /dev/null 2>&1\n"
                + "echo status $?\nsleep 1.5\n", Map.of("VECGRAD_HEARTBEAT_SECONDS", "1"));
        List<String> lines = r.output().lines().toList();
        assertEquals("status 7", lines.get(lines.size() - 1), r.output());
        List<String> beats = lines.subList(0, lines.size() - 1);
        assertTrue(beats.size() >= 1 && beats.size() <= 3, "about one line a second while it ran, none after: " + r.output());
        assertTrue(beats.stream().allMatch(l -> l.matches("vecgrad: still running the tests, [0-9]+ s \\(3 test classes done\\)")),
                r.output());
        assertTrue(script.contains("with_heartbeat \"running the tests\" tests_done mvn_run install"), "./vecgrad test uses it");
        assertTrue(script.contains("with_heartbeat building \"\" mvn_run -q"), "and the build");
    }

    /** --help asks the launcher's own commands for their help: test, build and install used to run (test ran the suite for 41 s). */
    @Test
    void helpOfTheLaunchersOwnCommandsPrintsInsteadOfRunning() throws Exception {
        String script = Files.readString(LAUNCHER);
        String fns = function(script, "wants_help") + function(script, "launcher_help");
        for (String[] c : new String[][] {{"test", "--help"}, {"build", "-h"}, {"install", "--offline", "--help"}}) {
            Run r = bash(List.of(), fns + "if wants_help " + String.join(" ", java.util.Arrays.copyOfRange(c, 1, c.length))
                    + "; then launcher_help " + c[0] + "; else echo RAN; fi\n", Map.of());
            assertEquals(0, r.status(), r.output());
            assertTrue(r.output().startsWith("Usage: ./vecgrad " + c[0] + " [MAVEN OPTIONS]"), r.output());
            assertTrue(r.output().lines().allMatch(l -> l.length() <= 80), "80 columns: " + r.output());
        }
        Run plain = bash(List.of(), fns + "if wants_help -Dtest=X; then echo HELP; else echo RAN; fi\n", Map.of());
        assertEquals("RAN", plain.output(), "other options run the command");
        // and the dispatch uses them for each of the three
        for (String c : new String[] {"test)", "build)", "install)"}) {
            int at = script.indexOf("\n  " + c);
            assertTrue(at > 0 && script.substring(at, script.indexOf('\n', script.indexOf('\n', at + 1) + 1)).contains("wants_help"), c);
        }
    }

    @Test
    void anUnknownCommandIsOneLineWithTheNearestCommands() throws Exception {
        String script = Files.readString(LAUNCHER);
        String commands = script.lines().filter(l -> l.startsWith("APP_COMMANDS=(")).findFirst().orElseThrow();
        String fn = commands + "\n" + function(script, "unknown_command");
        for (String[] c : new String[][] {
            {"trian", "vecgrad: unknown command 'trian' (did you mean train or translate?); see ./vecgrad --help"},
            {"dmeo", "vecgrad: unknown command 'dmeo'; the commands are demo train predict translate deblur graph study"
                + " ablate search test info tune bench build install; see ./vecgrad --help"}}) {
            Process p = new ProcessBuilder("bash", "-c", "set -euo pipefail\n" + fn + "unknown_command " + c[0] + "\n").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, p.waitFor(), err);
            assertEquals("", out);
            assertEquals(c[1] + "\n", err);
        }
    }

    @Test
    void theJdkVersionIsReadFromItsReleaseFile(@TempDir Path home) throws Exception {
        assertEquals("25", jdkMajor(home, "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.3\"\nOS_NAME=\"Linux\"\n", true));
        assertEquals("26", jdkMajor(home, "JAVA_VERSION_DATE=\"2026-03-17\"\nJAVA_VERSION=\"26\"", true), "no newline at the end");
        assertEquals("17", jdkMajor(home, "JAVA_VERSION=\"17.0.9\"\r\nOS_NAME=\"Linux\"\r\n", true), "CRLF");
        assertEquals("", jdkMajor(home, "JAVA_VERSION_DATE=\"2026-03-17\"\n", true), "no version line");
        assertEquals("", jdkMajor(home, "JAVA_VERSION=\"25\"\n", false), "a JRE: no javac");
    }

    @Test
    void theClassDataArchiveIsKeptOnlyAfterACleanRunAndThenRead() throws Exception {
        Path dir = Files.createTempDirectory("vecgrad-cds");
        try {
            Files.createDirectories(dir.resolve("app/target"));
            Files.writeString(dir.resolve("app/target/app.jar"), "jar");
            Files.setLastModifiedTime(dir.resolve("app/target/app.jar"), java.nio.file.attribute.FileTime.fromMillis(1_000_000L));
            Files.setLastModifiedTime(dir.resolve("app/target"), java.nio.file.attribute.FileTime.fromMillis(1_000_000L));
            Path cds = dir.resolve("app/target/cds");

            Run failed = launch(dir, 2, "demo", "--epochs", "0");
            assertEquals(2, failed.status(), failed.output());
            assertTrue(failed.output().contains("dump") && failed.output().contains("java says: bad option"), failed.output());
            assertEquals(List.of(), files(cds), "a failed run keeps no archive and no temporary file");

            Run help = launch(dir, 0, "demo", "--help");
            assertTrue(!help.output().contains("dump") && !help.output().contains("read"), help.output());

            Run first = launch(dir, 0, "demo");
            assertEquals(0, first.status(), first.output());
            assertTrue(first.output().contains("dump") && first.output().contains("java says"), "stderr still shows: " + first.output());
            List<Path> kept = files(cds);
            assertEquals(1, kept.size(), kept.toString());
            assertTrue(kept.get(0).getFileName().toString().matches("demo-\\d+\\.jsa"), kept.toString());

            Run second = launch(dir, 0, "demo");
            assertTrue(second.output().contains("read") && !second.output().contains("dump"), second.output());

            Run otherOptions = launch(dir, "-Xmx1g", 0, "demo");
            assertTrue(otherOptions.output().contains("dump"), "other JVM options get their own archive: " + otherOptions.output());
            Run back = launch(dir, 0, "demo");
            assertTrue(back.output().contains("read") && !back.output().contains("dump"), "and leave this one alone: " + back.output());
            assertEquals(2, files(cds).size(), files(cds).toString());
            Files.delete(files(cds).stream().filter(f -> !f.equals(kept.get(0))).findFirst().orElseThrow());

            Files.setLastModifiedTime(dir.resolve("app/target/app.jar"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            Run rebuilt = launch(dir, 0, "demo");
            assertTrue(rebuilt.output().contains("dump"), "an archive older than the jar is written again: " + rebuilt.output());
            assertEquals(1, files(cds).size(), files(cds).toString());
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
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
