package dev.vecgrad.models.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.kernels.Parallelism;
import dev.vecgrad.models.data.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The study engine without the command line: specs as data, trials, the store, the runner and the statistics. */
class StudyTest {

    @TempDir
    Path dir;

    private static TrainSpec small() {
        return TrainSpec.defaults().with("samples", "300").with("hidden", "8").with("epochs", "3");
    }

    @Test
    void aSpecRoundTripsThroughJsonAndChangesOneOptionAtATime() {
        TrainSpec s = small().with("--momentum", "0.5").with("batchnorm", "true").with("weight-decay", "1e-4").withLr(0.1 / 3);
        String json = s.toJson();
        assertEquals(s, TrainSpec.fromJson(json), json);
        assertEquals(json, TrainSpec.fromJson(json).toJson());
        assertTrue(json.contains("\"noise\":null") && json.contains("\"hidden\":[8]") && json.contains("\"batch_size\":64"), json);
        TrainSpec t = s.with("activation", "tanh");
        assertEquals("tanh", t.activation());
        assertEquals(s, t.with("activation", "relu"), "only the option changed");
        assertEquals(List.of(64, 32), s.with("hidden", "64,32").hidden());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.with("swish", "1"));
        assertTrue(e.getMessage().startsWith("--swish is not a training option"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.with("epochs", "many"));
        assertEquals("--epochs: 'many' is not an integer", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainSpec.fromJson("{\"samples\":4294967396}"));
        assertTrue(e.getMessage().startsWith("training spec: a field has the wrong type or range"), "no silent wrap: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainSpec.fromJson("{\"epochs\":2.5}"));
        e = assertThrows(IllegalArgumentException.class, () -> TrainSpec.fromJson("{\"epochs\":3,\"colour\":1}"));
        assertEquals("training spec: unknown field 'colour'", e.getMessage());
        assertNull(s.problem());
        assertEquals("--activation: 'swish' is not one of relu, leaky_relu, sigmoid, tanh, gelu", s.with("activation", "swish").problem());
    }

