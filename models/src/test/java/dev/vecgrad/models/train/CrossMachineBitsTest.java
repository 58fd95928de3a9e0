package dev.vecgrad.models.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vecgrad.kernels.Backend;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A model trained from a seed is the same bits on any machine vecgrad's kernels run on: the
 * parameters after {@link TrainingFingerprint}'s steps hash the same in fresh JVMs with
 * 128-, 256- and 512-bit vectors ({@code -XX:MaxVectorSize}, as SSE, AVX2 and AVX-512 machines)
 * and with other GEMM block sizes ({@code vecgrad.gemm.kc/mc/nc}, which a CPU's caches decide),
 * on one thread and on two. GEMM sums each element in one chain over k; lane sums use 32
 * virtual lanes whatever the hardware's (see the kernels' GemmDriver and FloatSimd).
 */
class CrossMachineBitsTest {

    private static String fingerprint(String... flags) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-Dvecgrad.log=false"));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TrainingFingerprint.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, p.waitFor(180, TimeUnit.SECONDS), "timed out: " + String.join(" ", cmd));
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void aSeededTrainingGivesTheSameBitsOnAnyVectorWidthAndBlocking() throws Exception {
        assumeTrue(Backend.isVectorized(), "the Vector API kernels are not running");
        String base = fingerprint("-Dvecgrad.threads=1");
        assertEquals(64, base.length(), base);
        String[][] variants = {{"-Dvecgrad.threads=2", "-XX:MaxVectorSize=32"},
                {"-Dvecgrad.threads=1", "-XX:MaxVectorSize=16", "-Dvecgrad.gemm.kc=48", "-Dvecgrad.gemm.mc=16", "-Dvecgrad.gemm.nc=64"}};
        for (String[] v : variants) {
            assertEquals(base, fingerprint(v), "the trained parameters differ with " + String.join(" ", v));
        }
    }
}
