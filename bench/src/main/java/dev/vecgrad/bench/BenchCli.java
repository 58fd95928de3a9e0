package dev.vecgrad.bench;

import dev.vecgrad.kernels.Backend;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Entry point of the bench jar: {@code info}, {@code gemm}, {@code jmh}. The {@code ./vecgrad} launcher calls it. */
@Command(name = "vecgrad bench", mixinStandardHelpOptions = true,
        subcommands = {BenchCli.Info.class, GemmSuite.class, ElementwiseSuite.class, TrainSuite.class, RnnSuite.class, ConvSuite.class,
                BenchCli.Jmh.class, TuneCommand.class},
        description = "Benchmarks of vecgrad's kernels against the machine's peak and against OpenBLAS / PyTorch.")
public final class BenchCli implements Runnable {

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("jmh") && (args[1].equals("--help") || args[1].equals("help"))) {
            // JMH knows -h only: --help is ours, as on every other command
            new CommandLine(new BenchCli()).getSubcommands().get("jmh").usage(System.out);
            System.out.println();
            System.out.println("Benchmarks (each also takes JMH's -p to set its parameters):");
            benchmarks().forEach((cls, methods) -> System.out.println("  " + cls + ": " + String.join(", ", methods)));
            System.out.println();
            System.out.println("Examples:");
            System.out.println("  ./vecgrad bench jmh GemmBenchmark -f 2 -wi 3 -i 5");
            System.out.println("  ./vecgrad bench jmh -l        (JMH's own list)");
            System.out.println("  ./vecgrad bench jmh -h        (JMH's own options)");
            return;
        }
        if (args.length > 0 && args[0].equals("jmh")) {
            // everything after "jmh" belongs to JMH, options included
            org.openjdk.jmh.Main.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        CommandLine cli = commandLine(System.getenv("VECGRAD_COMMAND_ROOT"));
        dev.vecgrad.app.Main.oneLineOptionErrors(cli);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 2;
        });
        System.exit(cli.execute(args));
    }

    /**
     * The command line, named {@code root} when it is given: the launcher's {@code ./vecgrad info}
     * and {@code ./vecgrad tune} set it to {@code vecgrad}, so that their usage reads as typed
     * (it said {@code vecgrad bench info}).
     */
    static CommandLine commandLine(String root) {
        CommandLine cli = new CommandLine(new BenchCli());
        if (root != null && !root.isBlank()) {
            cli.setCommandName(root);
        }
        return cli;
    }

    /**
     * The benchmark classes and their methods, from the list JMH's annotation processor wrote into
     * the jar (lines "JMH S n CLASS S n GENERATED S n METHOD ...").
     */
    static java.util.SortedMap<String, java.util.List<String>> benchmarks() throws java.io.IOException {
        java.util.SortedMap<String, java.util.List<String>> out = new java.util.TreeMap<>();
        try (var in = BenchCli.class.getResourceAsStream("/META-INF/BenchmarkList")) {
            if (in == null) {
                return out;
            }
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.split(" ");
                if (f.length > 9 && f[0].equals("JMH")) {
                    String cls = f[3].substring(f[3].lastIndexOf('.') + 1);
                    out.computeIfAbsent(cls, k -> new java.util.ArrayList<>()).add(f[9]);
                }
            }
        }
        return out;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** {@code ./vecgrad info}: JDK, CPU model, caches, what the kernels run on. */
    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "The JDK, the CPU model and its caches, the vector width, FMA, threads and GEMM block sizes.")
    static final class Info implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.print(Backend.report());
            return 0;
        }
    }

    /** {@code ./vecgrad bench jmh ...}: the JMH benchmarks with JMH's own options (main hands them to JMH directly; this class is its help entry). */
    @Command(name = "jmh", mixinStandardHelpOptions = false,
            description = {"Runs the JMH benchmarks; arguments go to JMH (e.g. GemmBenchmark -p",
                    "shape=1024x1024x1024:NN). JMH's -h lists its options."})
    static final class Jmh implements Callable<Integer> {
        @Parameters(description = "JMH arguments")
        String[] args = new String[0];

        @Override
        public Integer call() throws Exception {
            org.openjdk.jmh.Main.main(args);
            return 0;
        }
    }
}