    @Test
    void anAblationPlansItsTrialsAndRefusesWhatItKeepsFixed() {
        Ablation a = Ablation.of(small()).vary("activation", "tanh", "gelu").lrs(0.01, 0.03).seeds(2);
        List<Trial> trials = a.trials();
        assertEquals(3 * 2 * 2, trials.size());
        assertEquals(new Trial("activation=gelu", small().with("activation", "gelu").withLr(0.03), 1), trials.get(11));
        assertNull(a.problem());
        assertTrue(a.plan().startsWith("{\"baseline\":" + small().toJson() + ",\"variants\":[\"baseline\",\"activation=tanh\","), a.plan());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ablation.of(small()).vary("epochs", "5"));
        assertTrue(e.getMessage().startsWith("--vary epochs: the study keeps it fixed"), e.getMessage());
        assertEquals("--dataset xor is a logic gate (4 points, no validation split), and a study ranks on validation",
                Ablation.of(small().with("dataset", "xor")).problem());
        assertEquals("--seeds must be 1 to 100, got 0", Ablation.of(small()).seeds(0).problem());
    }

    /**
     * Every number of a trial is the final model's, in eval mode: under early stopping the
     * restored best epoch's (the row mixed the last epoch's validation numbers with the best
     * epoch's test accuracy), and with dropout the training loss without it (the epoch's running
     * mean with dropout on made dropout's gap look 10x smaller).
     */
    @Test
    void aTrialsNumbersAreAllTheFinalModelsInEvalMode() throws Exception {
        TrainSpec linreg = TrainSpec.defaults().with("model", "linreg").with("dataset", "linreg").with("epochs", "30")
                .with("optimizer", "sgd").withLr(0.3);
        DataSource.Splits reg = linreg.data(null, 0).load();
        TrialResult stopped = new Trial("es", linreg.with("early-stopping", "1"), 0).run(reg.train(), reg.test());
        double[] curve = stopped.valCurve();
        double best = java.util.Arrays.stream(curve).min().orElseThrow();
        assertTrue(curve[curve.length - 1] > best, "the run stopped after a worse epoch: " + java.util.Arrays.toString(curve));
        assertEquals(best, stopped.valLoss(), 0, "the validation loss of the restored best epoch, not of the last");
        TrialResult plain = new Trial("plain", linreg.with("epochs", "3"), 0).run(reg.train(), reg.test());
        assertEquals(plain.valCurve()[2], plain.valLoss(), 0);

        TrainSpec dropout = small().with("hidden", "32").with("dropout", "0.5").with("epochs", "4");
        DataSource.Splits data = dropout.data(null, 0).load();
        TrialResult r = new Trial("dropout", dropout, 0).run(data.train(), data.test());
        var split = dropout.split(data.train(), 0);
        String loss = dropout.resolvedLoss(split.train());
        TrainSpec.Fit fit = dropout.fit(dropout.modelSpec(split.train(), loss), Choices.objective(loss), split.train(), split.validation(),
                0, dev.vecgrad.models.train.TrainingListener.none(), m -> { });
        assertEquals(fit.trainer().evaluate(fit.net(), split.train()).loss(), r.trainLoss(), 0, "the final model's, dropout off");
        assertTrue(fit.history().last().trainLoss() > r.trainLoss() * 1.05, "the running mean with dropout on is another number: "
                + fit.history().last().trainLoss() + " vs " + r.trainLoss());
        assertEquals(fit.trainer().evaluate(fit.net(), split.validation()).accuracy(), r.valAccuracy(), 0);
    }

    /** One split alone is the same data as both together (predict makes only the split it scores). */
    @Test
    void oneSplitIsTheSameDataAsBoth() throws Exception {
        for (String name : List.of("moons", "blobs", "linreg", "xor")) {
            DataSource source = new DataSource(name, null, 500, 0.2, 3);
            DataSource.Splits both = source.load();
            for (String split : List.of("train", "test")) {
                var one = source.load(split);
                var expected = split.equals("train") ? both.train() : both.test();
                assertEquals(expected.size(), one.size(), name + " " + split);
                assertArrayEquals(expected.x().toFloatArray(), one.x().toFloatArray(), name + " " + split);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new DataSource("moons", null, 500, 0.2, 3).load("validation"));
    }

    @Test
    void resultsDoNotDependOnTheJobsAndAKilledStudyResumes() throws Exception {
        Ablation a = Ablation.of(small()).vary("activation", "tanh").lrs(0.01, 0.03).seeds(1);
        DataSource.Splits data = small().data(null, 0).load();
        ResultStore one = ResultStore.open(dir.resolve("one"), a.plan());
        List<String> seen = new ArrayList<>();
        List<Ablation.Row> rows = a.run(data.train(), data.test(), new LocalTrialRunner(1), one, r -> seen.add(r.key()));
        assertEquals(4, seen.size());
        assertEquals(List.of("baseline", "activation=tanh"), rows.stream().map(Ablation.Row::variant).toList());
        int threads = Parallelism.threads();
        ResultStore two = ResultStore.open(dir.resolve("two"), a.plan());
        a.run(data.train(), data.test(), new LocalTrialRunner(2), two, r -> { });
        assertEquals(threads, Parallelism.threads(), "the runner leaves the process's thread count alone");
        assertEquals(withoutSeconds(one.results()), withoutSeconds(two.results()), "one job or two: the same results");

        // a kill -9 while writing the last line: that trial is run again, the others are not
        Path file = one.file();
        List<String> lines = Files.readAllLines(file);
        Files.writeString(file, String.join("\n", lines.subList(0, 3)) + "\n" + lines.get(3).substring(0, 20));
        ResultStore again = ResultStore.open(dir.resolve("one"), a.plan());
        assertEquals(3, again.results().size());
        List<String> rerun = new ArrayList<>();
        a.run(data.train(), data.test(), new LocalTrialRunner(1), again, r -> rerun.add(r.variant() + " lr " + r.lr() + " seed " + r.seed()));
        assertEquals(List.of(lines.get(3).replaceAll(".*\"variant\":\"([^\"]*)\",\"lr\":([^,]*),\"seed\":(\\d+).*", "$1 lr $2 seed $3")),
                rerun);
        assertEquals(withoutSeconds(one.results()), withoutSeconds(again.results()));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResultStore.open(dir.resolve("one"), Ablation.of(small()).plan()));
        assertTrue(e.getMessage().contains("holds another study"), e.getMessage());
        // study.json deleted (as that refusal says) and the study run with more epochs: the old results are not its trials
        Files.delete(dir.resolve("one").resolve("study.json"));
        Ablation longer = Ablation.of(small().with("epochs", "4")).vary("activation", "tanh").lrs(0.01, 0.03).seeds(1);
        ResultStore reopened = ResultStore.open(dir.resolve("one"), longer.plan());
        List<String> ran = new ArrayList<>();
        e = assertThrows(IllegalArgumentException.class, () -> longer.run(data.train(), data.test(), new LocalTrialRunner(1), reopened,
                r -> ran.add(r.key())));
        assertTrue(e.getMessage().startsWith(file + " holds 4 results of trials this study does not have (the first: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("): delete it to start over, or choose another folder"), e.getMessage());
        assertEquals(List.of(), ran, "refused before any work");
        // a result names its trial by every option, so it is only used for that trial
        TrialResult any = one.results().values().iterator().next();
        assertEquals(any.spec().toJson() + " seed " + any.seed(), any.key());
        assertEquals(any.key(), TrialResult.fromJson((java.util.Map<?, ?>) dev.vecgrad.models.io.Json.parse(any.toJson())).key());
        Ablation gate = Ablation.of(small().with("dataset", "and"));
        e = assertThrows(IllegalArgumentException.class, () -> gate.run(data.train(), data.test(), new LocalTrialRunner(1),
                ResultStore.open(dir.resolve("gate"), gate.plan()), r -> { }));
        assertTrue(e.getMessage().contains("is a logic gate"), "refused before any work: " + e.getMessage());
    }

    @Test
    void aSearchPlansGridsAndReproducibleDrawsAndRanksOnValidation() throws Exception {
        Search grid = Search.grid(small(), List.of(Search.Axis.parse("lr=0.01,0.03"), Search.Axis.parse("activation=relu,tanh")));
        assertNull(grid.problem());
        assertEquals(List.of("lr=0.01 activation=relu", "lr=0.01 activation=tanh", "lr=0.03 activation=relu", "lr=0.03 activation=tanh"),
                grid.trials().stream().map(Trial::name).toList());
        assertEquals(0.03, grid.trials().get(3).spec().lr());
        assertEquals("tanh", grid.trials().get(3).spec().activation());

        List<Search.Axis> axes = List.of(Search.Axis.parse("lr=log:0.001:0.1"), Search.Axis.parse("batch-size=16,64"));
        Search random = Search.random(small(), axes, 5, 7).seeds(2);
        assertEquals(10, random.trials().size());
        assertEquals(random.trials(), Search.random(small(), axes, 5, 7).seeds(2).trials(), "the same draws for the same sample seed");
        for (Trial t : random.trials()) {
            assertTrue(t.spec().lr() >= 0.001 && t.spec().lr() <= 0.1, t.toString());
        }
        assertEquals("lr=log:0.001:0.1", axes.get(0).toString(), "an axis prints as it parses");
        // a configuration drawn twice is run once: 16 draws of 2 listed values are 2 configurations
        Search twice = Search.random(small(), List.of(Search.Axis.parse("activation=relu,tanh")), 16, 0);
        assertEquals(2, twice.trials().size());
        assertEquals(2, twice.trials().stream().map(Trial::key).distinct().count());
        // without replacement: 5 draws from 6 combinations are 5 different ones, and
        // 100000 draws of one value are one configuration, found at once
        Search five = Search.random(small(), List.of(Search.Axis.parse("activation=relu,tanh,sigmoid"), Search.Axis.parse("batch-size=16,64")),
                5, 0);
        assertEquals(5, five.trials().stream().map(Trial::key).distinct().count());
        assertEquals(1, Search.random(small(), List.of(Search.Axis.parse("activation=tanh")), 100_000, 0).trials().size());
        // a range over a whole-number option draws whole numbers inside it
        for (Trial t : Search.random(small(), List.of(Search.Axis.parse("epochs=range:2:5")), 20, 3).trials()) {
            assertTrue(t.spec().epochs() >= 2 && t.spec().epochs() <= 5, t.toString());
        }

        assertEquals("--space lr=log:0.001:0.1: a grid needs listed values (V1,V2,...), not a range", Search.grid(small(), axes).problem());
        assertEquals("--space: give at least one OPTION=VALUES to search", Search.grid(small(), List.of()).problem());
        assertEquals("--optimizer: 'lion' is not one of sgd, momentum, adam, adamw, rmsprop, adagrad, adadelta, adamax",
                Search.grid(small(), List.of(Search.Axis.parse("optimizer=adam,lion"))).problem());
        for (String[] bad : new String[][] {{"dataset=xor", "the search keeps it fixed"}, {"--dataset=xor", "the search keeps it fixed"}, {"lr=range:0.1:0.01", "LOW < HIGH"},
            {"lr=log:0:1", "both > 0"}, {"lr", "expected OPTION=VALUES"}, {"lr=0.1,", "an empty value"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Search.Axis.parse(bad[0]));
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
        }

        DataSource.Splits data = small().data(null, 0).load();
        ResultStore store = ResultStore.open(dir.resolve("grid"), grid.plan());
        List<Search.Ranked> ranked = grid.run(data.train(), data.test(), new LocalTrialRunner(2), store, r -> { });
        assertEquals(4, ranked.size());
        for (int i = 1; i < ranked.size(); i++) {
            assertTrue(ranked.get(i).val() <= ranked.get(i - 1).val(), "ranked by validation accuracy");
        }
        assertEquals(java.util.Set.of(1, 2, 3, 4), ranked.stream().map(Search.Ranked::testRank).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void aRegressionAblationComparesTestLosses() throws Exception {
        TrainSpec linreg = small().with("dataset", "linreg").with("model", "linreg").with("optimizer", "sgd");
        Ablation a = Ablation.of(linreg).vary("batch-size", "16").lrs(0.01, 0.03).seeds(2);
        DataSource.Splits data = linreg.data(null, 0).load();
        List<Ablation.Row> rows = a.run(data.train(), data.test(), new LocalTrialRunner(2), ResultStore.open(dir.resolve("reg"), a.plan()),
                r -> { });
        double[] diff = rows.get(1).diff();
        assertTrue(Double.isFinite(diff[0]) && Double.isFinite(diff[1]) && Double.isFinite(diff[2]), "test-loss difference: "
                + java.util.Arrays.toString(diff));
    }

    private static Map<String, String> withoutSeconds(Map<String, TrialResult> results) {
        Map<String, String> m = new java.util.TreeMap<>();
        results.forEach((k, r) -> m.put(k, r.toJson().replaceAll("\"seconds\":[^,]*,", "")));
        return m;
    }

    @Test
    void welchIntervalsAndTheirQuantiles() {
        Stats a = Stats.of(new double[] {1, 2, 3});
        Stats b = Stats.of(new double[] {2, 4, 6, Double.NaN});
        assertEquals(2, a.mean(), 1e-12);
        assertEquals(1, a.sd(), 1e-12);
        assertEquals(3, b.n(), "NaN (a diverged trial) is left out");
        // se = sqrt(1/3 + 4/3), Welch df = (5/3)^2 / ((1/3)^2/2 + (4/3)^2/2) = 50/17 = 2.94: t = 3.2188 (the table said t(2) = 4.303)
        double se = Math.sqrt(5.0 / 3);
        double t = 3.2187586145328839;   // the quantile at df 50/17, below
        assertArrayEquals(new double[] {-2, -2 - t * se, -2 + t * se}, Stats.welch(a, b), 1e-9);
        // solved with mpmath at 40 digits (findroot of 1 - betainc(df/2, 1/2, 0, df/(df+t^2))/2 - 0.975); scipy 1.10's
        // t.ppf is off by 4e-9 at df 45 (its own t.cdf says so)
        double[][] reference = {{1, 12.706204736174705}, {1.5, 6.0166631044279319}, {2, 4.3026527297494639}, {4.7, 2.6207260753531704},
            {30, 2.0422724563012383}, {30.5, 2.0408694451863206}, {45, 2.0141033888808467}, {100, 1.9839715185235523},
            {1e6, 1.959966356814107}};   // 1e-10 off at df 1e6: ln Gamma of 5e5 leaves 10 digits
        for (double[] r : reference) {
            assertEquals(r[1], Stats.tQuantile975(r[0]), (r[0] > 1000 ? 1e-9 : 1e-12) * r[1], "df " + r[0]);
        }
        assertEquals(1.959963984540054, Stats.tQuantile975(Double.POSITIVE_INFINITY), 0);
        double[] one = Stats.welch(Stats.of(new double[] {1}), b);
        assertTrue(Double.isNaN(one[1]), "no interval from one seed");
    }
}
