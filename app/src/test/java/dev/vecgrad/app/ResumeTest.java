package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process stopped by a signal (what Ctrl-C sends, through the JVM's shutdown) keeps its
 * last completed epoch and says how to resume; one killed outright ({@code kill -9}) leaves its
 * state staged; {@code train --resume} continues either to a checkpoint byte-identical to an
 * uninterrupted run's.
 */
class ResumeTest {

    @TempDir
    Path dir;

    /** Dropout, batch norm and a per-step schedule: every piece of state matters. About 1 s per epoch on one thread. */
    private static final String[] RUN = {"train", "--dataset", "moons", "--samples", "150000", "--epochs", "3", "--dropout", "0.2",
        "--batchnorm", "--schedule", "one-cycle", "--early-stopping", "5", "--threads", "1"};

    private static String[] with(String... more) {
        List<String> a = new ArrayList<>(List.of(RUN));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /**
     * Starts the run in its own JVM and stops it: with SIGTERM once its first epoch is reported, or
     * with SIGKILL when {@code kill} once its second is (an epoch's state is written just after its
     * line is printed: the second's line means the first's state is on disk).
     */
    private Process stopDuringTraining(Path out, boolean kill, StringBuilder output) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "--add-modules",
                "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(with("--out", out.toString())));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            boolean sent = false;
            for (String line; (line = r.readLine()) != null; ) {
                output.append(line).append('\n');
                if (!sent && line.startsWith(kill ? "epoch 2/3" : "epoch 1/3")) {
                    if (kill) {
                        p.toHandle().destroyForcibly();   // the handle signals without closing our end of the pipe
                    } else {
                        p.toHandle().destroy();
                    }
                    sent = true;
                }
            }
        }
        p.waitFor();
        return p;
    }

    @Test
    void aStoppedOrKilledRunResumesToTheUninterruptedRunsBits() throws Exception {
        Path straight = dir.resolve("straight");
        CliTest.Result full = CliTest.run(with("--out", straight.toString()));
        assertEquals(0, full.code(), full.err());
        byte[] expected = Files.readAllBytes(straight.resolve("model.safetensors"));
        assertFalse(Files.exists(straight.resolve(TrainingRun.STATE_FILE)), "a finished run keeps no state to resume");

        Path stopped = dir.resolve("stopped");
        StringBuilder said = new StringBuilder();
        Process p = stopDuringTraining(stopped, false, said);
        assertEquals(143, p.exitValue(), said.toString());   // 128 + SIGTERM, as the shell reports it
        assertTrue(said.toString().contains("continue with: ./vecgrad train --resume " + stopped), said.toString());
        assertTrue(said.toString().contains("kept epoch "), said.toString());
        for (String f : List.of("model.safetensors", "history.csv", "curves.png", TrainingRun.STATE_FILE)) {
            assertTrue(Files.exists(stopped.resolve(f)), f + " kept:\n" + said);
        }
        Map<String, String> meta = dev.vecgrad.models.io.SafeTensors.load(stopped.resolve("model.safetensors")).metadata();
        int kept = Integer.parseInt(meta.get("vecgrad.epochs"));
        assertTrue(kept >= 1 && kept < 3, "the checkpoint of a completed epoch: " + kept);
        assertEquals(kept + 1, Files.readAllLines(stopped.resolve("history.csv")).size(), "the history of the kept epochs");

        Path killed = dir.resolve("killed");
        Process k = stopDuringTraining(killed, true, new StringBuilder());
        assertEquals(137, k.exitValue());
        assertTrue(Files.exists(killed.resolve(RunDirectory.STAGING).resolve(TrainingRun.STATE_FILE)), "the state is staged");

        for (Path out : List.of(stopped, killed)) {
            CliTest.Result r = CliTest.run("train", "--resume", out.toString(), "--threads", "2");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("resuming " + out + " after epoch "), r.out());
            assertArrayEquals(expected, Files.readAllBytes(out.resolve("model.safetensors")), out + ": the uninterrupted run's bytes");
            assertFalse(Files.exists(out.resolve(TrainingRun.STATE_FILE)), "the spent state is gone");
            assertFalse(Files.exists(out.resolve(RunDirectory.STAGING)));
        }
        CliTest.Result again = CliTest.run("train", "--resume", killed.toString());
        assertEquals(1, again.code());
        assertEquals("vecgrad train: --resume " + killed + ": no unfinished run there (a run keeps resume.safetensors from the end of its"
                + " first epoch until it completes)", again.err().strip());
        CliTest.Result other = CliTest.run("train", "--resume", killed.toString(), "--epochs", "5");
        assertEquals(2, other.code());
        assertEquals("vecgrad train: --resume continues the run with the options it was started with: drop --epochs", other.err().strip());
    }
}
