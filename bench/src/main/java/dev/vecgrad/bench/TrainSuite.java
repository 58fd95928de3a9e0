package dev.vecgrad.bench;

import dev.vecgrad.app.Main;
import dev.vecgrad.models.data.FashionMnist;
import dev.vecgrad.models.io.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vecgrad bench train}: seconds per Fashion-MNIST epoch of the notes' network
 * (784-128-64-10, ReLU, Adam 0.003, batch 64) in vecgrad ({@code vecgrad demo}) and in
 * PyTorch ({@code torch_mlp.py}, a lean loop over in-memory tensors), each in a fresh process,
 * alternating which goes first, round after round, in the same session with the same thread
 * count. Reports the first epoch (vecgrad's includes what is left of the JIT warm-up) apart
 * from the later ones, the whole process's wall time, the test accuracy, and per-round ratios.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Seconds per Fashion-MNIST epoch, vecgrad vs PyTorch, fresh processes, same run",
                "and threads. Run one-thread measurements pinned: ./vecgrad pins --threads 1 to",
                "core 0 with taskset (children inherit it)."})
final class TrainSuite implements Callable<Integer> {

    @Option(names = "--threads", description = "threads for both (torch.set_num_threads, OMP/OpenBLAS/MKL variables) (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    /**
     * Six by default: on one core the JIT's warm-up lasts into epochs 2 and 3, and with 3 epochs
     * "later epochs" measured only those (PyTorch/vecgrad 1.07x, against 1.72x over epochs 2-6).
     */
    @Option(names = "--epochs", description = "epochs per run (default: 6; on one core vecgrad's JIT warm-up lasts into epochs 2-3)")
    int epochs = 6;

    @Option(names = "--rounds", description = "runs of each (default: 3)")
    int rounds = 3;

    @Option(names = "--seed", description = "seed of the first round; round r uses seed + r (default: 42)")
    long seed = 42;

    @Option(names = "--data", description = "Fashion-MNIST directory (default: " + "/usr/share/datasets/fashion-mnist)")
    Path data = FashionMnist.SYSTEM_DIR;

    @Option(names = "--no-baseline", description = "run vecgrad only")
    boolean noBaseline;

    @Option(names = "--json", description = "one JSON object per line instead of a table")
    boolean json;

    /** What one process reported. */
    record Run(List<Double> epochSeconds, double testAccuracy, double wallSeconds) {
        double first() {
            return epochSeconds.get(0);
        }

        /** Median of the epochs after the first (NaN with one epoch). */
        double later() {
            if (epochSeconds.size() < 2) {
                return Double.NaN;
            }
            return new Samples(epochSeconds.subList(1, epochSeconds.size()).stream().mapToDouble(Double::doubleValue)
                    .toArray()).median();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || epochs < 1 || rounds < 1) {
            throw new IllegalArgumentException("--threads, --epochs and --rounds must be >= 1");
        }
        if (!FashionMnist.isPresent(data)) {
            throw new IllegalArgumentException("no Fashion-MNIST files in " + data
                    + " (apt-get install dataset-fashion-mnist, or --data DIR)");
        }
        PrintStream log = json ? System.err : System.out;
        Peers.Torch torch = noBaseline ? null : Peers.torch("torch_mlp.py");
        if (torch != null) {
            log.println("pytorch: " + torch.describe(threads));
        }
        log.printf(Locale.ROOT, "Fashion-MNIST MLP 784-128-64-10, Adam 0.003, batch 64, %d epoch(s), %d thread(s), %d round(s)%n",
                epochs, threads, rounds);
        List<Run> ours = new ArrayList<>();
        List<Run> theirs = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            long s = seed + r;
            boolean torchFirst = r % 2 == 1;
            if (torchFirst && torch != null) {
                theirs.add(report(log, r, "pytorch", pytorch(torch, s)));
            }
            ours.add(report(log, r, "vecgrad", vecgrad(s)));
            if (!torchFirst && torch != null) {
                theirs.add(report(log, r, "pytorch", pytorch(torch, s)));
            }
        }
        summarize(log, ours, theirs);
        return 0;
    }

    private Run report(PrintStream log, int round, String who, Run run) {
        if (json) {
            System.out.println(new JsonLine("train", who, threads).put("round", round + 1)
                    .put("epoch_seconds", run.epochSeconds().toString()).put("test_accuracy", run.testAccuracy())
                    .put("wall_seconds", run.wallSeconds()));
        } else {
            StringBuilder sb = new StringBuilder();
            for (double e : run.epochSeconds()) {
                sb.append(String.format(Locale.ROOT, " %.3f", e));
            }
            log.printf(Locale.ROOT, "round %d  %-8s epochs [s]:%s   test accuracy %.2f%%   process %.2f s%n", round + 1, who,
                    sb, 100 * run.testAccuracy(), run.wallSeconds());
        }
        return run;
    }

