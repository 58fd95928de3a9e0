package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * GEMM and Winograd results do not depend on the block sizes or on the vector width: {@link GemmFingerprint}
 * gives the same hash in fresh JVMs with other {@code vecgrad.gemm.kc/mc/nc}, other Winograd
 * blocks on two threads, and with
 * {@code -XX:MaxVectorSize} 16 and 32 (128- and 256-bit vectors, as an SSE or AVX2 machine would
 * run), as in this JVM's settings. Each element of C is one FMA chain over k in order (see
 * {@code GemmDriver}); before, every KC block was summed apart and added to C, so KC changed the
 * bits. Needs the Vector API kernels (the scalar reference sums in another order).
 */
class GemmBitsTest {

    private static String fingerprint(String... flags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("-Dvecgrad.log=false");
        cmd.add("-Dvecgrad.threads=1");
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GemmFingerprint.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "fingerprint JVM timed out: " + String.join(" ", cmd));
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void theSameBitsForAnyBlockSizesAndVectorWidth() throws Exception {
        assumeTrue(Backend.isVectorized(), "the Vector API kernels are not running");
        String base = fingerprint();
        assertEquals(64, base.length(), base);
        String[][] variants = {{"-Dvecgrad.gemm.kc=64", "-Dvecgrad.gemm.mc=24", "-Dvecgrad.gemm.nc=96"},
                {"-Dvecgrad.gemm.kc=400", "-Dvecgrad.gemm.nc=4096"}, {"-XX:MaxVectorSize=32"}, {"-XX:MaxVectorSize=16"},
                {"-Dvecgrad.winograd.tiles=20", "-Dvecgrad.threads=2"}};
        for (String[] v : variants) {
            assertEquals(base, fingerprint(v), "GEMM bits differ with " + String.join(" ", v));
        }
    }
}
