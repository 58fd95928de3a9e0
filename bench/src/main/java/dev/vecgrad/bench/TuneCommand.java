package dev.vecgrad.bench;

import dev.vecgrad.kernels.Gemm;
import dev.vecgrad.kernels.Parallelism;
import dev.vecgrad.kernels.TunedBlocks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./vecgrad tune}: measures the float GEMM's block sizes on this machine and keeps the
 * fastest for later runs ({@link TunedBlocks}). Each candidate (KC, MC; NC as derived) runs in a
 * fresh JVM on one thread (the launcher pins the command to one core), since the sizes are fixed
 * when the kernels load: sgemm 1024, 2048 and
 * a convolution's 64x1568x576, scored by the geometric mean of their medians. The best three and
 * the derived sizes run again and keep the mean of their two scores; the derived sizes stay unless
 * a candidate beats them by 3% (about this machine's noise between processes). Results never
 * change with the block sizes, only speed.
 */
@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures the float GEMM's block sizes (KC, MC) on this machine, one thread,",
                "fresh JVMs, and keeps the fastest in the tuning file, which later runs read",
                "(results are the same bits with any sizes; only speed changes). About a minute."})
final class TuneCommand implements Callable<Integer> {

    @Option(names = "--file", description = {"The tuning file (default: gemm-blocks.properties",
            "in $VECGRAD_CACHE, $XDG_CACHE_HOME/vecgrad or", "~/.cache/vecgrad, the first that is set)."})
    Path file;

    @Option(names = "--dry-run", description = "Measure and print, write nothing.")
    boolean dryRun;

    /**
     * Candidate depths: below 512 lost everywhere on the Zen 5 (sgemm 2048 95-104 GFLOP/s at 256, 139-152 at 384, 152-165
     * at 512; one pinned core), and every machine's derived KC runs as well.
     */
    static final int[] KC = {512, 768, 1024, 1536};
    static final int[] MC = {64, 128, 256};

    /** One candidate: its sizes (0: as derived) and its scores. */
    static final class Candidate {
        final int kc;
        final int mc;
        final List<double[]> runs = new ArrayList<>();
        int[] used;

        Candidate(int kc, int mc) {
            this.kc = kc;
            this.mc = mc;
        }

        boolean derived() {
            return kc == 0;
        }

        double score() {
            return runs.stream().mapToDouble(TuneCommand::score).average().orElse(0);
        }
    }

    /** The geometric mean of a probe's GFLOP/s. */
    static double score(double[] gflops) {
        return Math.exp(Arrays.stream(gflops).map(Math::log).average().orElse(Double.NEGATIVE_INFINITY));
    }

