package dev.vecgrad.app;

import dev.vecgrad.models.data.DataSource;
import dev.vecgrad.models.io.AtomicFiles;
import dev.vecgrad.models.study.Ablation;
import dev.vecgrad.models.study.LocalTrialRunner;
import dev.vecgrad.models.study.ResultStore;
import dev.vecgrad.models.study.Stats;
import dev.vecgrad.models.study.TrainSpec;
import dev.vecgrad.models.study.Trial;
import dev.vecgrad.models.study.TrialResult;
import dev.vecgrad.models.study.TrialRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code ./vecgrad search}: grid or random search over train options, ranked on validation. */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Grid or random search over train options: each --space OPTION=... is a list of",
                "values, or log:LOW:HIGH / range:LOW:HIGH to draw from (random search). Every",
                "configuration trains --seeds times; the ranking is on validation, with the test",
                "accuracy beside it. Resumable and parallel like ablate.",
                "Examples:",
                "  ./vecgrad search --dataset moons --epochs 20 --space lr=log:0.0003:0.1 \\",
                "      --space activation=relu,tanh --trials 12",
                "  ./vecgrad search --dataset moons --mode grid --space lr=0.003,0.03 \\",
                "      --space batch-size=16,64"})
final class SearchCommand implements Callable<Integer> {

    @Option(names = "--space", paramLabel = "OPTION=VALUES", description = "A train option and its values (V1,V2,...), or"
            + " log:LOW:HIGH (log-uniform) or range:LOW:HIGH (uniform) for random search; repeatable.")
    List<String> space = new ArrayList<>();

    @Option(names = "--mode", defaultValue = "random", description = "grid (every combination) or random (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--trials", defaultValue = "16", description = "Configurations a random search draws (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--seeds", defaultValue = "1", description = "Seeds per configuration: 0, 1, ... (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--sample-seed", defaultValue = "0", description = "Seed of the random draws (default: ${DEFAULT-VALUE}).")
    long sampleSeed;

    @Option(names = "--jobs", paramLabel = "N", description = "Trials at once, one thread each (default: the cores).")
    Integer jobs;

    @Option(names = "--out", paramLabel = "DIR", description = "The search's folder (default: runs/search-DATASET); run again to resume.")
    Path out;

    @Unmatched
    List<String> baseline = new ArrayList<>();

    /** One axis of the space: listed values, or a range to draw from. */
    record Axis(String option, List<String> values, String scale, double low, double high) {
        String draw(Random rng) {
            if (values != null) {
                return values.get(rng.nextInt(values.size()));
            }
            double u = rng.nextDouble();
            double v = scale.equals("log") ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : low + u * (high - low);
            return String.format(Locale.ROOT, "%.4g", v);
        }
    }

    /** Options a search axis may not change: the data, and what the search itself sets. */
    static final List<String> FIXED = java.util.stream.Stream.concat(java.util.stream.Stream.of("--dataset", "--samples", "--noise"),
            AblateCommand.CLI_FIXED.stream()).toList();

