package dev.vecgrad.bench;

import dev.vecgrad.kernels.Backend;
import dev.vecgrad.kernels.Gemm;
import dev.vecgrad.kernels.Parallelism;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vecgrad bench gemm}: GFLOP/s of vecgrad's sgemm (or dgemm) per shape, as a fraction
 * of the FMA peak measured in the same run, and as a ratio to OpenBLAS through numpy, timed
 * in the same run, shape by shape, round after round.
 */
@Command(name = "gemm", mixinStandardHelpOptions = true,
        description = {"GEMM GFLOP/s per shape: fraction of the measured FMA peak and ratio to OpenBLAS",
                "(numpy), same run. Run one-thread measurements pinned: ./vecgrad pins --threads",
                "1 to core 0 with taskset."})
final class GemmSuite implements Callable<Integer> {

    @Option(names = "--threads", description = "kernel threads, and OpenBLAS threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--shapes", description = "comma list of 'square', 'training' or MxNxK[:NT] (default: square,training)")
    String shapes = "square,training";

    @Option(names = "--rounds", description = "rounds over all shapes; samples of every round are pooled (default: 3)")
    int rounds = 3;

    @Option(names = "--samples", description = "samples per shape per round (default: 3)")
    int samples = 3;

    @Option(names = "--sample-seconds", description = "minimum length of one sample (default: 0.05)")
    double sampleSeconds = 0.05;

    @Option(names = "--dtype", description = "f32 (sgemm) or f64 (dgemm) (default: f32)")
    String dtype = "f32";

    @Option(names = "--no-baseline", description = "skip the OpenBLAS (numpy) comparison")
    boolean noBaseline;

