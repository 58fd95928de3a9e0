package dev.vecgrad.app;

import dev.vecgrad.app.report.Plots;
import dev.vecgrad.models.data.DataSource;
import dev.vecgrad.models.io.AtomicFiles;
import dev.vecgrad.models.io.Json;
import dev.vecgrad.models.study.Ablation;
import dev.vecgrad.models.study.LocalTrialRunner;
import dev.vecgrad.models.study.ResultStore;
import dev.vecgrad.models.study.TrainSpec;
import dev.vecgrad.models.study.TrialRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code ./vecgrad ablate}: a baseline and one-change variants at equal budget, with a learning-rate search and seeds. */
@Command(name = "ablate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"An ablation study: the baseline (any train options) and variants that each",
                "change one option, trained for the same epochs, each at every --lrs rate and",
                "--seeds seeds; the rate is chosen on the validation split. Trials run in",
                "parallel, one thread each; results.jsonl keeps every finished trial, so a",
                "killed study resumes where it stopped. Writes report.md, report.csv,",
                "bars.png and curves.png.",
                "Examples:",
                "  ./vecgrad ablate --dataset moons --epochs 20 --vary activation=tanh,gelu",
                "  ./vecgrad ablate --preset fashion-mnist   # the notes' study"})
final class AblateCommand implements Callable<Integer> {

    @Option(names = "--vary", paramLabel = "OPTION=V1,V2", description = "A train option and its values: one variant per value"
            + " (repeatable): activation, optimizer, batch-size, weight-decay, dropout, batchnorm, momentum, schedule, clip, early-stopping, hidden,"
            + " output, loss, model, val-fraction.")
    List<String> vary = new ArrayList<>();

    @Option(names = "--lrs", split = ",", paramLabel = "LR", description = "Learning rates searched for every variant"
            + " (default: the baseline's rate / 3, x1 and x3).")
    double[] lrs;

    @Option(names = "--seeds", defaultValue = "2", description = "Seeds per (variant, rate): 0, 1, ... (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--jobs", paramLabel = "N", description = "Trials at once, one thread each (default: the cores, ${sys:vecgrad.cores} here).")
    Integer jobs;

    @Option(names = "--preset", paramLabel = "NAME", description = "fashion-mnist: the notes' study of the 784-128-64-10 MLP"
            + " (activation, L2, dropout, batch norm, early stopping, optimizer, schedule); --vary and train options add to it.")
    String preset;

    @Option(names = "--out", paramLabel = "DIR", description = "The study's folder (default: runs/ablate-DATASET); run again with"
            + " the same options to resume.")
    Path out;

    @Unmatched
    List<String> baseline = new ArrayList<>();

    /**
     * The preset's baseline and variants: the notes' Fashion-MNIST MLP (784-128-64-10, ReLU, Adam,
     * batch 64) for 5 epochs, so that early stopping (patience 1) can act; 13 variants x 3 rates x
     * 2 seeds = 78 trials.
     */
    static final Map<String, List<String>> PRESETS = Map.of("fashion-mnist", List.of(
            "--dataset", "fashion-mnist", "--hidden", "128,64", "--optimizer", "adam", "--epochs", "5", "--batch-size", "64"));
    static final Map<String, List<String>> PRESET_VARIES = Map.of("fashion-mnist", List.of(
            "activation=tanh,sigmoid,gelu", "weight-decay=0.0001", "dropout=0.2", "batchnorm=true", "early-stopping=1", "optimizer=momentum,adamw",
            "schedule=step,warmup-cosine,one-cycle"));

    /** Options of the command line that are not training options: refused in a baseline (--seeds, --out and --jobs stand in). */
    static final List<String> STUDY_OPTIONS = List.of("--seed", "--out", "--json", "--threads");

    /** Options of the command line a variant or a search axis may not change, besides the library's {@link Ablation#FIXED}. */
    static final List<String> CLI_FIXED = List.of("--data", "--overwrite", "--no-install", "--seed", "--out", "--json", "--threads");

