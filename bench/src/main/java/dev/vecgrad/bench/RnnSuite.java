package dev.vecgrad.bench;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.kernels.Parallelism;
import dev.vecgrad.models.rnn.GRU;
import dev.vecgrad.models.rnn.LSTM;
import dev.vecgrad.models.rnn.RNNBase;
import dev.vecgrad.models.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vecgrad bench rnn}: milliseconds per training iteration (forward and backward of
 * sum(output)) of an LSTM and a GRU, input 32, hidden 128, 100 steps, batch 32 by default, in
 * vecgrad and in PyTorch ({@code torch_rnn.py}), each round in fresh processes alternating
 * which goes first, same thread count. Reports the first (cold) iteration apart from the
 * median of the timed ones, and PyTorch/vecgrad per round.
 */
@Command(name = "rnn", mixinStandardHelpOptions = true,
        description = {"LSTM and GRU training iterations, vecgrad vs PyTorch, fresh processes, same run",
                "and threads. One-thread runs are pinned by ./vecgrad (taskset -c 0; children",
                "inherit it)."})
final class RnnSuite implements Callable<Integer> {

    @Option(names = "--threads", description = "threads for both (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--cells", split = ",", description = "lstm, gru or both (default: lstm,gru)")
    List<String> cells = List.of("lstm", "gru");

    @Option(names = "--rounds", description = "fresh processes of each (default: 3)")
    int rounds = 3;

    @Option(names = "--warmup", description = "untimed iterations per process (default: 40; vecgrad's JIT needs about 30 to settle)")
    int warmup = 40;

    @Option(names = "--iterations", description = "timed iterations per process (default: 20)")
    int iterations = 20;

    @Option(names = "--no-baseline", description = "run vecgrad only")
    boolean noBaseline;

    record Run(double firstMs, double medianMs) {}

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || rounds < 1 || warmup < 0 || iterations < 1) {
            throw new IllegalArgumentException("--threads, --rounds and --iterations must be >= 1, --warmup >= 0");
        }
        for (String c : cells) {
            if (!c.equals("lstm") && !c.equals("gru")) {
                throw new IllegalArgumentException("--cells: 'lstm' or 'gru', got '" + c + "'");
            }
        }
        Peers.Torch torch = noBaseline ? null : Peers.torch("torch_rnn.py");
        if (torch != null) {
            System.out.println("pytorch: " + torch.describe(threads));
        }
        System.out.printf(Locale.ROOT, "input 32, hidden 128, 100 steps, batch 32, forward + backward; %d thread(s), %d round(s), "
                + "%d warm-up + %d timed iterations per process%n", threads, rounds, warmup, iterations);
        for (String cell : cells) {
            List<Run> ours = new ArrayList<>();
            List<Run> theirs = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                boolean torchFirst = r % 2 == 1;
                if (torchFirst && torch != null) {
                    theirs.add(pytorch(torch, cell));
                }
                ours.add(vecgrad(cell));
                if (!torchFirst && torch != null) {
                    theirs.add(pytorch(torch, cell));
                }
                System.out.printf(Locale.ROOT, "%s round %d: vecgrad %.2f ms (first %.0f)%s%n", cell, r + 1, ours.get(r).medianMs(),
                        ours.get(r).firstMs(), theirs.isEmpty() ? "" : String.format(Locale.ROOT, ", pytorch %.2f ms (first %.0f)",
                                theirs.get(r).medianMs(), theirs.get(r).firstMs()));
            }
            Samples o = new Samples(ours.stream().mapToDouble(Run::medianMs).toArray());
            String line = String.format(Locale.ROOT, "%s: vecgrad %s ms", cell, o.format());
            if (!theirs.isEmpty()) {
                Samples t = new Samples(theirs.stream().mapToDouble(Run::medianMs).toArray());
                double[] ratio = new double[rounds];
                for (int i = 0; i < rounds; i++) {
                    ratio[i] = theirs.get(i).medianMs() / ours.get(i).medianMs();
                }
                Samples q = new Samples(ratio);
                line += String.format(Locale.ROOT, ", pytorch %s ms, pytorch/vecgrad %.2fx [%.2f-%.2f]", t.format(), q.median(), q.min(),
                        q.max());
            }
            System.out.println(line);
        }
        return 0;
    }

    private Run vecgrad(String cell) throws IOException, InterruptedException {
        return run(Peers.java(Worker.class.getName(), cell, Integer.toString(threads), Integer.toString(warmup),
                Integer.toString(iterations)), "vecgrad rnn worker");
    }

    private Run pytorch(Peers.Torch torch, String cell) throws IOException, InterruptedException {
        return run(torch.command(threads, "--cell", cell, "--threads", Integer.toString(threads), "--warmup", Integer.toString(warmup),
                "--iterations", Integer.toString(iterations)), "torch_rnn.py (" + torch.python() + ")");
    }

    /** Reads the child's JSON line {"first_ms", "times_ms"}. */
    private static Run run(ProcessBuilder pb, String what) throws IOException, InterruptedException {
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        for (String line : out.split("\n")) {
            if (line.startsWith("{") && Json.parse(line) instanceof Map<?, ?> m && m.get("times_ms") instanceof List<?> times) {
                double[] t = times.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
                return new Run(((Number) m.get("first_ms")).doubleValue(), new Samples(t).median());
            }
        }
        throw new IOException(what + " failed (exit " + code + "): " + out.strip().replace('\n', ' '));
    }

    /** The vecgrad side, in its own JVM: args cell, threads, warm-up, iterations; prints one JSON line. */
    public static final class Worker {
        public static void main(String[] args) {
            String cell = args[0];
            Parallelism.setThreads(Integer.parseInt(args[1]));
            int warmup = Integer.parseInt(args[2]);
            int iterations = Integer.parseInt(args[3]);
            Random rng = new Random(0);
            RNNBase m = cell.equals("lstm") ? new LSTM(32, 128, rng) : new GRU(32, 128, rng);
            Tensor x = Tensor.randn(rng, DType.F32, 100, 32, 32);
            double first = 0;
            StringBuilder times = new StringBuilder();
            for (int it = 0; it < warmup + iterations; it++) {
                long t0 = System.nanoTime();
                m.zeroGrad();
                m.forward(x, null).output().sum().backward();
                double ms = (System.nanoTime() - t0) / 1e6;
                if (it == 0) {
                    first = ms;
                }
                if (it >= warmup) {
                    times.append(times.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", ms));
                }
            }
            System.out.println("{\"cell\": \"" + cell + "\", \"first_ms\": " + String.format(Locale.ROOT, "%.4f", first)
                    + ", \"times_ms\": [" + times + "]}");
        }
    }
}