    @Option(names = "--json", description = "one JSON object per line instead of a table")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || rounds < 1 || samples < 1) {
            throw new IllegalArgumentException("--threads, --rounds and --samples must be >= 1");
        }
        if (!dtype.equals("f32") && !dtype.equals("f64")) {
            throw new IllegalArgumentException("--dtype must be f32 or f64, got '" + dtype + "'");
        }
        boolean f64 = dtype.equals("f64");
        List<GemmShape> list = GemmShape.parse(shapes);
        PrintStream log = json ? System.err : System.out;
        Parallelism.setThreads(threads);
        log.print(Backend.report());
        // the probe runs before and after the GEMMs, so that a noisy moment on a shared machine
        // does not lower it; the peak is its best sample (see peak())
        Samples probe = FmaPeak.measure(threads, 5);

        StringBuilder why = new StringBuilder();
        NumpyBaseline baseline = noBaseline ? null : NumpyBaseline.start(threads, why);
        log.println("Baseline: " + (baseline != null ? baseline.description()
                : noBaseline ? "none (--no-baseline)" : "none: " + why));
        Samples[] ours = new Samples[list.size()];
        Samples[] theirs = new Samples[list.size()];
        try {
            // An unrecorded first pass: with one pinned core, C2 compiling the kernels of a
            // shape competes with its first measurements.
            System.err.println("[bench] warm-up pass");
            for (GemmShape s : list) {
                measure(s, f64, 1.5);
            }
            for (int r = 0; r < rounds; r++) {
                System.err.printf("[bench] round %d/%d%n", r + 1, rounds);
                for (int i = 0; i < list.size(); i++) {
                    GemmShape s = list.get(i);
                    Samples v = measure(s, f64, 0.2);
                    ours[i] = ours[i] == null ? v : ours[i].merge(v);
                    if (baseline != null) {
                        Samples b = baseline.gemm(s, f64, samples, sampleSeconds);
                        theirs[i] = theirs[i] == null ? b : theirs[i].merge(b);
                    }
                }
            }
        } finally {
            if (baseline != null) {
                baseline.close();
            }
        }
        probe = probe.merge(FmaPeak.measure(threads, 5));
        double peakF = peak(probe, ours, f64);
        log.printf(Locale.ROOT, "Peak:     %.1f GFLOP/s %s: the FMA probe's best of %d samples (Vector API, %d thread%s; median %s)%s%n",
                peakF, f64 ? "double (half the float probe)" : "float", probe.values().length, threads, threads == 1 ? "" : "s",
                probe.format(), peakF > (f64 ? probe.max() / 2 : probe.max()) ? ", raised to the best GEMM median measured" : "");
        report(list, ours, theirs, probe, peakF, baseline, f64);
        return 0;
    }

    /**
     * The peak GEMM efficiency is quoted against: the best sustained probe sample (each lasts
     * about 0.1 s), never below a GEMM median measured in the same run, since no GEMM runs
     * faster than the machine's peak. A median would drop with one noisy sample and put a GEMM
     * above 100%.
     */
    static double peak(Samples probe, Samples[] gemms, boolean f64) {
        double peak = f64 ? probe.max() / 2 : probe.max();
        for (Samples g : gemms) {
            if (g != null) {
                peak = Math.max(peak, g.median());
            }
        }
        return peak;
    }

    private Samples measure(GemmShape s, boolean f64, double warmup) {
        Random rnd = new Random(1);
        int lda = s.transA() ? s.m() : s.k();
        int ldb = s.transB() ? s.k() : s.n();
        if (f64) {
            double[] a = randomDoubles(rnd, s.m() * s.k());
            double[] b = randomDoubles(rnd, s.k() * s.n());
            double[] c = new double[s.m() * s.n()];
            return Timer.rates(() -> Gemm.dgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1, a, 0, lda, b, 0, ldb, 0, c, 0, s.n()),
                    s.flops() / 1e9, samples, warmup, sampleSeconds);
        }
        float[] a = randomFloats(rnd, s.m() * s.k());
        float[] b = randomFloats(rnd, s.k() * s.n());
        float[] c = new float[s.m() * s.n()];
        return Timer.rates(() -> Gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, s.n()),
                s.flops() / 1e9, samples, warmup, sampleSeconds);
    }

    private void report(List<GemmShape> list, Samples[] ours, Samples[] theirs, Samples peak, double peakF,
                        NumpyBaseline baseline, boolean f64) {
        String op = f64 ? "dgemm" : "sgemm";
        if (json) {
            System.out.println(new JsonLine("gemm", "fma-peak", threads).put("metric", "gflops")
                    .put("value", peakF).put("probe_median", peak.median()).put("min", peak.min()).put("max", peak.max()));
            for (int i = 0; i < list.size(); i++) {
                GemmShape s = list.get(i);
                JsonLine line = new JsonLine("gemm", op + " " + s.label() + " " + s.dims(), threads)
                        .put("metric", "gflops").put("value", ours[i].median()).put("min", ours[i].min())
                        .put("max", ours[i].max()).put("peak_fraction", ours[i].median() / peakF);
                if (theirs[i] != null) {
                    line.put("baseline", theirs[i].median()).put("baseline_name", "openblas-numpy")
                            .put("baseline_min", theirs[i].min()).put("baseline_max", theirs[i].max())
                            .put("ratio", ours[i].median() / theirs[i].median());
                } else {
                    line.put("baseline", null).put("ratio", null);
                }
                System.out.println(line);
            }
            return;
        }
        System.out.printf("%n%s, %d thread%s, GFLOP/s median [min-max] over %d rounds x %d samples%n", op, threads,
                threads == 1 ? "" : "s", rounds, samples);
        System.out.printf("%-24s %-17s %-22s %6s %-22s %6s%n", "case", "m x n x k op", "vecgrad", "%peak",
                baseline != null ? "OpenBLAS (numpy)" : "", baseline != null ? "ratio" : "");
        for (int i = 0; i < list.size(); i++) {
            GemmShape s = list.get(i);
            System.out.printf(Locale.ROOT, "%-24s %-17s %-22s %5.1f%% %-22s %6s%n", s.label(), s.dims(), ours[i].format(),
                    100 * ours[i].median() / peakF, theirs[i] != null ? theirs[i].format() : "",
                    theirs[i] != null ? String.format(Locale.ROOT, "%.2fx", ours[i].median() / theirs[i].median()) : "");
        }
    }

    static float[] randomFloats(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat();
        }
        return x;
    }

    static double[] randomDoubles(Random rnd, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextDouble();
        }
        return x;
    }
}
