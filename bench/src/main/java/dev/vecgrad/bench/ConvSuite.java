package dev.vecgrad.bench;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Losses;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.kernels.Parallelism;
import dev.vecgrad.models.io.Json;
import dev.vecgrad.models.optim.Optimizer;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.zoo.Cnn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vecgrad bench conv}: milliseconds per training step of the zoo's CNN (batch 64, Adam) and of
 * deblur's U-Net (width 16, two levels, batch 32, MSE, Adam), and
 * per convolution forward + backward (input and weight gradients) on the shapes of {@link #SHAPES},
 * vecgrad against PyTorch ({@code torch_cnn.py}, given the same list), fresh processes each round,
 * same thread count; the cold first iteration apart. Each layer's effective GFLOP/s (3 x 2 N O C
 * kh kw oh ow over the median time) is also given as a share of the FMA probe run on as many
 * threads in the same run. The default warm-up (60 iterations) lets the JIT finish: at 20, the
 * CNN step was still at about twice its later time.
 */
@Command(name = "conv", mixinStandardHelpOptions = true,
        description = {"CNN training step and conv2d forward+backward, vecgrad vs PyTorch, fresh",
                "processes, same run and threads."})
final class ConvSuite implements Callable<Integer> {

    /**
     * op N,C,H,W,O,k,stride,padding: the CNN's two convolutions, a strided one, and a U-Net's (a
     * 3x3 64->64 at 28x28, the up-sampling ConvTranspose2d 64->32 of kernel 2 and stride 2, a 1x1
     * 128->64).
     */
    static final List<String> SHAPES = List.of("conv2d 64,32,14,14,64,3,1,1", "conv2d 64,1,28,28,32,3,1,1",
            "conv2d 32,64,16,16,64,3,2,1", "conv2d 32,64,28,28,64,3,1,1", "conv_transpose2d 32,64,14,14,32,2,2,0",
            "conv2d 32,128,28,28,64,1,1,0");

    /** Floating-point operations of one forward + backward (input and weight gradients) of a {@link #SHAPES} entry. */
    static double flops(String shape) {
        int[] s = numbers(shape);
        long out;
        if (shape.startsWith("conv_transpose2d")) {
            out = (long) s[0] * s[2] * s[3];   // the input positions: each meets the whole kernel
        } else {
            out = (long) s[0] * ((s[2] + 2 * s[7] - s[5]) / s[6] + 1) * ((s[3] + 2 * s[7] - s[5]) / s[6] + 1);
        }
        return 3.0 * 2 * out * s[1] * s[4] * s[5] * s[5];
    }

    /** A shape's name for the tables: conv_transpose2d shortened to convT so that a row fits 80 columns. */
    static String label(String what) {
        return what.replace("conv_transpose2d", "convT");
    }

    static int[] numbers(String shape) {
        return java.util.Arrays.stream(shape.substring(shape.indexOf(' ') + 1).split(",")).mapToInt(Integer::parseInt).toArray();
    }

    @Option(names = "--threads", description = "threads for both (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--rounds", description = "fresh processes of each (default: 3)")
    int rounds = 3;

    @Option(names = "--warmup", description = "untimed iterations per process (default: 60)")
    int warmup = 60;

    @Option(names = "--iterations", description = "timed iterations per process (default: 20)")
    int iterations = 20;

    @Option(names = "--no-baseline", description = "run vecgrad only")
    boolean noBaseline;

    @Option(names = "--shapes", paramLabel = "OP N,C,H,W,O,k,s,p;...", description = "the layers timed, ';' between them"
            + " (default: the CNN's, a strided one and a U-Net's at 64 channels)")
    String shapes = String.join(";", SHAPES);

    /** The checked --shapes, joined with ';' as both workers read them. */
    private String layers;