    @Override
    public Integer call() throws Exception {
        Path target = file != null ? file : TunedBlocks.file();
        if (target == null && !dryRun) {
            System.err.println("vecgrad tune: no cache folder (VECGRAD_CACHE=off or no home): pass --file PATH or --dry-run");
            return 2;
        }
        String key = TunedBlocks.hostKey();
        System.out.println("CPU: " + key);
        System.out.println("probe: sgemm 1024^3, 2048^3, 64x1568x576; one thread, a fresh JVM each");
        List<Candidate> all = new ArrayList<>();
        all.add(new Candidate(0, 0));
        for (int kc : KC) {
            for (int mc : MC) {
                all.add(new Candidate(kc, mc));
            }
        }
        long t0 = System.nanoTime();
        measure(all.get(0));
        int[] derivedSizes = all.get(0).used;
        all.removeIf(c -> !c.derived() && c.kc == derivedSizes[0] && c.mc == derivedSizes[1]);   // the derived sizes run once
        for (Candidate c : all.subList(1, all.size())) {
            measure(c);
        }
        List<Candidate> again = new ArrayList<>(all.stream().filter(c -> !c.derived())
                .sorted(Comparator.comparingDouble(Candidate::score).reversed()).limit(3).toList());
        again.add(all.get(0));
        for (Candidate c : again) {
            measure(c);
        }
        Candidate derived = all.get(0);
        Candidate best = again.stream().max(Comparator.comparingDouble(Candidate::score)).orElseThrow();
        if (best != derived && best.score() < 1.03 * derived.score()) {
            best = derived;
        }
        System.out.println();
        System.out.println("GFLOP/s, medians; score: their geometric mean, averaged over the runs");
        System.out.println("KC    MC    NC     1024   2048   conv   score");
        for (Candidate c : all.stream().sorted(Comparator.comparingDouble(Candidate::score).reversed()).toList()) {
            double[] g = c.runs.get(c.runs.size() - 1);
            System.out.printf(Locale.ROOT, "%-5d %-5d %-5d %6.1f %6.1f %6.1f %7.1f%s%n", c.used[0], c.used[1], c.used[2], g[0], g[1], g[2],
                    c.score(), (c == derived ? "  derived" : "") + (c == best ? "  <- kept" : "") + (c.runs.size() > 1 ? "  (2 runs)" : ""));
        }
        System.out.printf(Locale.ROOT, "%.0f s; kept KC %d, MC %d, NC %d: %.1f against %.1f GFLOP/s derived (%.2fx)%n",
                (System.nanoTime() - t0) / 1e9, best.used[0], best.used[1], best.used[2], best.score(), derived.score(),
                best.score() / derived.score());
        if (dryRun) {
            System.out.println("--dry-run: nothing written");
            return 0;
        }
        TunedBlocks.write(target, key, best.used[0], best.used[1], best.used[2], "vecgrad tune, " + LocalDate.now() + ": "
                + String.format(Locale.ROOT, "%.1f GFLOP/s against %.1f derived", best.score(), derived.score()));
        System.out.println("wrote " + target);
        System.out.println("(later runs on this CPU use these sizes; -Dvecgrad.gemm.tuned=off ignores them)");
        return 0;
    }

    private void measure(Candidate c) throws IOException, InterruptedException {
        ProcessBuilder pb = Peers.java(Probe.class.getName());
        List<String> cmd = pb.command();
        List<String> flags = new ArrayList<>(List.of("-Dvecgrad.gemm.tuned=off", "-Dvecgrad.threads=1", "-Dvecgrad.log=false"));
        if (!c.derived()) {
            flags.add("-Dvecgrad.gemm.kc=" + c.kc);
            flags.add("-Dvecgrad.gemm.mc=" + c.mc);
        }
        cmd.addAll(1, flags);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("tune probe failed: " + out.strip().replace('\n', ' '));
        }
        String[] lines = out.strip().split("\n");
        String[] f = lines[lines.length - 1].trim().split(" ");
        c.used = new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2])};
        c.runs.add(new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5])});
        System.out.print(".");
        System.out.flush();
    }

    /** The child: prints "kc mc nc gflops1024 gflops2048 gflopsConv". */
    public static final class Probe {
        public static void main(String[] args) {
            Parallelism.setThreads(1);
            int[] b = Gemm.floatBlocks();
            double g1 = gflops(1024, 1024, 1024, 7);
            double g2 = gflops(2048, 2048, 2048, 5);
            double g3 = gflops(64, 1568, 576, 7);
            System.out.printf(Locale.ROOT, "%d %d %d %.2f %.2f %.2f%n", b[0], b[1], b[2], g1, g2, g3);
        }

        /** Median GFLOP/s of sgemm NN m x n x k: {@code samples} timed samples of at least 50 ms after 0.2 s of warm-up. */
        private static double gflops(int m, int n, int k, int samples) {
            Random rnd = new Random(1);
            float[] a = GemmSuite.randomFloats(rnd, m * k);
            float[] b = GemmSuite.randomFloats(rnd, k * n);
            float[] c = new float[m * n];
            return Timer.rates(() -> Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n), 2.0 * m * n * k / 1e9,
                    samples, 0.2, 0.05).median();
        }
    }
}
