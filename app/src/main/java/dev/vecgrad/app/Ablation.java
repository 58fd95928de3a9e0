package dev.vecgrad.app;

import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.io.Json;
import dev.vecgrad.models.train.EpochMetrics;
import dev.vecgrad.models.train.History;
import dev.vecgrad.models.train.Objective;
import dev.vecgrad.models.train.Trainer;
import dev.vecgrad.models.train.TrainingListener;
import dev.vecgrad.models.zoo.ModelSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * An ablation study, seed 000's central practice: a baseline {@code train} configuration and
 * variants that each change one option, trained at equal budget (the same epochs; a batch-size
 * variant therefore takes a different number of steps), each over a small learning-rate grid
 * chosen on the validation split (never the test split), each over several seeds.
 *
 * <p>A trial is one (variant, learning rate, seed). Finished trials are appended to
 * {@code results.jsonl}, one JSON line each, written whole and forced to disk, so a killed
 * study loses at most the trials that were running; run again with the same options, it
 * skips what is done (a line cut short by the kill is dropped and its trial rerun). Each
 * trial's result depends only on its options and seed, never on which thread ran it or when.
 */
final class Ablation {

    /** Options a study sets for its trials: refused in a baseline (--seeds, --out and --jobs stand in for them). */
    static final List<String> STUDY_OPTIONS = List.of("--seed", "--out", "--json", "--threads");

    /** Options neither a variant nor a search axis may change: the data, and what the study sets. */
    static final List<String> FIXED = List.of("--dataset", "--samples", "--noise", "--data", "--overwrite", "--no-install", "--seed",
            "--out", "--json", "--threads");

    /** The first of {@code args} (as {@code --name} or {@code --name=value}) that is one of {@code names}, or null. */
    static String firstOf(List<String> args, List<String> names) {
        for (String a : args) {
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (names.contains(name)) {
                return name;
            }
        }
        return null;
    }

    /** One change to the baseline: {@code --option value}, or none for the baseline itself. */
    record Variant(String name, String option, String value) {
        static final Variant BASELINE = new Variant("baseline", null, null);

        /** The baseline's arguments with this variant's option set to its value. */
        List<String> apply(List<String> baseline) {
            List<String> args = new ArrayList<>();
            for (int i = 0; i < baseline.size(); i++) {
                String a = baseline.get(i);
                if (option != null && a.equals(option)) {
                    i++;   // drop the baseline's value
                    continue;
                }
                if (option != null && a.startsWith(option + "=")) {
                    continue;
                }
                args.add(a);
            }
            if (option != null) {
                args.add(option);
                args.add(value);
            }
            return args;
        }
    }

    /** One trial's outcome; {@code valCurve} is the validation accuracy (or loss, for regression) per epoch. */
    record Result(String variant, double lr, long seed, boolean diverged, double trainLoss, double valLoss, double valAccuracy,
                  double testLoss, double testAccuracy, int epochs, double seconds, double[] valCurve) {

        String key() {
            return key(variant, lr, seed);
        }

        static String key(String variant, double lr, long seed) {
            return variant + " lr " + lr + " seed " + seed;
        }

        String toJson() {
            StringBuilder curve = new StringBuilder("[");
            for (int i = 0; i < valCurve.length; i++) {
                curve.append(i == 0 ? "" : ",").append(JsonLines.num(valCurve[i]));
            }
            return "{\"variant\":" + Json.quote(variant) + ",\"lr\":" + lr + ",\"seed\":" + seed + ",\"status\":\""
                    + (diverged ? "diverged" : "ok") + "\",\"train_loss\":" + JsonLines.num(trainLoss) + ",\"val_loss\":"
                    + JsonLines.num(valLoss) + ",\"val_accuracy\":" + JsonLines.num(valAccuracy) + ",\"test_loss\":"
                    + JsonLines.num(testLoss) + ",\"test_accuracy\":" + JsonLines.num(testAccuracy) + ",\"epochs\":" + epochs
                    + ",\"seconds\":" + JsonLines.num(seconds) + ",\"val_curve\":" + curve.append(']') + "}";
        }

        static Result fromJson(Map<?, ?> m) {
            List<?> c = (List<?>) m.get("val_curve");
            double[] curve = new double[c.size()];
            for (int i = 0; i < curve.length; i++) {
                curve[i] = num(c.get(i));
            }
            return new Result((String) m.get("variant"), num(m.get("lr")), ((Number) m.get("seed")).longValue(),
                    "diverged".equals(m.get("status")), num(m.get("train_loss")), num(m.get("val_loss")), num(m.get("val_accuracy")),
                    num(m.get("test_loss")), num(m.get("test_accuracy")), ((Number) m.get("epochs")).intValue(),
                    num(m.get("seconds")), curve);
        }

        private static double num(Object o) {
            return o instanceof Number n ? n.doubleValue() : Double.NaN;   // JSON null: NaN
        }
    }

