package dev.vecgrad.models.study;

import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.io.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * A grid or random search over training options: each {@link Axis} is an option with listed
 * values, or a range to draw from (uniform, or log-uniform for rates); every configuration is
 * the baseline {@link TrainSpec} with those options set, trained with several seeds, and the
 * configurations are ranked on validation, with the test result beside it (the test split
 * chooses nothing).
 *
 * <pre>{@code
 * Search search = Search.random(TrainSpec.defaults(), List.of(Search.Axis.parse("lr=log:0.0003:0.1"),
 *         Search.Axis.parse("activation=relu,tanh")), 12, 0).seeds(2);
 * List<Search.Ranked> ranking = search.run(data.train(), data.test(), new LocalTrialRunner(), store, r -> { });
 * }</pre>
 */
public final class Search {

    /** Options an axis may not change: the data. */
    public static final List<String> FIXED = List.of("dataset", "samples", "noise");

    /** Options whose values are whole numbers: a range draws them rounded. */
    static final List<String> INTEGER_OPTIONS = List.of("samples", "epochs", "batch-size", "early-stopping", "hidden");

    /** The most configurations a grid may have. */
    public static final int MAX_CONFIGURATIONS = 100_000;

    /**
     * One axis of the space: an option (a {@link TrainSpec} option name) and its listed values, or
     * a range to draw from ({@code scale} "log" or "range", from {@code low} to {@code high}).
     */
    public record Axis(String option, List<String> values, String scale, double low, double high) {

        public Axis {
            values = values == null ? null : List.copyOf(values);
        }

        /**
         * An axis as the command line writes it: {@code OPTION=V1,V2}, {@code OPTION=log:LOW:HIGH}
         * (log-uniform) or {@code OPTION=range:LOW:HIGH} (uniform).
         *
         * @throws IllegalArgumentException naming what is wrong with it
         */
        public static Axis parse(String text) {
            int eq = text.indexOf('=');
            if (eq <= 0 || eq == text.length() - 1) {
                throw new IllegalArgumentException("--space: expected OPTION=VALUES, got '" + text + "'");
            }
            String option = text.startsWith("--") ? text.substring(2, eq) : text.substring(0, eq);
            if (FIXED.contains(option)) {
                throw new IllegalArgumentException("--space " + option + ": the search keeps it fixed (the data and the seeds)");
            }
            String v = text.substring(eq + 1);
            if (v.startsWith("log:") || v.startsWith("range:")) {
                String[] p = v.split(":");
                double lo;
                double hi;
                try {
                    lo = Double.parseDouble(p[1]);
                    hi = Double.parseDouble(p[2]);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("--space " + text + ": expected " + p[0] + ":LOW:HIGH with two numbers");
                }
                if (p.length != 3 || !(lo < hi) || !Double.isFinite(hi) || (p[0].equals("log") && !(lo > 0))) {
                    throw new IllegalArgumentException("--space " + text + ": expected " + p[0] + ":LOW:HIGH with LOW < HIGH"
                            + (p[0].equals("log") ? ", both > 0" : ""));
                }
                return new Axis(option, null, p[0], lo, hi);
            }
            List<String> values = List.of(v.split(",", -1));
            if (values.stream().anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("--space " + text + ": an empty value");
            }
            return new Axis(option, values, null, 0, 0);
        }

        /** The axis as {@link #parse} reads it. */
        @Override
        public String toString() {
            return option + "=" + (values != null ? String.join(",", values)
                    : scale + ":" + Double.toString(low) + ":" + Double.toString(high));
        }

        /** One value: a listed one, or a draw from the range (4 significant digits). */
        String draw(Random rng) {
            if (values != null) {
                return values.get(rng.nextInt(values.size()));
            }
            double u = rng.nextDouble();
            double v = scale.equals("log") ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : low + u * (high - low);
            if (INTEGER_OPTIONS.contains(option)) {
                return Long.toString(Math.max((long) Math.ceil(low), Math.min((long) Math.floor(high), Math.round(v))));
            }
            String text = String.format(Locale.ROOT, "%.4g", v);
            double rounded = Double.parseDouble(text);
            return rounded < low || rounded > high ? Double.toString(v) : text;   // 4 digits, unless they leave the range
        }
    }

