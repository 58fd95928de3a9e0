package dev.vecgrad.app;

import dev.vecgrad.app.report.Plots;
import dev.vecgrad.models.io.AtomicFiles;
import dev.vecgrad.models.zoo.GradientNormStudy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./vecgrad study ...}: the notes' experiments that are not a training run. */
@Command(name = "study", mixinStandardHelpOptions = true, subcommands = StudyCommand.GradientNorm.class,
        description = {"The notes' studies: gradient-norm (vanishing and exploding gradients in",
                "recurrent cells)."})
final class StudyCommand {
    // not runnable: "vecgrad study" alone is picocli's one-line "Missing required subcommand", exit 2

    @Command(name = "gradient-norm", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Vanishing and exploding gradients: |dL/dh_t| over the steps t of a sequence",
                    "whose loss reads only the last state, for a tanh RNN, a relu RNN with W_hh x 4,",
                    "an LSTM and a GRU at PyTorch's init; and the parameter gradient's norm against",
                    "sequence length, raw and clipped. Writes gradient-norm.png (log10 of the norms)",
                    "and gradient-norm.csv."})
    static final class GradientNorm implements Callable<Integer> {

        @Option(names = "--steps", defaultValue = "100", description = "Sequence length (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--hidden", defaultValue = "32", description = "Hidden size (default: ${DEFAULT-VALUE}).")
        int hidden;

        @Option(names = "--input", defaultValue = "8", description = "Input size (default: ${DEFAULT-VALUE}).")
        int input;

        @Option(names = "--max-norm", defaultValue = "1", description = "Clipping threshold (default: ${DEFAULT-VALUE}).")
        double maxNorm;

        @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", defaultValue = "runs/study", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (steps < 2 || steps > 10_000 || hidden < 1 || hidden > 4096 || input < 1 || input > 4096 || !(maxNorm > 0)
                    || Double.isInfinite(maxNorm)) {
                System.err.println("vecgrad study gradient-norm: --steps must be 2 to 10000, --hidden and --input 1 to 4096,"
                        + " --max-norm a positive number");
                return 2;
            }
            if (Files.exists(out) && !Files.isDirectory(out)) {
                System.err.println("vecgrad study gradient-norm: --out " + out + " is a file, not a folder");
                return 2;
            }
            int[] lengths = lengths(steps);
            GradientNormStudy.Result r = GradientNormStudy.run(input, hidden, steps, lengths, maxNorm, seed);
            Map<String, double[][]> overTime = new LinkedHashMap<>();
            Map<String, double[][]> overLength = new LinkedHashMap<>();
            double[] t = new double[steps];
            for (int i = 0; i < steps; i++) {
                t[i] = i + 1;
            }
            double[] ls = java.util.Arrays.stream(lengths).asDoubleStream().toArray();
            StringBuilder csv = new StringBuilder("measure,cell,x,norm\n");
            System.out.printf(Locale.ROOT, "%-22s %14s %14s %14s%n", "cell", "|dL/dh_1|", "|dL/dh_T|", "ratio");
            for (String cell : GradientNormStudy.CELLS) {
                double[] n = r.stepNorms().get(cell);
                overTime.put(cell, new double[][] {t, n});
                overLength.put(cell, new double[][] {ls, r.rawNorms().get(cell)});
                for (int i = 0; i < steps; i++) {
                    csv.append("dL/dh_t,").append(cell).append(',').append(i + 1).append(',').append(n[i]).append('\n');
                }
                for (int i = 0; i < lengths.length; i++) {
                    csv.append("param_grad_raw,").append(cell).append(',').append(lengths[i]).append(',').append(r.rawNorms().get(cell)[i])
                            .append('\n');
                    csv.append("param_grad_clipped,").append(cell).append(',').append(lengths[i]).append(',')
                            .append(r.clippedNorms().get(cell)[i]).append('\n');
                }
                System.out.printf(Locale.ROOT, "%-22s %14.4e %14.4e %14.4e%n", cell, n[0], n[steps - 1], n[0] / n[steps - 1]);
            }
            overLength.put("clipped, any cell", new double[][] {ls, r.clippedNorms().get("rnn relu, W_hh x 4")});
            try (RunDirectory files = RunDirectory.create(out)) {
                Plots.panels(List.of(
                        new Plots.Panel("|dL/dh_t|, loss on h_" + steps, "step t", "|dL/dh_t|", true, overTime),
                        new Plots.Panel("|dL/dtheta| against sequence length, raw and clipped to " + maxNorm, "sequence length",
                                "|dL/dtheta|", true, overLength)), files.dir().resolve("gradient-norm.png"));
                AtomicFiles.writeString(files.dir().resolve("gradient-norm.csv"), csv.toString());
                files.commit();
            }
            System.out.println("wrote " + out.resolve("gradient-norm.png") + " and " + out.resolve("gradient-norm.csv"));
            return 0;
        }

        private static int[] lengths(int steps) {
            int[] candidates = {2, 5, 10, 20, 40, 60, 80, 100, 200, 500, 1000, 5000, 10000};
            return java.util.stream.IntStream.concat(java.util.Arrays.stream(candidates).filter(l -> l < steps),
                    java.util.stream.IntStream.of(steps)).toArray();
        }
    }
}