    private Ablation() {}

    /** The train command these arguments describe, checked; IllegalArgumentException naming the problem. */
    static TrainCommand parse(List<String> args) {
        TrainCommand t = new TrainCommand();
        try {
            new CommandLine(t).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        String problem = t.problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        // a study chooses learning rates and ranks on validation: without a split that is arbitrary
        if (DataSource.isGate(t.dataset)) {
            throw new IllegalArgumentException("--dataset " + t.dataset + " is a logic gate (4 points, no validation split),"
                    + " and a study ranks on validation");
        }
        if (!(t.valFraction > 0)) {
            throw new IllegalArgumentException("--val-fraction " + t.valFraction + " leaves no validation split, and a study ranks on"
                    + " validation");
        }
        return t;
    }

    /**
     * A study's folder and data: {@code study.json} (the options; another study's folder is
     * refused), the finished trials of {@code results.jsonl}, and the data, loaded once.
     */
    record Study(String problem, Path resultsFile, Map<String, Result> results, DataSource.Splits data) {

        static Study open(Path dir, String config, TrainCommand base) throws IOException {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                return new Study("--out " + dir + " is a file, not a folder", null, null, null);
            }
            Path configFile = dir.resolve("study.json");
            if (Files.exists(configFile) && !Files.readString(configFile).equals(config)) {
                return new Study("--out " + dir + " holds another study (" + configFile
                        + "): choose another folder, or delete it to start over", null, null, null);
            }
            if (base.dataset.equals("fashion-mnist")
                    && !DataSource.ensureFashionMnist(base.common.fashionMnistDir(), !base.common.noInstall, System.err)) {
                return new Study(DataSource.noFashionMnist(base.common.fashionMnistDir()).getMessage(), null, null, null);
            }
            Files.createDirectories(dir);
            dev.vecgrad.models.io.AtomicFiles.writeString(configFile, config);
            Path resultsFile = dir.resolve("results.jsonl");
            return new Study(null, resultsFile, readResults(resultsFile), base.toRun().data.load());
        }
    }

    /** One trial to run: its name (variant or configuration), its complete train options (with --lr), its rate and seed. */
    record Trial(String name, List<String> args, double lr, long seed) {}

    /** Runs one trial on the study's data (loaded once): the split, the model and the seed are the trial's own. */
    static Result run(Trial trial, Dataset trainAll, Dataset test) {
        List<String> args = new ArrayList<>(trial.args());
        args.addAll(List.of("--seed", Long.toString(trial.seed())));
        TrainingRun run = parse(args).toRun();
        long seed = trial.seed();
        double lr = trial.lr();
        long t0 = System.nanoTime();
        Dataset.Split split = run.split(trainAll);
        String lossName = run.resolveLoss(split.train());
        ModelSpec spec = run.spec(split.train(), lossName);
        Objective objective = Choices.objective(lossName);
        TrainingRun.Fit fit = run.fit(spec, objective, lr, split.train(), split.validation(), TrainingListener.none(), m -> { });
        Trainer.Evaluation t = fit.trainer().evaluate(fit.net(), test);
        History h = fit.history();
        EpochMetrics last = h.last();
        boolean classification = split.train().isClassification();
        double[] curve = h.epochs().stream().mapToDouble(m -> classification ? m.valAccuracy() : m.valLoss()).toArray();
        return new Result(trial.name(), lr, seed, h.diverged(), last.trainLoss(), last.valLoss(), last.valAccuracy(), t.loss(),
                t.accuracy(), h.epochs().size(), (System.nanoTime() - t0) / 1e9, curve);
    }

