package dev.vecgrad.bench;

import dev.vecgrad.kernels.Backend;
import dev.vecgrad.kernels.Elementwise;
import dev.vecgrad.kernels.Parallelism;
import dev.vecgrad.kernels.Reductions;
import dev.vecgrad.kernels.RowOps;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vecgrad bench elementwise}: elements per nanosecond of the elementwise kernels, each
 * next to a plain Java loop doing the same (timed right after it, in the same run), and for
 * arrays of 10^7 elements the memory bandwidth against a {@code System.arraycopy} of the
 * same size. The plain loops are what a user would write; C2 auto-vectorizes the simplest of
 * them (add, axpy, relu), not the ones calling Math.exp / Math.tanh or the reductions.
 */
@Command(name = "elementwise", mixinStandardHelpOptions = true,
        description = {"Elementwise kernels: elements/ns, ratio to a plain Java loop (same run), GB/s",
                "vs arraycopy at 1e7. Run one-thread measurements pinned: ./vecgrad pins",
                "--threads 1 to core 0 with taskset."})
final class ElementwiseSuite implements Callable<Integer> {

    @Option(names = "--threads", description = "kernel threads (default: all cores); the plain loops use one")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--sizes", split = ",", description = "array lengths (default: 1000,100000,10000000)")
    int[] sizes = {1_000, 100_000, 10_000_000};

    @Option(names = "--rounds", description = "rounds over all cases; samples are pooled (default: 3)")
    int rounds = 3;

    @Option(names = "--samples", description = "samples per case per round (default: 3)")
    int samples = 3;

    @Option(names = "--json", description = "one JSON object per line instead of a table")
    boolean json;

    /** One benchmarked pair: the kernel and its plain-loop baseline, over {@code elements} elements per call. */
    record Case(String name, long elements, long bytes, Runnable kernel, Runnable loop) {}

