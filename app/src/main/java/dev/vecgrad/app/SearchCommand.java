package dev.vecgrad.app;

import dev.vecgrad.models.data.DataSource;
import dev.vecgrad.models.io.AtomicFiles;
import dev.vecgrad.models.study.LocalTrialRunner;
import dev.vecgrad.models.study.ResultStore;
import dev.vecgrad.models.study.Search;
import dev.vecgrad.models.study.TrainSpec;
import dev.vecgrad.models.study.Trial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

    @Override
    public Integer call() throws Exception {
        if (!mode.equals("grid") && !mode.equals("random")) {
            return bad("--mode: '" + mode + "' is not one of grid, random");
        }
        String refused = AblateCommand.firstOf(baseline, AblateCommand.STUDY_OPTIONS);
        if (refused != null) {
            return bad(refused + " is not a baseline option here: --seeds, --out and --jobs belong to the search");
        }
        // the command line is parsed once, here; the library gets the baseline spec and the axes as data
        List<String> base = AblateCommand.override(new ArrayList<>(), baseline);
        TrainCommand baseCommand;
        Search search;
        try {
            List<Search.Axis> axes = new ArrayList<>();
            for (String s : space) {
                Search.Axis axis = Search.Axis.parse(s);
                if (AblateCommand.CLI_FIXED.contains("--" + axis.option())) {
                    return bad("--space " + axis.option() + ": the search keeps it fixed (the data and the seeds)");
                }
                axes.add(axis);
            }
            baseCommand = TrainCommand.parse(base);
            TrainSpec spec = baseCommand.toSpec(baseCommand.effectiveLrs()[0]);
            search = mode.equals("grid") ? Search.grid(spec, axes) : Search.random(spec, axes, trials, sampleSeed);
            if (AblateCommand.firstOf(base, List.of("--lr")) == null) {
                // as train does for a CNN without --lr, also where an axis makes the model a CNN
                search.derive(t -> t.model().equals("cnn") && axes.stream().noneMatch(x -> x.option().equals("lr"))
                        ? t.withLr(TrainCommand.CNN_LR) : t);
            }
            search.seeds(seeds);
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        String problem = search.problem();
        if (problem != null) {
            return bad(problem);
        }
        TrainSpec spec = search.baseline();
        Path dir = out != null ? out : Path.of("runs", "search-" + spec.dataset());
        int parallel;
        AblateCommand.Opened opened;
        try {
            parallel = AblateCommand.jobs(jobs);
            opened = AblateCommand.open(baseCommand, spec, dir, search.plan());
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        try (opened) {
            ResultStore store = opened.store();
            DataSource.Splits data = opened.data();
            List<Trial> all = search.trials();
            int before = (int) all.stream().filter(store::done).count();
            System.out.printf(Locale.ROOT, "%s search on %s: %d configurations x %d seeds = %d trials, %d done before, %s; %s%n", mode,
                    spec.dataset(), all.size() / seeds, seeds, all.size(), before, TrainingRun.count(parallel, "job"), dir);
            long t0 = System.nanoTime();
            List<Search.Ranked> ranked = search.run(data.train(), data.test(), new LocalTrialRunner(parallel), store,
                    AblateCommand.progress(before, all.size(), System.out));
            String table = ranking(ranked, data.train().isClassification());
            try (RunDirectory files = RunDirectory.create(dir.resolve("report"))) {
                AtomicFiles.writeString(files.dir().resolve("report.md"), table);
                files.commit();
            }
            System.out.println();
            System.out.print(compact(ranked, data.train().isClassification()));   // every column is in report.md
            System.out.printf(Locale.ROOT, "%nwrote %s and %s; %.0f s%n", dir.resolve("report").resolve("report.md"), store.file(),
                    (System.nanoTime() - t0) / 1e9);
            return 0;
        }
    }

    /** The ranking for a terminal, within 80 columns: rank, configuration, validation and test, rank by test. */
    static String compact(List<Search.Ranked> ranked, boolean classification) {
        double scale = classification ? 100 : 1;
        String unit = classification ? "%" : "loss";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%4s  %-44s %7s %7s %5s%n", "rank", "configuration",
                "val " + unit, "test", "test#"));
        for (int i = 0; i < ranked.size(); i++) {
            Search.Ranked r = ranked.get(i);
            String name = r.name().length() > 44 ? r.name().substring(0, 43) + "…" : r.name();
            sb.append(String.format(Locale.ROOT, "%4d  %-44s %7.2f %7s %5d%n", i + 1, name, scale * r.val(),
                    Double.isNaN(r.test()) ? "-" : String.format(Locale.ROOT, "%.2f", scale * r.test()), r.testRank()));
        }
        return sb.toString();
    }

    /** The ranking as a markdown table: by validation, with the test result and its rank beside it. */
    static String ranking(List<Search.Ranked> ranked, boolean classification) {
        double scale = classification ? 100 : 1;
        String unit = classification ? "accuracy %" : "loss";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "Ranked on validation %s (mean over seeds); the test column only reports.%n%n", unit));
        sb.append("| rank | configuration | val ").append(unit).append(" | test ").append(unit)
                .append(" | rank by test | train loss | diverged |\n|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < ranked.size(); i++) {
            Search.Ranked r = ranked.get(i);
            sb.append(String.format(Locale.ROOT, "| %d | %s | %.2f | %s | %d | %.4f | %d/%d |%n", i + 1, r.name(), scale * r.val(),
                    Double.isNaN(r.test()) ? "-" : String.format(Locale.ROOT, "%.2f", scale * r.test()), r.testRank(), r.trainLoss(),
                    r.diverged(), r.n()));
        }
        return sb.toString();
    }

    private static int bad(String problem) {
        System.err.println("vecgrad search: " + problem);
        return 2;
    }
}