    /** The --shapes list, each checked: "conv2d" or "conv_transpose2d", then eight positive numbers (padding may be 0). */
    private List<String> shapeList() {
        List<String> out = new ArrayList<>();
        for (String s : shapes.split(";")) {
            String t = s.strip();
            if (!t.matches("(conv2d|conv_transpose2d) [0-9]{1,5}(,[0-9]{1,5}){7}")) {
                throw new IllegalArgumentException("--shapes: '" + t + "' is not 'conv2d|conv_transpose2d N,C,H,W,O,k,stride,padding'");
            }
            int[] n = numbers(t);
            if (n[0] < 1 || n[1] < 1 || n[2] < 1 || n[3] < 1 || n[4] < 1 || n[5] < 1 || n[6] < 1 || n[5] > n[2] + 2 * n[7]) {
                throw new IllegalArgumentException("--shapes: '" + t + "' has a size below 1 or a kernel larger than its padded input");
            }
            out.add(t);
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || rounds < 1 || warmup < 0 || iterations < 1) {
            throw new IllegalArgumentException("--threads, --rounds and --iterations must be >= 1, --warmup >= 0");
        }
        layers = String.join(";", shapeList());   // a bad --shapes is refused before any process starts
        Peers.Torch torch = noBaseline ? null : Peers.torch("torch_cnn.py", "torch_unet.py");
        if (torch != null) {
            System.out.println("pytorch: " + torch.describe(threads));
        }
        System.out.printf(Locale.ROOT, "%d thread(s), %d round(s), %d warm-up + %d timed iterations per process%n", threads, rounds,
                warmup, iterations);
        Samples probe = FmaPeak.measure(threads, 5);
        System.out.printf(Locale.ROOT, "FMA probe: %.0f GFLOP/s on %d thread(s); CPU %s, %d logical cores%n", probe.median(), threads,
                dev.vecgrad.kernels.CpuInfo.host().model(), Runtime.getRuntime().availableProcessors());
        Map<String, List<double[]>> ours = new LinkedHashMap<>();
        Map<String, List<double[]>> theirs = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            boolean torchFirst = r % 2 == 1;
            if (torchFirst && torch != null) {
                collect(theirs, pytorch(torch));
            }
            collect(ours, vecgrad());
            if (!torchFirst && torch != null) {
                collect(theirs, pytorch(torch));
            }
        }
        // two blocks that each fit an 80-column terminal: the times, then the ratio's range, the efficiency and the cold start
        System.out.println();
        System.out.printf(Locale.ROOT, "%-28s %-18s %-18s %s%n", "ms: median [range]", "vecgrad", "pytorch", "ratio");
        Map<String, Samples> times = new LinkedHashMap<>();
        Map<String, Samples> ratios = new LinkedHashMap<>();
        for (String what : ours.keySet()) {
            Samples o = new Samples(ours.get(what).stream().mapToDouble(v -> v[1]).toArray());
            times.put(what, o);
            String line = String.format(Locale.ROOT, "%-28s %-18s", label(what), o.format());
            if (theirs.containsKey(what)) {
                Samples t = new Samples(theirs.get(what).stream().mapToDouble(v -> v[1]).toArray());
                double[] ratio = new double[rounds];
                for (int i = 0; i < rounds; i++) {
                    ratio[i] = theirs.get(what).get(i)[1] / ours.get(what).get(i)[1];
                }
                Samples q = new Samples(ratio);
                ratios.put(what, q);
                line += String.format(Locale.ROOT, " %-18s %.2fx", t.format(), q.median());
            }
            System.out.println(line);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-28s %-13s %8s %7s %13s%n", "", "ratio range", "GFLOP/s", "probe", "first ms");
        for (String what : ours.keySet()) {
            Samples o = times.get(what);
            Samples q = ratios.get(what);
            String range = q == null ? "-" : String.format(Locale.ROOT, "[%.2f-%.2f]", q.min(), q.max());
            String rate = "-";
            String share = "-";
            if (!what.endsWith("_step")) {
                double gflops = flops(what) / o.median() / 1e6;
                rate = String.format(Locale.ROOT, "%.0f", gflops);
                share = String.format(Locale.ROOT, "%.0f%%", 100 * gflops / probe.median());
            }
            System.out.printf(Locale.ROOT, "%-28s %-13s %8s %7s %13.0f%n", label(what), range, rate, share, ours.get(what).get(0)[0]);
        }
        System.out.println("ratio: pytorch's time / vecgrad's, per round; GFLOP/s: 3 x 2 N O C kh kw oh ow");
        System.out.println("over vecgrad's median (direct convolution's count: Winograd's 3x3 layers do fewer");
        System.out.println("multiplies); first ms: vecgrad's first (cold) iteration, first round");
        return 0;
    }

