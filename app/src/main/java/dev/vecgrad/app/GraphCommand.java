package dev.vecgrad.app;

import dev.vecgrad.autograd.Graph;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.autograd.Losses;
import dev.vecgrad.models.io.AtomicFiles;
import dev.vecgrad.models.zoo.Mlp;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./vecgrad graph "relu(w*x + b)" --set w=2,x=3,b=1}: evaluates an expression in float64,
 * runs backward, prints the value and one line {@code d<name> = <value>} per input, and draws
 * the computational graph (values on every node, gradients on the inputs) as PNG or SVG with
 * Graphviz's {@code dot}, or as DOT text. Bad input exits 2 with one line naming the problem
 * (for the expression, its column) before anything is written.
 */
@Command(name = "graph", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draws the computational graph of an expression with its values and gradients,",
                "as the course notes teach automatic differentiation. For example",
                "  ./vecgrad graph \"relu(w*x + b)\" --set w=2,x=3,b=1",
                "prints value = 7, dw = 3, dx = 2, db = 1 and writes the picture. The language:",
                "names, numbers, + - * /, ^ with a number, parentheses, sum(...) and abs, exp,",
                "gelu, log, neg, relu, sigmoid, softplus, sqrt, tanh."})
final class GraphCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "EXPR",
            description = "The expression, e.g. \"relu(w*x + b)\" (quote it for the shell).")
    String expression;

    @Option(names = "--set", paramLabel = "NAME=VALUE,...",
            description = "Values of the names: w=2,x=3,b=1 (a vector: x=[1 2 3]). Repeatable.")
    List<String> set = List.of();

    @Option(names = "--mlp", paramLabel = "SIZES", split = ",",
            description = "Instead of EXPR: one training step of an MLP of these widths (784,128,64,10: the demo's network,"
                    + " ReLU, log-softmax, NLL, batch 64), drawn collapsed to ops and shapes.")
    int[] mlp;

    @Option(names = "--wrt", paramLabel = "NAMES", split = ",",
            description = "Print the gradients of these names only (default: every name, in order of appearance).")
    List<String> wrt;

    @Option(names = "--out", paramLabel = "FILE",
            description = "The picture: .png or .svg (Graphviz's dot draws them) or .dot text (default: runs/graph/graph.png, then"
                    + " graph-2.png, ...: an earlier picture is never replaced).")
    Path out;

    @Option(names = "--overwrite", description = "Replace --out when it exists (without it, an existing --out is refused).")
    boolean overwrite;

    /** The picture's folder and name when --out is not given. */
    static final Path DEFAULT_OUT = Path.of("runs", "graph", "graph.png");

    @Option(names = "--max-nodes", defaultValue = "200", description = "Draw at most this many nodes (default: ${DEFAULT-VALUE}).")
    int maxNodes;

    @Option(names = "--no-install", description = "Never install Graphviz, even as root.")
    boolean noInstall;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintStream err = System.err;
        if (out == null) {
            out = CommonOptions.freeFile(DEFAULT_OUT);
        } else if (Files.exists(out) && !Files.isDirectory(out) && !overwrite) {
            err.println("vecgrad graph: --out " + out + " exists: pass --overwrite to replace it, or choose another name");
            return 2;
        }
        if ((expression == null) == (mlp == null)) {
            err.println("vecgrad graph: give an expression or --mlp SIZES (one of them)");
            return 2;
        }
        if (mlp != null) {
            return mlpStep(err);
        }
        Expression e;
        Map<String, double[]> values = new LinkedHashMap<>();
        String format;
        try {
            e = Expression.parse(expression);
            for (String s : set) {
                Expression.parseBindings(s).forEach((k, v) -> {
                    if (values.put(k, v) != null) {
                        throw new IllegalArgumentException("--set: '" + k + "' is given twice");
                    }
                });
            }
            format = format(out);
            check(e, values);
        } catch (IllegalArgumentException bad) {
            err.println("vecgrad graph: " + bad.getMessage());
            return 2;
        }
        Map<String, Tensor> leaves = new LinkedHashMap<>();
        for (String name : e.names()) {
            double[] v = values.get(name);
            leaves.put(name, (v.length == 1 ? Tensor.scalar(v[0]) : Tensor.of(v, v.length)).requiresGrad(true));
        }
        Tensor y = e.evaluate(leaves);
        if (y.numel() != 1) {
            err.println("vecgrad graph: the expression has " + y.numel() + " values (shape " + java.util.Arrays.toString(y.shape())
                    + "); wrap it in sum(...) to get one");
            return 2;
        }
        Graph graph = Graph.capture(y, leaves, maxNodes, 8);
        y.backward();
        System.out.println("value = " + format(y.item()));
        for (String name : wrt == null ? e.names() : wrt) {
            Tensor g = leaves.get(name).grad();
            double[] d = g == null ? new double[leaves.get(name).numel()] : g.toDoubleArray();
            System.out.println("d" + name + " = " + (d.length == 1 ? format(d[0]) : vector(d)));
        }
        write(graph.toDot(), format);
        return 0;
    }

    /** Draws one training step of the demo's kind of MLP on a random batch of 64, collapsed. */
    private int mlpStep(PrintStream err) throws IOException, InterruptedException {
        String format;
        try {
            format = format(out);
            if (mlp.length < 2 || java.util.Arrays.stream(mlp).anyMatch(n -> n < 1 || n > 65536)) {
                throw new IllegalArgumentException("--mlp: give at least two widths from 1 to 65536, e.g. 784,128,64,10");
            }
            // weights, their gradients and the step's activations, checked before allocating (20000,20000 asked for 5 GB)
            long params = 0;
            long activations = 0;
            for (int i = 0; i + 1 < mlp.length; i++) {
                params += (long) mlp[i] * mlp[i + 1] + mlp[i + 1];
                activations += 64L * 3 * mlp[i + 1];
            }
            // at the initialisation's peak a parameter holds 24 bytes (its float, the double draws and their tensor, the
            // converted copy), and 20000,20000 ran out of a 6 GB heap there
            long bytes = 24 * params + 4 * (activations + 64L * mlp[0]);
            long max = Runtime.getRuntime().maxMemory();
            if (bytes > max * 0.8) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "--mlp %s needs about %.1f GB (%d parameters, "
                        + "24 bytes each while they are initialised), more than this JVM may use (%.1f GB; raise it with VECGRAD_JAVA_OPTS=-Xmx...)",
                        String.join(",", java.util.Arrays.stream(mlp).mapToObj(Integer::toString).toList()), bytes / 1e9, params, max / 1e9));
            }
            check(null, Map.of());
        } catch (IllegalArgumentException bad) {
            err.println("vecgrad graph: " + bad.getMessage());
            return 2;
        }
        long start = System.nanoTime();
        java.util.Random rng = new java.util.Random(0);
        Mlp model = new Mlp(mlp, "relu", "log_softmax", rng);
        Tensor x = Tensor.rand(rng, dev.vecgrad.autograd.DType.F32, 64, mlp[0]);
        int[] labels = new int[64];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rng.nextInt(mlp[mlp.length - 1]);
        }
        Tensor loss = Losses.nll(model.forward(x), labels);
        Map<String, Tensor> names = new LinkedHashMap<>(model.namedParameters());
        names.put("input", x);
        Graph graph = Graph.capture(loss, names, maxNodes, 1);
        loss.backward();
        String dot = graph.toDot();
        double ms = (System.nanoTime() - start) / 1e6;
        System.out.println("loss = " + format(loss.item()) + "; " + graph.nodes().size() + " nodes, " + graph.edges().size()
                + " edges" + (graph.omitted() > 0 ? ", " + graph.omitted() + " not drawn" : "") + String.format(Locale.ROOT,
                "; step and graph in %.0f ms", ms));
        write(dot, format);
        return 0;
    }

    /** Every name has a value, every value a name, every --wrt name is in the expression, and --out can be written. */
    private void check(Expression e, Map<String, double[]> values) {
        for (String name : e == null ? List.<String>of() : e.names()) {
            if (!values.containsKey(name)) {
                throw new IllegalArgumentException("no value for '" + name + "': give it with --set " + name + "=...");
            }
        }
        for (String name : e == null ? List.<String>of() : values.keySet()) {
            if (!e.names().contains(name)) {
                throw new IllegalArgumentException("--set: '" + name + "' is not in the expression (its names: "
                        + String.join(", ", e.names()) + ")");
            }
        }
        if (wrt != null && e != null) {
            for (String name : wrt) {
                if (!e.names().contains(name)) {
                    throw new IllegalArgumentException("--wrt: '" + name + "' is not in the expression (its names: "
                            + String.join(", ", e.names()) + ")");
                }
            }
        }
        if (maxNodes < 1) {
            throw new IllegalArgumentException("--max-nodes must be at least 1, got " + maxNodes);
        }
        Path dir = out.toAbsolutePath().getParent();
        if (Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out: " + out + " is a directory; give a file name ending in .png, .svg or .dot");
        }
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p) || !Files.isWritable(p)) {
                    throw new IllegalArgumentException("--out: cannot write into " + p);
                }
                break;
            }
        }
    }

    private static String format(Path out) {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String f : new String[] {"png", "svg", "dot"}) {
            if (name.endsWith("." + f)) {
                return f;
            }
        }
        throw new IllegalArgumentException("--out: '" + out + "' must end in .png, .svg or .dot");
    }

    private void write(String dot, String format) throws IOException, InterruptedException {
        if (format.equals("dot")) {
            AtomicFiles.writeString(out, dot);
            System.out.println("wrote " + out);
            return;
        }
        Path dotProgram = Packages.findOnPath("dot");
        if (dotProgram == null && !noInstall && Packages.canInstall()) {
            System.err.println("Graphviz's dot is not installed; installing Debian's graphviz with apt-get");
            Packages.install("graphviz", System.err);
            dotProgram = Packages.findOnPath("dot");
        }
        Path dotFile = out.resolveSibling(out.getFileName().toString().replaceAll("\\.[^.]+$", "") + ".dot");
        if (dotProgram == null) {
            AtomicFiles.writeString(dotFile, dot);
            System.out.println("wrote " + dotFile + " (Graphviz's dot is not installed, so no " + format.toUpperCase(Locale.ROOT)
                    + "; render it with: dot -T" + format + " " + dotFile + " -o " + out + "  after: apt-get install graphviz)");
            return;
        }
        render(dotProgram, dot, format);
        System.out.println("wrote " + out);
    }

    /** dot -T<format> with the DOT text on its input, its output written atomically to --out. */
    private void render(Path dotProgram, String dot, String format) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(dotProgram.toString(), "-T" + format).redirectError(ProcessBuilder.Redirect.PIPE).start();
        Thread feeder = new Thread(() -> {
            try (var in = p.getOutputStream()) {
                in.write(dot.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // dot exited early; its exit code and message say why
            }
        });
        feeder.start();
        AtomicFiles.write(out, o -> {
            p.getInputStream().transferTo(o);
            try {
                int code = p.waitFor();
                if (code != 0) {
                    String message = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    throw new IOException("dot exited with " + code + ": " + message.replace('\n', ' '));
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while dot ran", ex);
            }
        });
        feeder.join();
    }

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.10g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replaceAll("\\.(e|$)", "$1");
    }

    private static String vector(double[] d) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < d.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(format(d[i]));
        }
        return sb.append(']').toString();
    }
}