    @Override
    public Integer call() throws Exception {
        List<String> base = new ArrayList<>();
        List<String> varies = new ArrayList<>();
        if (preset != null) {
            if (!PRESETS.containsKey(preset)) {
                return bad("--preset: '" + preset + "' is not one of " + PRESETS.keySet());
            }
            base.addAll(PRESETS.get(preset));
            varies.addAll(PRESET_VARIES.get(preset));
        }
        String refused = firstOf(baseline, List.of("--lr", "--seed"));
        if (refused != null) {
            return bad(refused + " is not a baseline option here: the study searches --lrs and runs --seeds seeds");
        }
        refused = firstOf(baseline, STUDY_OPTIONS);
        if (refused != null) {
            return bad(refused + " is not a baseline option here: --out names the study's folder, --jobs its parallelism");
        }
        base = override(base, baseline);
        varies.addAll(vary);
        // the command line is parsed once, here; the library gets the baseline spec and the variants as data
        TrainCommand baseCommand;
        Ablation study;
        try {
            baseCommand = TrainCommand.parse(base);
            study = Ablation.of(baseCommand.toSpec(baseCommand.effectiveLrs()[0]));
            for (String v : varies) {
                int eq = v.indexOf('=');
                if (eq <= 0 || eq == v.length() - 1) {
                    return bad("--vary: expected OPTION=VALUE[,VALUE...], got '" + v + "'");
                }
                if (CLI_FIXED.contains("--" + v.substring(0, eq))) {
                    return bad("--vary " + v.substring(0, eq) + ": the study keeps it fixed (the data, the budget and the search are"
                            + " the same for every variant)");
                }
                study.vary(v.substring(0, eq), v.substring(eq + 1).split(",", -1));
            }
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        if (lrs != null) {
            study.lrs(lrs);
        }
        study.seeds(seeds);
        String problem = study.problem();
        if (problem != null) {
            return bad(problem);
        }
        TrainSpec spec = study.baseline();
        Path dir = out != null ? out : Path.of("runs", "ablate-" + spec.dataset());
        int parallel;
        Opened opened;
        try {
            parallel = jobs(jobs);
            opened = open(baseCommand, spec, dir, study.plan());
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        try (opened) {
            ResultStore store = opened.store();
            DataSource.Splits data = opened.data();
            int total = study.trials().size();
            int before = (int) study.trials().stream().filter(store::done).count();
            List<Ablation.Variant> variants = study.variants();
            System.out.printf(Locale.ROOT, "ablation on %s: %d variants x %d rates x %d seeds = %d trials, %d done before, %s; %s%n",
                    spec.dataset(), variants.size(), study.lrs().length, seeds, total, before,
                    TrainingRun.count(Math.min(parallel, Math.max(1, total - before)), "job"), dir);
            long t0 = System.nanoTime();
            List<Ablation.Row> rows = study.run(data.train(), data.test(), new LocalTrialRunner(parallel), store,
                    progress(before, total, System.out));
            boolean classification = data.train().isClassification();
            String md = markdown(rows, classification, spec.epochs());
            try (RunDirectory files = RunDirectory.create(dir.resolve("report"))) {
                AtomicFiles.writeString(files.dir().resolve("report.md"), md);
                AtomicFiles.writeString(files.dir().resolve("report.csv"), csv(rows));
                plots(rows, classification, files.dir());
                files.commit();
            }
            System.out.println();
            System.out.print(compact(rows, classification));   // the wide table (190 columns) is report.md's
            System.out.printf(Locale.ROOT, "%nwrote %s (report.md, report.csv, bars.png, curves.png) and %s; %.0f s%n", dir.resolve("report"),
                    store.file(), (System.nanoTime() - t0) / 1e9);
            return 0;
        }
    }

    /** The trials a study runs at once: {@code --jobs}, else the cores; IllegalArgumentException outside 1 to MAX_THREADS. */
    static int jobs(Integer jobs) {
        int parallel = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
        if (parallel < 1 || parallel > CommonOptions.MAX_THREADS) {
            throw new IllegalArgumentException("--jobs must be 1 to " + CommonOptions.MAX_THREADS + ", got " + parallel);
        }
        return parallel;
    }

    /** A study's store and data, opened, and the lock that keeps other processes out of its folder until closed. */
    record Opened(ResultStore store, DataSource.Splits data, java.nio.channels.FileChannel lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            lock.close();   // releases the lock
        }
    }

    /** The lock file in a study's folder (left in place: deleting a lock file others may wait on breaks the lock). */
    static final String LOCK_FILE = ".vecgrad-study.lock";

    /** The files a study's folder holds: anything else is someone else's, and the folder is refused. */
    private static final java.util.Set<String> STUDY_FILES = java.util.Set.of("study.json", "results.jsonl", "report", LOCK_FILE);


    /**
     * Opens the study of {@code spec} in {@code dir} (installing Fashion-MNIST first where it may)
     * and loads its data; IllegalArgumentException naming the problem (no data, another study's
     * folder, a folder with other files in it, another process running a study in it). The folder
     * is locked (an OS file lock, released when the process ends however it ends) until the
     * returned {@link Opened} is closed: two studies in one folder both ran every trial.
     */
    static Opened open(TrainCommand baseCommand, TrainSpec spec, Path dir, String plan) throws IOException {
        Path dataDir;
        try {
            dataDir = baseCommand.common.dataDirFor(spec.dataset());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (java.nio.file.Files.isDirectory(dir) && !java.nio.file.Files.exists(dir.resolve("study.json"))) {
            try (var entries = java.nio.file.Files.list(dir)) {
                String other = entries.map(p -> p.getFileName().toString()).filter(n -> !STUDY_FILES.contains(n)).sorted().findFirst()
                        .orElse(null);
                if (other != null) {
                    throw new IllegalArgumentException("--out " + dir + " holds files that are not a study's (" + other
                            + "): choose a new or empty folder");
                }
            }
        }
        java.nio.file.Files.createDirectories(dir);
        java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(dir.resolve(LOCK_FILE),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        boolean locked = false;
        try {
            try {
                locked = channel.tryLock() != null;
            } catch (java.nio.channels.OverlappingFileLockException e) {
                locked = false;   // this process holds it already
            }
            if (!locked) {
                throw new IllegalArgumentException("--out " + dir + ": another study is running in this folder; wait for it to finish");
            }
            ResultStore store;
            try {
                store = ResultStore.open(dir, plan);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--out " + e.getMessage(), e);
            }
            return new Opened(store, spec.data(dataDir, 0).load(), channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

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

    /** Prints a line per finished trial: "[done/total] name lr seed: val and test accuracy (or loss), seconds". */
    static TrialRunner.Listener progress(int before, int total, java.io.PrintStream out) {
        int[] done = {before};
        // a search's configuration names its rate when it varies it ("lr=0.0097 ..."): printed once then
        return r -> out.printf(Locale.ROOT, "[%d/%d] %-24s %sseed %d: %s  %.1f s%n", ++done[0], total, r.variant(),
                r.variant().contains("lr=") ? "" : String.format(Locale.ROOT, "lr %-9s ", String.format(Locale.ROOT, "%.3g", r.lr())),
                r.seed(), r.diverged() ? "diverged" : "val "
                + percent(r.valAccuracy(), r.valLoss()) + " test " + percent(r.testAccuracy(), r.testLoss()), r.seconds());
    }

    /** An accuracy in percent, or the loss where there is no accuracy (regression). */
    static String percent(double accuracy, double loss) {
        return Double.isNaN(accuracy) ? String.format(Locale.ROOT, "loss %.4f", loss) : String.format(Locale.ROOT, "%.2f%%", 100 * accuracy);
    }

    private static int bad(String problem) {
        System.err.println("vecgrad ablate: " + problem);
        return 2;
    }

    /** {@code base} with each option of {@code extra} replacing the same option in it (a flag, without a value, is added once). */
    static List<String> override(List<String> base, List<String> extra) {
        List<String> args = new ArrayList<>(base);
        for (int i = 0; i < extra.size(); i++) {
            String a = extra.get(i);
            if (a.contains("=")) {
                String name = a.substring(0, a.indexOf('='));
                args = setOption(args, name, a.substring(a.indexOf('=') + 1));
            } else if (i + 1 < extra.size() && !extra.get(i + 1).startsWith("--")) {
                args = setOption(args, a, extra.get(++i));
            } else if (!args.contains(a)) {
                args.add(a);
            }
        }
        return args;
    }

    /** {@code args} with {@code option} set to {@code value}: the option's earlier occurrences removed, then appended. */
    static List<String> setOption(List<String> args, String option, String value) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(option)) {
                i++;   // drop the earlier value
                continue;
            }
            if (!a.startsWith(option + "=")) {
                out.add(a);
            }
        }
        out.add(option);
        out.add(value);
        return out;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    static String markdown(List<Ablation.Row> rows, boolean classification, int epochs) {
        StringBuilder sb = new StringBuilder();
        String metric = classification ? "accuracy %" : "loss";
        double scale = classification ? 100 : 1;
        sb.append(String.format(Locale.ROOT, "Equal budget: %d epochs each (a batch-size variant takes a different number of steps);"
                + " rate chosen on validation %s; mean ± sd over seeds. Every number of a trial is its final model's (under early"
                + " stopping, the restored best epoch's), in eval mode: train loss is the training split's without dropout, gap = val"
                + " loss - train loss; the Δ interval is Welch's at its fractional degrees of freedom. Seconds: the trials' training"
                + " time at that rate, the first trials of a process with the JIT's warm-up.%n%n", epochs,
                classification ? "accuracy" : "loss"));
        sb.append("| variant | lr | val ").append(metric).append(" | test ").append(metric)
                .append(" | train loss | val loss | gap | Δ test vs baseline [95% CI] | diverged | seconds |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Ablation.Row r : rows) {
            String p = classification ? "%+.2f" : "%+.4f";   // points of accuracy, or test loss for regression
            String diff = r.diff() == null ? "—" : Double.isNaN(r.diff()[1]) ? String.format(Locale.ROOT, p, scale * r.diff()[0])
                    : String.format(Locale.ROOT, p + " [" + p + ", " + p + "]", scale * r.diff()[0], scale * r.diff()[1], scale * r.diff()[2]);
            sb.append("| ").append(r.variant()).append(" | ").append(fmt(r.lr())).append(" | ")
                    .append(classification ? r.valAccuracy().format(100, "%.2f") : r.valLoss().format(1, "%.4f")).append(" | ")
                    .append(classification ? r.testAccuracy().format(100, "%.2f") : r.testLoss().format(1, "%.4f")).append(" | ")
                    .append(r.trainLoss().format(1, "%.4f")).append(" | ").append(r.valLoss().format(1, "%.4f")).append(" | ")
                    .append(r.gap().format(1, "%.4f")).append(" | ").append(diff).append(" | ").append(r.diverged()).append('/')
                    .append(r.trials()).append(" | ").append(String.format(Locale.ROOT, "%.1f", r.seconds())).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * The table for a terminal, within 80 columns: variant, rate, test accuracy (test loss for
     * regression) and its difference to the baseline with the 95% interval; report.md has every column.
     */
    static String compact(List<Ablation.Row> rows, boolean classification) {
        double scale = classification ? 100 : 1;
        String p = classification ? "%+.2f" : "%+.4f";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-24s %8s %15s  %s%n", "variant", "lr",
                classification ? "test acc %" : "test loss", "Δ vs baseline [95% CI]"));
        for (Ablation.Row r : rows) {
            String name = r.variant().length() > 24 ? r.variant().substring(0, 23) + "…" : r.variant();
            String test = classification ? r.testAccuracy().format(100, "%.2f") : r.testLoss().format(1, "%.4f");
            String diff = r.diff() == null ? "—" : Double.isNaN(r.diff()[1]) ? String.format(Locale.ROOT, p, scale * r.diff()[0])
                    : String.format(Locale.ROOT, p + " [" + p + ", " + p + "]", scale * r.diff()[0], scale * r.diff()[1], scale * r.diff()[2]);
            sb.append(String.format(Locale.ROOT, "%-24s %8s %15s  %s%n", name, fmt(r.lr()), test, diff));
        }
        return sb.toString();
    }

    static String csv(List<Ablation.Row> rows) {
        StringBuilder sb = new StringBuilder("variant,lr,val_accuracy_mean,val_accuracy_sd,test_accuracy_mean,test_accuracy_sd,"
                + "train_loss_mean,val_loss_mean,gap_mean,diff_test_accuracy,diff_low,diff_high,diverged,trials,seconds,test_loss_mean,"
                + "test_loss_sd\n");
        for (Ablation.Row r : rows) {
            double[] d = r.diff() == null ? new double[] {Double.NaN, Double.NaN, Double.NaN} : r.diff();
            sb.append('"').append(r.variant()).append("\",").append(r.lr());
            for (double v : new double[] {r.valAccuracy().mean(), r.valAccuracy().sd(), r.testAccuracy().mean(), r.testAccuracy().sd(),
                r.trainLoss().mean(), r.valLoss().mean(), r.gap().mean(), d[0], d[1], d[2]}) {
                sb.append(',').append(Double.isNaN(v) ? "" : Double.toString(v));
            }
            sb.append(',').append(r.diverged()).append(',').append(r.trials()).append(',').append(r.seconds());
            for (double v : new double[] {r.testLoss().mean(), r.testLoss().sd()}) {
                sb.append(',').append(Double.isNaN(v) ? "" : Double.toString(v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void plots(List<Ablation.Row> rows, boolean classification, Path dir) throws IOException {
        List<String> names = rows.stream().map(Ablation.Row::variant).toList();
        double scale = classification ? 100 : 1;
        double[] means = rows.stream().mapToDouble(r -> scale * (classification ? r.testAccuracy().mean() : r.valLoss().mean())).toArray();
        double[] sds = rows.stream().mapToDouble(r -> scale * (classification ? r.testAccuracy().sd() : r.valLoss().sd())).toArray();
        Plots.bars(classification ? "test accuracy by variant (mean ± sd over seeds)" : "validation loss by variant",
                classification ? "test accuracy (%)" : "validation loss", names, means, sds, dir.resolve("bars.png"));
        Map<String, double[][]> curves = new LinkedHashMap<>();
        for (Ablation.Row r : rows) {
            double[] x = new double[r.meanCurve().length];
            double[] y = new double[x.length];
            for (int e = 0; e < x.length; e++) {
                x[e] = e + 1;
                y[e] = scale * r.meanCurve()[e];
            }
            curves.put(r.variant() + " (lr " + fmt(r.lr()) + ")", new double[][] {x, y});
        }
        Plots.panels(List.of(new Plots.Panel("validation by epoch, mean over seeds", "epoch",
                classification ? "validation accuracy (%)" : "validation loss", false, curves)), dir.resolve("curves.png"));
    }
}
