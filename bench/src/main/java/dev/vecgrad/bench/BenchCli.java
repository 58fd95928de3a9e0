package dev.vecgrad.bench;

import dev.vecgrad.kernels.Backend;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Entry point of the bench jar: {@code info}, {@code gemm}, {@code jmh}. The {@code ./vecgrad} launcher calls it. */
@Command(name = "vecgrad bench", mixinStandardHelpOptions = true,
        subcommands = {BenchCli.Info.class, GemmSuite.class, ElementwiseSuite.class, TrainSuite.class, RnnSuite.class, ConvSuite.class,
                BenchCli.Jmh.class},
        description = "Benchmarks of vecgrad's kernels against the machine's peak and against OpenBLAS / PyTorch.")
public final class BenchCli implements Runnable {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            // everything after "jmh" belongs to JMH, options included
            org.openjdk.jmh.Main.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        CommandLine cli = new CommandLine(new BenchCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 2;
        });
        System.exit(cli.execute(args));
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
            description = {"Runs the JMH benchmarks; arguments go to JMH (e.g. GemmBenchmark -p shape=1024x1024x1024:NN).",
                    "JMH's -h lists its options."})
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
