package dev.vecgrad.models.study;

import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.io.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An ablation study, seed 000's central practice: a baseline {@link TrainSpec} and variants
 * that each change one option, trained at equal budget (the same epochs; a batch-size variant
 * therefore takes a different number of steps), each over a small learning-rate grid chosen on
 * the validation split (never the test split), each over several seeds.
 *
 * <pre>{@code
 * Ablation study = Ablation.of(TrainSpec.defaults().with("epochs", "20"))
 *         .vary("activation", "tanh", "gelu").lrs(0.001, 0.003, 0.01).seeds(2);
 * List<Ablation.Row> rows = study.run(data.train(), data.test(), new LocalTrialRunner(), store, r -> { });
 * }</pre>
 *
 * <p>A trial is one (variant, learning rate, seed); {@link #run} runs those its
 * {@link ResultStore} lacks, so a killed study resumes where it stopped.
 */
public final class Ablation {

    /** Options a variant may not change: the data and the budget are the same for every variant, and the rate is searched. */
    public static final List<String> FIXED = List.of("dataset", "samples", "noise", "epochs", "lr");

    /** One change to the baseline: {@code option = value}, or none for the baseline itself. */
    public record Variant(String name, String option, String value) {
        public static final Variant BASELINE = new Variant("baseline", null, null);

        /** The baseline with this variant's option set to its value. */
        public TrainSpec apply(TrainSpec baseline) {
            return option == null ? baseline : baseline.with(option, value);
        }
    }

    private final TrainSpec baseline;
    private final List<Variant> variants = new ArrayList<>(List.of(Variant.BASELINE));
    private double[] lrs;
    private int seeds = 2;

    private Ablation(TrainSpec baseline) {
        this.baseline = baseline;
        this.lrs = new double[] {baseline.lr() / 3, baseline.lr(), baseline.lr() * 3};
    }

    /** A study of {@code baseline} alone, at its rate / 3, x1 and x3, over 2 seeds, until variants are added. */
    public static Ablation of(TrainSpec baseline) {
        return new Ablation(baseline);
    }

    /**
     * Adds one variant per value, each the baseline with {@code option} (a {@link TrainSpec}
     * option name) set to it, named {@code option=value}.
     *
     * @throws IllegalArgumentException for an option the study keeps fixed, an unknown option, or a value that does not parse
     */
    public Ablation vary(String option, String... values) {
        String name = option.startsWith("--") ? option.substring(2) : option;
        if (FIXED.contains(name)) {
            throw new IllegalArgumentException("--vary " + name + ": the study keeps it fixed (the data, the budget and the search are"
                    + " the same for every variant)");
        }
        for (String value : values) {
            if (value.isBlank()) {
                throw new IllegalArgumentException("--vary " + name + "=" + String.join(",", values) + ": an empty value");
            }
            Variant v = new Variant(name + "=" + value, name, value);
            v.apply(baseline);   // an unknown option or a value that does not parse fails here, before any work
            if (variants.stream().anyMatch(w -> w.name().equals(v.name()))) {   // it would train the same variant twice
                throw new IllegalArgumentException("--vary " + name + ": '" + value + "' is given twice");
            }
            variants.add(v);
        }
        return this;
    }

    /** The learning rates searched for every variant. */
    public Ablation lrs(double... rates) {
        this.lrs = rates.clone();
        return this;
    }

    /** The seeds per (variant, rate): 0, 1, ..., n - 1. */
    public Ablation seeds(int n) {
        this.seeds = n;
        return this;
    }

    public TrainSpec baseline() {
        return baseline;
    }

    public List<Variant> variants() {
        return List.copyOf(variants);
    }

    public double[] lrs() {
        return lrs.clone();
    }

    public int seeds() {
        return seeds;
    }

    /**
     * The first reason this study cannot run, as one line (the baseline's or a variant's bad
     * option, a dataset without a validation split, a model the Trainer does not train, bad
     * rates or seeds); null when it can.
     */
    public String problem() {
        for (Variant v : variants) {
            String p = studyProblem(v.apply(baseline));
            if (p != null) {
                return p;
            }
        }
        if (baseline.model().equals("seq2seq") || baseline.model().equals("perceptron")) {
            return "--model " + baseline.model() + " has no ablation here (it does not train with the Trainer)";
        }
        if (seeds < 1 || seeds > 100) {
            return "--seeds must be 1 to 100, got " + seeds;
        }
        if (lrs.length == 0) {
            return "--lrs needs at least one rate, e.g. --lrs 0.001,0.003";
        }
        for (double lr : lrs) {
            if (!(lr > 0) || Double.isInfinite(lr)) {
                return "--lrs must be positive finite numbers, got " + lr;
            }
        }
        return null;
    }

    /** A spec's own problem, or why a study cannot use it: it ranks on validation, so it needs a validation split. */
    public static String studyProblem(TrainSpec spec) {
        String p = spec.problem();
        if (p != null) {
            return p;
        }
        if (spec.isGate()) {
            return "--dataset " + spec.dataset() + " is a logic gate (4 points, no validation split), and a study ranks on validation";
        }
        if (!(spec.valFraction() > 0)) {
            return "--val-fraction " + spec.valFraction() + " leaves no validation split, and a study ranks on validation";
        }
        return null;
    }

    /** Every trial of the study: variants x rates x seeds, in that order. */
    public List<Trial> trials() {
        List<Trial> all = new ArrayList<>();
        for (Variant v : variants) {
            TrainSpec spec = v.apply(baseline);
            for (double lr : lrs) {
                for (long s = 0; s < seeds; s++) {
                    all.add(new Trial(v.name(), spec.withLr(lr), s));
                }
            }
        }
        return all;
    }

    /** The study as JSON, for its {@link ResultStore}'s {@code study.json}: the baseline, the variants' names, the rates and seeds. */
    public String plan() {
        return "{\"baseline\":" + baseline.toJson() + ",\"variants\":" + Json.strings(variants.stream().map(Variant::name).toList())
                + ",\"lrs\":"
                + Arrays.toString(lrs).replace(" ", "") + ",\"seeds\":" + seeds + "}\n";
    }

    /**
     * Runs the trials {@code store} lacks with {@code runner}, adding each result to the store
     * (then telling {@code progress}) as it finishes, and returns the summary of all of them.
     * A study with a {@link #problem()} is refused (IllegalArgumentException) before any work.
     */
    public List<Row> run(Dataset trainAll, Dataset test, TrialRunner runner, ResultStore store, TrialRunner.Listener progress)
            throws Exception {
        String problem = problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        store.requireOnly(trials());
        List<Trial> todo = trials().stream().filter(t -> !store.done(t)).toList();
        runner.run(todo, trainAll, test, r -> {
            store.add(r);
            progress.finished(r);
        });
        return summarize(store.results(), trainAll.isClassification());
    }

    /**
     * A variant's summary at its chosen learning rate; {@code diff} is the difference of mean test
     * accuracy to the baseline's (of mean test loss for regression) with its 95% Welch interval,
     * null for the baseline.
     */
    public record Row(String variant, double lr, Stats valAccuracy, Stats testAccuracy, Stats trainLoss, Stats valLoss, Stats gap,
                      double[] diff, int diverged, int trials, double seconds, double[] meanCurve, Stats testLoss) {}

    /**
     * Per variant: the learning rate whose seeds give the best mean validation accuracy (lowest
     * mean validation loss for regression; a diverged trial counts as the worst), then that rate's
     * statistics, and the difference of mean test accuracy (test loss for regression) to the
     * baseline's with a 95% Welch interval. Variants without results are left out.
     */
    public List<Row> summarize(Map<String, TrialResult> results, boolean classification) {
        List<Row> rows = new ArrayList<>();
        Row base = null;
        Stats baseCompared = null;
        for (Variant v : variants) {
            double bestLr = Double.NaN;
            double bestScore = Double.NEGATIVE_INFINITY;
            List<TrialResult> best = null;
            for (double lr : lrs) {
                List<TrialResult> rs = new ArrayList<>();
                double score = 0;
                for (long s = 0; s < seeds; s++) {
                    TrialResult r = results.get(TrialResult.key(v.apply(baseline).withLr(lr), s));
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
            List<TrialResult> chosen = best;
            Stats test = Stats.of(chosen.stream().mapToDouble(r -> r.diverged() ? Double.NaN : r.testAccuracy()).toArray());
            // the difference to the baseline: in test accuracy, or in test loss for regression (which has no accuracy)
            Stats testLoss = Stats.of(chosen.stream().mapToDouble(r -> r.diverged() ? Double.NaN : r.testLoss()).toArray());
            Stats compared = classification ? test : testLoss;
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
                    base == null ? null : Stats.welch(compared, baseCompared),
                    (int) chosen.stream().filter(TrialResult::diverged).count(), chosen.size(),
                    chosen.stream().mapToDouble(TrialResult::seconds).sum(), curve, testLoss);
            if (base == null) {
                base = row;
                baseCompared = compared;
            }
            rows.add(row);
        }
        return rows;
    }
}