    private static void collect(Map<String, List<double[]>> into, Map<String, double[]> run) {
        run.forEach((k, v) -> into.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }

    private Map<String, double[]> vecgrad() throws IOException, InterruptedException {
        return run(Peers.java(Worker.class.getName(), Integer.toString(threads), Integer.toString(warmup), Integer.toString(iterations),
                layers), "vecgrad conv worker");
    }

    private Map<String, double[]> pytorch(Peers.Torch torch) throws IOException, InterruptedException {
        return run(torch.command(threads, "--threads", Integer.toString(threads), "--warmup", Integer.toString(warmup), "--iterations",
                Integer.toString(iterations), "--shapes", layers), "torch_cnn.py (" + torch.python() + ")");
    }

    /** what -> {first ms, median ms} from the child's JSON lines. */
    private static Map<String, double[]> run(ProcessBuilder pb, String what) throws IOException, InterruptedException {
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        Map<String, double[]> result = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("{") && Json.parse(line) instanceof Map<?, ?> m && m.get("times_ms") instanceof List<?> times) {
                double[] t = times.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
                result.put((String) m.get("what"), new double[] {((Number) m.get("first_ms")).doubleValue(), new Samples(t).median()});
            }
        }
        if (code != 0 || result.isEmpty()) {
            throw new IOException(what + " failed (exit " + code + "): " + out.strip().replace('\n', ' '));
        }
        return result;
    }

    /** The vecgrad side in its own JVM: args threads, warm-up, iterations, shapes; prints JSON lines like torch_cnn.py. */
    public static final class Worker {
        public static void main(String[] args) {
            Parallelism.setThreads(Integer.parseInt(args[0]));
            int warmup = Integer.parseInt(args[1]);
            int iterations = Integer.parseInt(args[2]);
            Random rng = new Random(0);
            Cnn cnn = new Cnn(28, 32, 64, 128, 10, rng);
            Optimizer opt = new Optimizers.Adam(cnn.parameters(), 0.001);
            Tensor x = Tensor.randn(rng, DType.F32, 64, 1, 28, 28);
            int[] y = new int[64];
            for (int i = 0; i < y.length; i++) {
                y[i] = rng.nextInt(10);
            }
            print("cnn_step", time(training(opt, () -> Losses.crossEntropy(cnn.forward(x), y)), warmup, iterations), iterations);
            // deblur's network: UNet(1, 16, 2), 32 images of 28x28, MSE, Adam (torch_unet.UNet on PyTorch's side)
            dev.vecgrad.models.zoo.UNet unet = new dev.vecgrad.models.zoo.UNet(1, 16, 2, rng);
            Optimizer unetOpt = new Optimizers.Adam(unet.parameters(), 0.002);
            Tensor ux = Tensor.randn(rng, DType.F32, 32, 1, 28, 28);
            Tensor uy = Tensor.randn(rng, DType.F32, 32, 1, 28, 28);
            print("unet_step", time(training(unetOpt, () -> Losses.mse(unet.forward(ux), uy)), warmup, iterations), iterations);
            for (String shape : args[3].split(";")) {
                int[] s = numbers(shape);
                boolean transposed = shape.startsWith("conv_transpose2d");
                Tensor xi = Tensor.randn(rng, DType.F32, s[0], s[1], s[2], s[3]).requiresGrad(true);
                Tensor wt = (transposed ? Tensor.randn(rng, DType.F32, s[1], s[4], s[5], s[5])
                        : Tensor.randn(rng, DType.F32, s[4], s[1], s[5], s[5])).requiresGrad(true);
                int[] st = {s[6], s[6]};
                int[] pd = {s[7], s[7]};
                int[] one = {1, 1};
                print(shape, time(() -> {
                    xi.zeroGrad();
                    wt.zeroGrad();
                    (transposed ? Tensor.convTranspose2d(xi, wt, null, st, pd, new int[] {0, 0}, one, 1)
                            : Tensor.conv2d(xi, wt, null, st, pd, one, 1)).sum().backward();
                    return null;
                }, warmup, iterations), iterations);
            }
        }

        /** One training step: zeroGrad, the loss's backward, step. */
        private static Supplier<Void> training(Optimizer opt, Supplier<Tensor> loss) {
            return () -> {
                opt.zeroGrad();
                loss.get().backward();
                opt.step();
                return null;
            };
        }

        private static double[] time(Supplier<Void> step, int warmup, int iterations) {
            double[] t = new double[warmup + iterations];
            for (int i = 0; i < t.length; i++) {
                long t0 = System.nanoTime();
                step.get();
                t[i] = (System.nanoTime() - t0) / 1e6;
            }
            return t;
        }

        /** The first time and the last {@code timed} ones, as a JSON line. */
        private static void print(String what, double[] t, int timed) {
            StringBuilder sb = new StringBuilder();
            for (int i = t.length - timed; i < t.length; i++) {
                sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", t[i]));
            }
            System.out.println("{\"what\": \"" + what + "\", \"first_ms\": " + String.format(Locale.ROOT, "%.4f", t[0])
                    + ", \"times_ms\": [" + sb + "]}");
        }
    }
}