    private final TrainSpec baseline;
    private final List<Axis> axes;
    private final boolean grid;
    private final int draws;
    private final long sampleSeed;
    private int seeds = 1;
    private UnaryOperator<TrainSpec> derive = UnaryOperator.identity();

    private Search(TrainSpec baseline, List<Axis> axes, boolean grid, int draws, long sampleSeed) {
        this.baseline = baseline;
        this.axes = List.copyOf(axes);
        this.grid = grid;
        this.draws = draws;
        this.sampleSeed = sampleSeed;
    }

    /** Every combination of the axes' listed values. */
    public static Search grid(TrainSpec baseline, List<Axis> axes) {
        return new Search(baseline, axes, true, 0, 0);
    }

    /** {@code trials} configurations, each axis drawn independently with a generator seeded by {@code sampleSeed}. */
    public static Search random(TrainSpec baseline, List<Axis> axes, int trials, long sampleSeed) {
        return new Search(baseline, axes, false, trials, sampleSeed);
    }

    /** The seeds per configuration: 0, 1, ..., n - 1 (default 1). */
    public Search seeds(int n) {
        this.seeds = n;
        return this;
    }

    /**
     * A change made to every configuration after its axes are set: options that follow from
     * others (the command line gives a CNN its own default rate when no rate is given).
     */
    public Search derive(UnaryOperator<TrainSpec> rule) {
        this.derive = rule;
        return this;
    }

    public TrainSpec baseline() {
        return baseline;
    }

    /**
     * The configurations: every combination (grid), or {@code trials} distinct draws (random,
     * without replacement: fewer when the listed values have fewer combinations, or a range's
     * rounded values run out), each as option -> value in axis order.
     */
    public List<Map<String, String>> configurations() {
        List<Map<String, String>> configs = new ArrayList<>();
        if (grid) {
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
        } else {
            // drawn without replacement: a configuration drawn again is redrawn, until there are as many as asked or the
            // listed values have no other combination left (--trials 100000 over one value is one configuration, not 100000)
            Random rng = new Random(sampleSeed);
            long space = 1;
            for (Axis a : axes) {
                space = a.values() == null ? Long.MAX_VALUE : Math.min(Long.MAX_VALUE / 1_000_000, space * a.values().size());
                if (space == Long.MAX_VALUE) {
                    break;
                }
            }
            long wanted = Math.min(draws, space);
            long attempts = 0;
            long limit = 100L * draws + 1000 + (space < Long.MAX_VALUE ? 20 * space : 0);   // coupon collector: n ln n for all n
            java.util.Set<Map<String, String>> seen = new java.util.HashSet<>();
            while (configs.size() < wanted && attempts++ < limit) {
                Map<String, String> c = new LinkedHashMap<>();
                for (Axis a : axes) {
                    c.put(a.option(), a.draw(rng));
                }
                if (seen.add(c)) {
                    configs.add(c);
                }
            }
        }
        return configs;
    }