    @Override
    public Integer call() {
        if (threads < 1 || rounds < 1 || samples < 1) {
            throw new IllegalArgumentException("--threads, --rounds and --samples must be >= 1");
        }
        Parallelism.setThreads(threads);
        PrintStream log = json ? System.err : System.out;
        log.print(Backend.report());
        List<Case> cases = new ArrayList<>();
        for (int n : sizes) {
            if (n < 64) {
                throw new IllegalArgumentException("--sizes must be >= 64, got " + n);
            }
            cases.addAll(cases(n));
        }
        cases.addAll(softmaxCases(64, 10));
        cases.addAll(softmaxCases(64, 1000));
        Samples[] ours = new Samples[cases.size()];
        Samples[] theirs = new Samples[cases.size()];
        System.err.println("[bench] warm-up pass");
        for (Case c : cases) {
            Timer.rates(c.kernel, 1, 1, 0.3, 0.02);
            Timer.rates(c.loop, 1, 1, 0.3, 0.02);
        }
        for (int r = 0; r < rounds; r++) {
            System.err.printf("[bench] round %d/%d%n", r + 1, rounds);
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                Samples k = Timer.rates(c.kernel, c.elements / 1e9, samples, 0.05, 0.05);
                Samples l = Timer.rates(c.loop, c.elements / 1e9, samples, 0.05, 0.05);
                ours[i] = ours[i] == null ? k : ours[i].merge(k);
                theirs[i] = theirs[i] == null ? l : theirs[i].merge(l);
            }
        }
        report(cases, ours, theirs, log);
        return 0;
    }

    private List<Case> cases(int n) {
        Random rnd = new Random(1);
        float[] a = random(rnd, n, 4f);
        float[] b = random(rnd, n, 4f);
        float[] out = new float[n];
        float[] y = random(rnd, n, 1f);
        int cols = Math.max(1, n / 64);
        float[] bias = random(rnd, cols, 1f);
        String s = sizeLabel(n);
        List<Case> list = new ArrayList<>();
        list.add(new Case("add " + s, n, 12L * n, () -> Elementwise.add(a, 0, b, 0, out, 0, n), () -> {
            for (int i = 0; i < n; i++) {
                out[i] = a[i] + b[i];
            }
        }));
        list.add(new Case("axpy " + s, n, 12L * n, () -> Elementwise.axpy(1e-3f, a, 0, y, 0, n), () -> {
            for (int i = 0; i < n; i++) {
                y[i] += 1e-3f * a[i];
            }
        }));
        list.add(new Case("relu " + s, n, 8L * n, () -> Elementwise.relu(a, 0, out, 0, n), () -> {
            for (int i = 0; i < n; i++) {
                out[i] = Math.max(a[i], 0f);
            }
        }));
        list.add(new Case("exp " + s, n, 8L * n, () -> Elementwise.exp(a, 0, out, 0, n), () -> {
            for (int i = 0; i < n; i++) {
                out[i] = (float) Math.exp(a[i]);
            }
        }));
        list.add(new Case("tanh " + s, n, 8L * n, () -> Elementwise.tanh(a, 0, out, 0, n), () -> {
            for (int i = 0; i < n; i++) {
                out[i] = (float) Math.tanh(a[i]);
            }
        }));
        list.add(new Case("sigmoid " + s, n, 8L * n, () -> Elementwise.sigmoid(a, 0, out, 0, n), () -> {
            for (int i = 0; i < n; i++) {
                out[i] = (float) (1 / (1 + Math.exp(-a[i])));
            }
        }));
        float[] sink = new float[1];
        list.add(new Case("sum " + s, n, 4L * n, () -> sink[0] += Reductions.sum(a, 0, n), () -> {
            float acc = 0;
            for (int i = 0; i < n; i++) {
                acc += a[i];
            }
            sink[0] += acc;
        }));
        int rows = n / cols;
        long m = (long) rows * cols;
        list.add(new Case("bias+relu fused " + rows + "x" + cols, m, 8L * m,
                () -> RowOps.addRowVectorRelu(a, 0, rows, cols, bias, 0, out, 0),
                () -> {
                    RowOps.addRowVector(a, 0, rows, cols, bias, 0, out, 0);
                    Elementwise.relu(out, 0, out, 0, rows * cols);
                }));
        if (n >= 1_000_000) {
            float[] dst = new float[n];
            list.add(new Case("copy baseline " + s, n, 8L * n, () -> System.arraycopy(a, 0, dst, 0, n),
                    () -> System.arraycopy(a, 0, dst, 0, n)));
        }
        return list;
    }

    private List<Case> softmaxCases(int rows, int cols) {
        Random rnd = new Random(2);
        float[] x = random(rnd, rows * cols, 5f);
        float[] out = new float[rows * cols];
        long n = (long) rows * cols;
        return List.of(new Case("row softmax " + rows + "x" + cols, n, 8L * n, () -> RowOps.rowSoftmax(x, 0, rows, cols, out, 0), () -> {
            for (int r = 0; r < rows; r++) {
                int o = r * cols;
                float mx = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    mx = Math.max(mx, x[o + j]);
                }
                float sum = 0;
                for (int j = 0; j < cols; j++) {
                    out[o + j] = (float) Math.exp(x[o + j] - mx);
                    sum += out[o + j];
                }
                for (int j = 0; j < cols; j++) {
                    out[o + j] /= sum;
                }
            }
        }));
    }

    private void report(List<Case> cases, Samples[] ours, Samples[] theirs, PrintStream log) {
        double copyGbs = Double.NaN;
        for (int i = 0; i < cases.size(); i++) {
            if (cases.get(i).name.startsWith("copy baseline")) {
                copyGbs = ours[i].median() * cases.get(i).bytes / cases.get(i).elements;
            }
        }
        if (!json) {
            System.out.printf("%nelementwise, %d thread%s (plain loops: 1), elements/ns median [min-max] over %d rounds x %d samples%n",
                    threads, threads == 1 ? "" : "s", rounds, samples);
            System.out.printf("%-28s %-20s %-20s %7s %9s %8s%n", "case", "vecgrad", "plain Java loop", "ratio", "GB/s", "of copy");
        }
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            double ratio = ours[i].median() / theirs[i].median();
            double gbs = ours[i].median() * c.bytes / c.elements;
            boolean big = c.elements >= 1_000_000;
            boolean fused = c.name.startsWith("bias+relu");
            if (json) {
                JsonLine line = new JsonLine("elementwise", c.name, threads).put("metric", "elements_per_ns")
                        .put("value", ours[i].median()).put("min", ours[i].min()).put("max", ours[i].max())
                        .put("baseline", theirs[i].median())
                        .put("baseline_name", fused ? "bias add then relu, separate" : "plain Java loop")
                        .put("ratio", ratio);
                if (big) {
                    line.put("gbps", gbs).put("copy_gbps", copyGbs).put("fraction_of_copy", gbs / copyGbs);
                }
                System.out.println(line);
            } else {
                System.out.printf(Locale.ROOT, "%-28s %-20s %-20s %6.2fx %9s %8s%n", c.name, ours[i].format(), theirs[i].format(), ratio,
                        big ? String.format(Locale.ROOT, "%.1f", gbs) : "", big ? String.format(Locale.ROOT, "%.0f%%", 100 * gbs / copyGbs) : "");
            }
        }
        if (!json) {
            System.out.println("(bias+relu fused: the baseline column is the unfused pair, bias add then relu, both vecgrad kernels;"
                    + " GB/s counts bytes read and written)");
        }
    }

    private static String sizeLabel(int n) {
        int exp = (int) Math.round(Math.log10(n));
        return Math.pow(10, exp) == n ? "1e" + exp : Integer.toString(n);
    }

    private static float[] random(Random rnd, int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return x;
    }
}