    @Override
    public Integer call() throws Exception {
        if (!mode.equals("grid") && !mode.equals("random")) {
            return bad("--mode: '" + mode + "' is not one of grid, random");
        }
        if (space.isEmpty()) {
            return bad("--space: give at least one OPTION=VALUES to search");
        }
        if (trials < 1 || trials > 100_000 || seeds < 1 || seeds > 100) {
            return bad("--trials must be 1 to 100000 and --seeds 1 to 100, got " + trials + " and " + seeds);
        }
        String refused = AblateCommand.firstOf(baseline, AblateCommand.STUDY_OPTIONS);
        if (refused != null) {
            return bad(refused + " is not a baseline option here: --seeds, --out and --jobs belong to the search");
        }
        List<Axis> axes = new ArrayList<>();
        for (String s : space) {
            int eq = s.indexOf('=');
            if (eq <= 0 || eq == s.length() - 1) {
                return bad("--space: expected OPTION=VALUES, got '" + s + "'");
            }
            String option = "--" + s.substring(0, eq);
            if (FIXED.contains(option)) {
                return bad("--space " + s.substring(0, eq) + ": the search keeps it fixed (the data and the seeds)");
            }
            String v = s.substring(eq + 1);
            if (v.startsWith("log:") || v.startsWith("range:")) {
                String[] p = v.split(":");
                double lo;
                double hi;
                try {
                    lo = Double.parseDouble(p[1]);
                    hi = Double.parseDouble(p[2]);
                } catch (RuntimeException e) {
                    return bad("--space " + s + ": expected " + p[0] + ":LOW:HIGH with two numbers");
                }
                if (p.length != 3 || !(lo < hi) || !Double.isFinite(hi) || (p[0].equals("log") && !(lo > 0))) {
                    return bad("--space " + s + ": expected " + p[0] + ":LOW:HIGH with LOW < HIGH" + (p[0].equals("log") ? ", both > 0" : ""));
                }
                if (mode.equals("grid")) {
                    return bad("--space " + s + ": a grid needs listed values (V1,V2,...), not a range");
                }
                axes.add(new Axis(option, null, p[0], lo, hi));
            } else {
                List<String> values = List.of(v.split(",", -1));
                if (values.stream().anyMatch(String::isBlank)) {
                    return bad("--space " + s + ": an empty value");
                }
                axes.add(new Axis(option, values, null, 0, 0));
            }
        }
        // the configurations: every combination, or --trials draws
        List<Map<String, String>> configs = new ArrayList<>();
        if (mode.equals("grid")) {
            configs.add(new LinkedHashMap<>());
            for (Axis a : axes) {
                List<Map<String, String>> next = new ArrayList<>();
                for (Map<String, String> c : configs) {
                    for (String v : a.values()) {
                        Map<String, String> d = new LinkedHashMap<>(c);
                        d.put(a.option(), v);
                        next.add(d);
                    }
                }
                configs = next;
            }
            if (configs.size() > 100_000) {
                return bad("the grid has " + configs.size() + " configurations; at most 100000");
            }
        } else {
            Random rng = new Random(sampleSeed);
            for (int i = 0; i < trials; i++) {
                Map<String, String> c = new LinkedHashMap<>();
                for (Axis a : axes) {
                    c.put(a.option(), a.draw(rng));
                }
                configs.add(c);
            }
        }
        List<String> base = AblateCommand.override(new ArrayList<>(), baseline);
        // the command line is parsed once, here; every configuration is the baseline spec with its options set
        TrainCommand baseCommand;
        List<Trial> all = new ArrayList<>();
        try {
            baseCommand = TrainCommand.parse(base);
            boolean lrGiven = AblateCommand.firstOf(base, List.of("--lr")) != null;
            TrainSpec baseSpec = baseCommand.toSpec(baseCommand.effectiveLrs()[0]);
            for (Map<String, String> c : configs) {
                TrainSpec spec = baseSpec;
                StringBuilder name = new StringBuilder();
                for (Map.Entry<String, String> e : c.entrySet()) {
                    spec = spec.with(e.getKey(), e.getValue());
                    name.append(name.isEmpty() ? "" : " ").append(e.getKey().substring(2)).append('=').append(e.getValue());
                }
                if (!lrGiven && !c.containsKey("--lr") && spec.model().equals("cnn")) {
                    spec = spec.withLr(TrainCommand.CNN_LR);   // as train does for a CNN without --lr
                }
                String problem = Ablation.studyProblem(spec);   // every configuration is checked before any work
                if (problem != null) {
                    return bad(problem);
                }
                for (long s = 0; s < seeds; s++) {
                    all.add(new Trial(name.toString(), spec, s));
                }
            }
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        if (baseCommand.model.equals("seq2seq") || baseCommand.model.equals("perceptron")) {
            return bad("--model " + baseCommand.model + " has no search here (it does not train with the Trainer)");
        }
        int parallel = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
        if (parallel < 1 || parallel > CommonOptions.MAX_THREADS) {
            return bad("--jobs must be 1 to " + CommonOptions.MAX_THREADS + ", got " + parallel);
        }
        Path dir = out != null ? out : Path.of("runs", "search-" + baseCommand.dataset);
        String config = "{\"search\":" + AblateCommand.jsonList(base) + ",\"space\":" + AblateCommand.jsonList(space) + ",\"mode\":\""
                + mode + "\",\"trials\":" + trials + ",\"seeds\":" + seeds + ",\"sample_seed\":" + sampleSeed + "}\n";
        Path dataDir = baseCommand.common.fashionMnistDir();
        if (baseCommand.dataset.equals("fashion-mnist") && !Packages.ensureFashionMnist(dataDir, !baseCommand.common.noInstall, System.err)) {
            return bad(DataSource.noFashionMnist(dataDir).getMessage());
        }
        ResultStore store;
        try {
            store = ResultStore.open(dir, config);
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        DataSource.Splits data = baseCommand.toSpec(baseCommand.effectiveLrs()[0]).data(dataDir, 0).load();
        List<Trial> todo = all.stream().filter(t -> !store.done(t)).toList();
        System.out.printf(Locale.ROOT, "%s search on %s: %d configurations x %d seeds = %d trials, %d done before, %d jobs; %s%n", mode,
                baseCommand.dataset, configs.size(), seeds, all.size(), all.size() - todo.size(), parallel, dir);
        long t0 = System.nanoTime();
        TrialRunner.Listener progress = AblateCommand.progress(all.size() - todo.size(), all.size(), System.out);
        new LocalTrialRunner(parallel).run(todo, data.train(), data.test(), r -> {
            store.add(r);
            progress.finished(r);
        });
        String table = ranking(all, store.results(), data.train().isClassification());
        try (RunDirectory files = RunDirectory.create(dir.resolve("report"))) {
            AtomicFiles.writeString(files.dir().resolve("report.md"), table);
            files.commit();
        }
        System.out.println();
        System.out.print(table);
        System.out.printf(Locale.ROOT, "%nwrote %s and %s; %.0f s%n", dir.resolve("report").resolve("report.md"), store.file(),
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /**
     * The configurations ranked by mean validation accuracy over their seeds (lowest validation
     * loss for regression; a diverged trial counts as the worst), with the test accuracy and its
     * rank among the configurations beside it: the test split chooses nothing.
     */
    static String ranking(List<Trial> all, Map<String, TrialResult> results, boolean classification) {
        record Ranked(String name, double lr, double val, double test, double trainLoss, int diverged, int n) {}
        Map<String, List<TrialResult>> byName = new LinkedHashMap<>();
        for (Trial t : all) {
            TrialResult r = results.get(t.key());
            if (r != null) {
                byName.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(r);
            }
        }
        List<Ranked> ranked = new ArrayList<>();
        for (var e : byName.entrySet()) {
            List<TrialResult> rs = e.getValue();
            double val = rs.stream().mapToDouble(r -> r.diverged() || Double.isNaN(classification ? r.valAccuracy() : r.valLoss())
                    ? (classification ? 0 : Double.POSITIVE_INFINITY) : classification ? r.valAccuracy() : r.valLoss()).average().orElse(Double.NaN);
            double test = Stats.of(rs.stream().mapToDouble(r -> r.diverged() ? Double.NaN
                    : classification ? r.testAccuracy() : r.testLoss()).toArray()).mean();
            double train = Stats.of(rs.stream().mapToDouble(r -> r.diverged() ? Double.NaN : r.trainLoss()).toArray()).mean();
            ranked.add(new Ranked(e.getKey(), rs.get(0).lr(), val, test, train, (int) rs.stream().filter(TrialResult::diverged).count(),
                    rs.size()));
        }
        Comparator<Ranked> byVal = Comparator.comparingDouble(Ranked::val);
        ranked.sort(classification ? byVal.reversed() : byVal);
        List<Ranked> byTest = new ArrayList<>(ranked);
        Comparator<Ranked> t = Comparator.comparingDouble(r -> Double.isNaN(r.test()) ? (classification ? -1 : Double.POSITIVE_INFINITY) : r.test());
        byTest.sort(classification ? t.reversed() : t);
        double scale = classification ? 100 : 1;
        String unit = classification ? "accuracy %" : "loss";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "Ranked on validation %s (mean over seeds); the test column only reports.%n%n", unit));
        sb.append("| rank | configuration | val ").append(unit).append(" | test ").append(unit)
                .append(" | rank by test | train loss | diverged |\n|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < ranked.size(); i++) {
            Ranked r = ranked.get(i);
            sb.append(String.format(Locale.ROOT, "| %d | %s | %.2f | %s | %d | %.4f | %d/%d |%n", i + 1, r.name(), scale * r.val(),
                    Double.isNaN(r.test()) ? "-" : String.format(Locale.ROOT, "%.2f", scale * r.test()), byTest.indexOf(r) + 1, r.trainLoss(),
                    r.diverged(), r.n()));
        }
        return sb.toString();
    }

    private static int bad(String problem) {
        System.err.println("vecgrad search: " + problem);
        return 2;
    }
}