    private void summarize(PrintStream log, List<Run> ours, List<Run> theirs) {
        if (!json) {
            log.println();
            log.println("median [range] over rounds       vecgrad                 pytorch                 pytorch/vecgrad (per round)");
        }
        line(log, "epoch 1 seconds", ours, theirs, Run::first, true);
        if (epochs > 1) {
            line(log, "later epochs seconds", ours, theirs, Run::later, true);
        }
        line(log, "process wall seconds", ours, theirs, Run::wallSeconds, true);
        line(log, "test accuracy %", ours, theirs, run -> 100 * run.testAccuracy(), false);
    }

    /** One metric: vecgrad's and PyTorch's samples over the rounds and, with {@code ratio}, PyTorch/vecgrad round by round. */
    private void line(PrintStream log, String what, List<Run> ours, List<Run> theirs, ToDoubleFunction<Run> f, boolean ratio) {
        Samples o = samples(ours, f);
        Samples t = theirs.isEmpty() ? null : samples(theirs, f);
        Samples r = t != null && ratio ? ratios(ours, theirs, f) : null;
        if (json) {
            JsonLine j = new JsonLine("train", "summary", threads).put("metric", what)
                    .put("vecgrad_median", o.median()).put("vecgrad_min", o.min()).put("vecgrad_max", o.max());
            if (t != null) {
                j.put("pytorch_median", t.median()).put("pytorch_min", t.min()).put("pytorch_max", t.max());
            }
            if (r != null) {
                j.put("ratio_median", r.median()).put("ratio_min", r.min()).put("ratio_max", r.max());
            }
            System.out.println(j);
        } else {
            log.printf(Locale.ROOT, "%-24s %-23s %-23s %s%n", what, fmt(o), t == null ? "-" : fmt(t),
                    r == null ? "" : String.format(Locale.ROOT, "%.2fx [%.2f-%.2f]", r.median(), r.min(), r.max()));
        }
    }

    /** PyTorch's figure over vecgrad's, round by round (both lists are in round order). */
    static Samples ratios(List<Run> ours, List<Run> theirs, ToDoubleFunction<Run> f) {
        double[] v = new double[Math.min(ours.size(), theirs.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(theirs.get(i)) / f.applyAsDouble(ours.get(i));
        }
        return new Samples(v);
    }

    private static String fmt(Samples s) {
        return String.format(Locale.ROOT, "%.3f [%.3f-%.3f]", s.median(), s.min(), s.max());
    }

    private static Samples samples(List<Run> runs, ToDoubleFunction<Run> f) {
        return new Samples(runs.stream().mapToDouble(f).toArray());
    }

    /** vecgrad's demo in a fresh JVM with this JVM's flags and class path. */
    private Run vecgrad(long s) throws IOException, InterruptedException {
        Path out = Files.createTempDirectory("vecgrad-bench-train");
        try {
            return run(Peers.java(Main.class.getName(), "demo", "--json", "--no-install", "--epochs", Integer.toString(epochs),
                    "--threads", Integer.toString(threads), "--seed", Long.toString(s), "--data", data.toString(), "--out",
                    out.toString()), "vecgrad demo");
        } finally {
            try (var files = Files.walk(out)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Run pytorch(Peers.Torch torch, long s) throws IOException, InterruptedException {
        return run(torch.command(threads, "--data", data.toString(), "--epochs", Integer.toString(epochs), "--threads",
                Integer.toString(threads), "--seed", Long.toString(s)), "torch_mlp.py (" + torch.python() + ")");
    }

    /** Runs a child that prints JSON lines with "epoch"/"train_seconds" and "test_accuracy". */
    private static Run run(ProcessBuilder pb, String what) throws IOException, InterruptedException {
        pb.redirectErrorStream(true);
        long t0 = System.nanoTime();
        Process p = pb.start();
        List<Double> seconds = new ArrayList<>();
        double accuracy = Double.NaN;
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
                if (!line.startsWith("{")) {
                    continue;
                }
                if (Json.parse(line) instanceof Map<?, ?> m) {
                    if (m.get("epoch") instanceof Number && m.get("train_seconds") instanceof Number sec) {
                        seconds.add(sec.doubleValue());
                    }
                    if (m.get("test_accuracy") instanceof Number a) {
                        accuracy = a.doubleValue();
                    }
                }
            }
        }
        int code = p.waitFor();
        double wall = (System.nanoTime() - t0) * 1e-9;
        if (code != 0 || seconds.isEmpty() || Double.isNaN(accuracy)) {
            throw new IOException(what + " failed (exit " + code + "); its output: "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
        }
        return new Run(List.copyOf(seconds), accuracy, wall);
    }
}