    /** The first reason this search cannot run, as one line; null when it can. */
    public String problem() {
        if (axes.isEmpty()) {
            return "--space: give at least one OPTION=VALUES to search";
        }
        if ((!grid && (draws < 1 || draws > MAX_CONFIGURATIONS)) || seeds < 1 || seeds > 100) {
            return "--trials must be 1 to " + MAX_CONFIGURATIONS + " and --seeds 1 to 100, got " + draws + " and " + seeds;
        }
        if (grid) {
            long size = 1;
            for (Axis a : axes) {
                if (a.values() == null) {
                    return "--space " + a + ": a grid needs listed values (V1,V2,...), not a range";
                }
                size = Math.min(size * a.values().size(), Long.MAX_VALUE / 1_000_000);
            }
            if (size > MAX_CONFIGURATIONS) {
                return "the grid has " + size + " configurations; at most " + MAX_CONFIGURATIONS;
            }
        }
        List<Map<String, String>> configs = configurations();
        try {
            for (Map<String, String> c : configs) {
                String p = Ablation.studyProblem(spec(c));   // every configuration is checked before any work
                if (p != null) {
                    return p;
                }
            }
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (baseline.model().equals("seq2seq") || baseline.model().equals("perceptron")) {
            return "--model " + baseline.model() + " has no search here (it does not train with the Trainer)";
        }
        return null;
    }

    private TrainSpec spec(Map<String, String> config) {
        TrainSpec spec = baseline;
        for (Map.Entry<String, String> e : config.entrySet()) {
            spec = spec.with(e.getKey(), e.getValue());
        }
        return derive.apply(spec);
    }

    /** A configuration's name: "option=value option=value ...". */
    static String name(Map<String, String> config) {
        StringBuilder name = new StringBuilder();
        config.forEach((k, v) -> name.append(name.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return name.toString();
    }

    /** Every trial: each configuration with each seed. */
    public List<Trial> trials() {
        List<Trial> all = new ArrayList<>();
        for (Map<String, String> c : configurations()) {
            TrainSpec spec = spec(c);
            for (long s = 0; s < seeds; s++) {
                all.add(new Trial(name(c), spec, s));
            }
        }
        return all;
    }

    /** The search as JSON, for its {@link ResultStore}'s {@code study.json}. */
    public String plan() {
        return "{\"baseline\":" + baseline.toJson() + ",\"space\":" + Json.strings(axes.stream().map(Axis::toString).toList())
                + ",\"mode\":\"" + (grid ? "grid" : "random")
                + "\",\"trials\":" + draws + ",\"seeds\":" + seeds + ",\"sample_seed\":" + sampleSeed + "}\n";
    }

    /**
     * Runs the trials {@code store} lacks with {@code runner}, adding each result to the store
     * (then telling {@code progress}) as it finishes, and returns the ranking of all of them.
     * A search with a {@link #problem()} is refused (IllegalArgumentException) before any work.
     */
    public List<Ranked> run(Dataset trainAll, Dataset test, TrialRunner runner, ResultStore store, TrialRunner.Listener progress)
            throws Exception {
        String problem = problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        List<Trial> all = trials();
        store.requireOnly(all);
        runner.run(all.stream().filter(t -> !store.done(t)).toList(), trainAll, test, r -> {
            store.add(r);
            progress.finished(r);
        });
        return rank(all, store.results(), trainAll.isClassification());
    }

    /**
     * A configuration's place: mean validation accuracy over its seeds (validation loss for
     * regression; a diverged trial counts as the worst), mean test accuracy (or loss), mean
     * training loss, and its rank by test among the configurations ({@code testRank}, from 1).
     */
    public record Ranked(String name, double lr, double val, double test, double trainLoss, int diverged, int n, int testRank) {}

    /** The configurations of {@code all} that have results, best on validation first. */
    public static List<Ranked> rank(List<Trial> all, Map<String, TrialResult> results, boolean classification) {
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
                    ? (classification ? 0 : Double.POSITIVE_INFINITY) : classification ? r.valAccuracy() : r.valLoss())
                    .average().orElse(Double.NaN);
            double test = Stats.of(rs.stream().mapToDouble(r -> r.diverged() ? Double.NaN
                    : classification ? r.testAccuracy() : r.testLoss()).toArray()).mean();
            double train = Stats.of(rs.stream().mapToDouble(r -> r.diverged() ? Double.NaN : r.trainLoss()).toArray()).mean();
            ranked.add(new Ranked(e.getKey(), rs.get(0).lr(), val, test, train, (int) rs.stream().filter(TrialResult::diverged).count(),
                    rs.size(), 0));
        }
        Comparator<Ranked> byVal = Comparator.comparingDouble(Ranked::val);
        ranked.sort(classification ? byVal.reversed() : byVal);
        List<Ranked> byTest = new ArrayList<>(ranked);
        Comparator<Ranked> t = Comparator.comparingDouble(r -> Double.isNaN(r.test()) ? (classification ? -1 : Double.POSITIVE_INFINITY)
                : r.test());
        byTest.sort(classification ? t.reversed() : t);
        List<Ranked> out = new ArrayList<>();
        for (Ranked r : ranked) {
            out.add(new Ranked(r.name(), r.lr(), r.val(), r.test(), r.trainLoss(), r.diverged(), r.n(), byTest.indexOf(r) + 1));
        }
        return out;
    }
}