    /**
     * Runs {@code todo} on {@code jobs} threads (one kernel thread each), appending each result
     * to {@code resultsFile} and to {@code results} as it finishes and printing a line per trial.
     */
    static void runAll(List<Trial> todo, int jobs, Path resultsFile, Map<String, Result> results, int total, Dataset train,
                       Dataset test, java.io.PrintStream out) throws Exception {
        dev.vecgrad.kernels.Parallelism.setThreads(1);   // one thread per trial; the trials are the parallelism
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(jobs,
                r -> Thread.ofPlatform().daemon().name("vecgrad-trial").unstarted(r));
        try {
            var done = new java.util.concurrent.ExecutorCompletionService<Result>(pool);
            for (Trial t : todo) {
                done.submit(() -> run(t, train, test));
            }
            int before = total - todo.size();
            for (int i = 0; i < todo.size(); i++) {
                Result r;
                try {
                    r = done.take().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
                }
                append(resultsFile, r);
                results.put(r.key(), r);
                out.printf(Locale.ROOT, "[%d/%d] %-24s lr %-9s seed %d: %s  %.1f s%n", before + i + 1, total, r.variant(),
                        String.format(Locale.ROOT, "%.3g", r.lr()), r.seed(), r.diverged() ? "diverged" : "val "
                        + percent(r.valAccuracy(), r.valLoss()) + " test " + percent(r.testAccuracy(), r.testLoss()), r.seconds());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** An accuracy in percent, or the loss where there is no accuracy (regression). */
    static String percent(double accuracy, double loss) {
        return Double.isNaN(accuracy) ? String.format(Locale.ROOT, "loss %.4f", loss) : String.format(Locale.ROOT, "%.2f%%", 100 * accuracy);
    }

    /**
     * The finished trials in {@code file}, by key. A last line without its newline (the process
     * was killed while writing it) is cut off the file, and its trial counts as not run.
     */
    static Map<String, Result> readResults(Path file) throws IOException {
        Map<String, Result> done = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return done;
        }
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        if (end < bytes.length) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(end);
            }
        }
        int lineNo = 0;
        for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                Result r = Result.fromJson((Map<?, ?>) Json.parse(line));
                done.put(r.key(), r);
            } catch (RuntimeException e) {
                throw new IOException(file + ": line " + lineNo + " is not a trial result (" + e.getMessage() + ")", e);
            }
        }
        return done;
    }

    /** Appends one result as one whole line, forced to disk before it counts as done. */
    static synchronized void append(Path file, Result r) throws IOException {
        byte[] line = (r.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(false);
        }
    }

    /** A variant's summary at its chosen learning rate. */
    record Row(String variant, double lr, Stats valAccuracy, Stats testAccuracy, Stats trainLoss, Stats valLoss, Stats gap,
               double[] diff, int diverged, int trials, double seconds, double[] meanCurve) {}

    /** Mean, sample standard deviation and count of the finite values. */
    record Stats(double mean, double sd, int n) {
        static Stats of(double[] xs) {
            double sum = 0;
            int n = 0;
            for (double x : xs) {
                if (Double.isFinite(x)) {
                    sum += x;
                    n++;
                }
            }
            double mean = n == 0 ? Double.NaN : sum / n;
            double ss = 0;
            for (double x : xs) {
                if (Double.isFinite(x)) {
                    ss += (x - mean) * (x - mean);
                }
            }
            return new Stats(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN, n);
        }

        String format(double scale, String pattern) {
            if (Double.isNaN(mean)) {
                return "-";
            }
            return String.format(Locale.ROOT, pattern, scale * mean) + (Double.isNaN(sd) ? "" : String.format(Locale.ROOT, " ± " + pattern, scale * sd));
        }
    }

    /**
     * Per variant: the learning rate whose seeds give the best mean validation accuracy (lowest
     * mean validation loss for regression; a diverged trial counts as the worst), then that rate's
     * statistics, and the difference of mean test accuracy to the baseline's with a 95% Welch
     * interval.
     */
    static List<Row> summarize(List<Variant> variants, double[] lrs, int seeds, Map<String, Result> results, boolean classification) {
        List<Row> rows = new ArrayList<>();
        Row base = null;
        for (Variant v : variants) {
            double bestLr = Double.NaN;
            double bestScore = Double.NEGATIVE_INFINITY;
            List<Result> best = null;
            for (double lr : lrs) {
                List<Result> rs = new ArrayList<>();
                double score = 0;
                for (long s = 0; s < seeds; s++) {
                    Result r = results.get(Result.key(v.name(), lr, s));
                    if (r == null) {
                        continue;
                    }
                    rs.add(r);
                    double x = classification ? r.valAccuracy() : -r.valLoss();
                    score += r.diverged() || !Double.isFinite(x) ? (classification ? 0 : -1e300) : x;
                }
                if (rs.isEmpty()) {
                    continue;
                }
                score /= rs.size();
                if (score > bestScore) {
                    bestScore = score;
                    bestLr = lr;
                    best = rs;
                }
            }
            if (best == null) {
                continue;
            }
            List<Result> chosen = best;
            Stats test = Stats.of(chosen.stream().mapToDouble(r -> r.diverged() ? Double.NaN : r.testAccuracy()).toArray());
            int epochsMax = chosen.stream().mapToInt(r -> r.valCurve().length).max().orElse(0);
            double[] curve = new double[epochsMax];
            for (int e = 0; e < epochsMax; e++) {
                int ep = e;
                curve[e] = Stats.of(chosen.stream().mapToDouble(r -> ep < r.valCurve().length ? r.valCurve()[ep] : Double.NaN)
                        .toArray()).mean();
            }
            Row row = new Row(v.name(), bestLr,
                    Stats.of(chosen.stream().mapToDouble(r -> r.diverged() ? Double.NaN : r.valAccuracy()).toArray()), test,
                    Stats.of(chosen.stream().mapToDouble(r -> r.diverged() ? Double.NaN : r.trainLoss()).toArray()),
                    Stats.of(chosen.stream().mapToDouble(r -> r.diverged() ? Double.NaN : r.valLoss()).toArray()),
                    Stats.of(chosen.stream().mapToDouble(r -> r.diverged() ? Double.NaN : r.valLoss() - r.trainLoss()).toArray()),
                    base == null ? null : welch(test, base.testAccuracy()),
                    (int) chosen.stream().filter(Result::diverged).count(), chosen.size(),
                    chosen.stream().mapToDouble(Result::seconds).sum(), curve);
            if (base == null) {
                base = row;
            }
            rows.add(row);
        }
        return rows;
    }

    /** Difference of means a - b and its 95% Welch interval: {diff, low, high} (NaN bounds with fewer than 2 values a side). */
    static double[] welch(Stats a, Stats b) {
        double diff = a.mean() - b.mean();
        if (a.n() < 2 || b.n() < 2) {
            return new double[] {diff, Double.NaN, Double.NaN};
        }
        double va = a.sd() * a.sd() / a.n();
        double vb = b.sd() * b.sd() / b.n();
        double se = Math.sqrt(va + vb);
        if (se == 0) {
            return new double[] {diff, diff, diff};
        }
        double df = (va + vb) * (va + vb) / (va * va / (a.n() - 1) + vb * vb / (b.n() - 1));
        double t = tQuantile975(df);
        return new double[] {diff, diff - t * se, diff + t * se};
    }

    /** Student's t 97.5% quantile for df degrees of freedom (df rounded down; 1.96 past 120). */
    static double tQuantile975(double df) {
        double[] table = {Double.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
            2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
            2.045, 2.042};
        int d = (int) Math.floor(df);
        if (d < 1) {
            return table[1];
        }
        if (d <= 30) {
            return table[d];
        }
        return d <= 60 ? 2.000 : d <= 120 ? 1.980 : 1.960;
    }
}
