package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ablation runner: equal-budget trials that resume after a kill, the same whatever the parallelism, and its statistics. */
class AblationTest {

    @TempDir
    Path dir;

    private static String[] study(Path out, int jobs) {
        return new String[] {"ablate", "--dataset", "moons", "--samples", "600", "--hidden", "8", "--epochs", "4",
            "--vary", "activation=tanh", "--vary", "batch-size=16", "--lrs", "0.01,0.03", "--seeds", "2", "--jobs",
            Integer.toString(jobs), "--out", out.toString()};
    }

    /** The results by trial, without the wall time. */
    static Map<String, String> results(Path out) throws Exception {
        Map<String, String> m = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve("results.jsonl"))) {
            Map<?, ?> r = (Map<?, ?>) dev.vecgrad.models.io.Json.parse(line);
            m.put(r.get("variant") + " " + r.get("lr") + " " + r.get("seed"), line.replaceAll("\"seconds\":[^,]*,", ""));
        }
        return m;
    }

    /**
     * A folder with the user's own files is not a study's: it was written into and its
     * report/report.md replaced. A folder another study is running in is refused: two ablations in
     * one folder both ran every trial.
     */
    @Test
    void aUsersFolderAndABusyStudyFolderAreRefused() throws Exception {
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "mine");
        CliTest.Result r = CliTest.run(study(mine, 1));
        assertEquals(2, r.code(), r.err());
        assertEquals("vecgrad ablate: --out " + mine + " holds files that are not a study's (notes.txt): choose a new or empty folder",
                r.err().strip());
        assertEquals(List.of("notes.txt"), names(mine), "nothing written into it");

        Path busy = dir.resolve("busy");
        Files.createDirectories(busy);
        try (var ch = java.nio.channels.FileChannel.open(busy.resolve(AblateCommand.LOCK_FILE), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE); var lock = ch.lock()) {
            CliTest.Result second = CliTest.run(study(busy, 1));
            assertEquals(2, second.code(), second.err());
            assertEquals("vecgrad ablate: --out " + busy + ": another study is running in this folder; wait for it to finish",
                    second.err().strip());
            assertEquals(List.of(AblateCommand.LOCK_FILE), names(busy), "no trial run, no file written");
        }
        CliTest.Result after = CliTest.run("search", "--dataset", "moons", "--samples", "300", "--hidden", "4", "--epochs", "1",
                "--space", "activation=relu,tanh", "--jobs", "1", "--out", busy.toString());
        assertEquals(0, after.code(), "the lock is released with its holder: " + after.err());
    }

    /** The tables printed on the terminal fit 80 columns (they were about 190); report.md keeps every column. */
    @Test
    void theTerminalTablesFitEightyColumns() throws Exception {
        CliTest.Result a = CliTest.run(study(dir.resolve("narrow"), 1));
        assertEquals(0, a.code(), a.err());
        String table = a.out().substring(a.out().indexOf("\nvariant ") + 1, a.out().indexOf("\nwrote "));
        assertEquals(4, table.strip().lines().count(), table);   // the header and three variants
        table.lines().forEach(l -> assertTrue(l.length() <= 80, l.length() + " columns: " + l));
        assertTrue(Files.readString(dir.resolve("narrow").resolve("report").resolve("report.md")).contains("| gap |"));
        CliTest.Result s = CliTest.run("search", "--dataset", "moons", "--samples", "300", "--hidden", "4", "--epochs", "1", "--space",
                "lr=0.01,0.03", "--space", "activation=relu,tanh", "--jobs", "1", "--out", dir.resolve("search").toString());
        assertEquals(0, s.code(), s.err());
        String ranking = s.out().substring(s.out().indexOf("\nrank ") + 1, s.out().indexOf("\nwrote "));
        assertEquals(5, ranking.strip().lines().count(), ranking);
        ranking.lines().forEach(l -> assertTrue(l.length() <= 80, l.length() + " columns: " + l));
        assertTrue(s.out().lines().filter(l -> l.startsWith("[")).allMatch(l -> l.contains("lr=") && !l.contains(" lr ")),
                "the rate once in a progress line: " + s.out());
    }

    private static List<String> names(Path folder) throws Exception {
        try (var s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A regression study reports its test loss (its column showed '-' while the difference beside it was of test losses). */
    @Test
    void aRegressionStudyReportsItsTestLoss() throws Exception {
        Path out = dir.resolve("reg");
        CliTest.Result r = CliTest.run("ablate", "--model", "mlp", "--dataset", "linreg", "--samples", "200", "--hidden", "4", "--epochs", "2",
                "--vary", "activation=tanh", "--lrs", "0.01", "--seeds", "2", "--jobs", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, List<Double>> testLosses = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve("results.jsonl"))) {
            Map<?, ?> m = (Map<?, ?>) dev.vecgrad.models.io.Json.parse(line);
            testLosses.computeIfAbsent((String) m.get("variant"), k -> new ArrayList<>()).add(((Number) m.get("test_loss")).doubleValue());
        }
        String report = Files.readString(out.resolve("report").resolve("report.md"));
        for (Map.Entry<String, List<Double>> e : testLosses.entrySet()) {
            double mean = e.getValue().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            String row = report.lines().filter(l -> l.startsWith("| " + e.getKey() + " |")).findFirst().orElseThrow();
            String cell = row.split(" \\| ")[3];
            assertEquals(mean, Double.parseDouble(cell.split(" ")[0]), 5e-5, e.getKey() + "'s test loss in: " + row);
        }
    }

    @Test
    void aKilledStudyResumesWithoutRerunningOrLosingTrialsAndParallelismChangesNothing() throws Exception {
        Path a = dir.resolve("a");
        CliTest.Result first = CliTest.run(study(a, 2));
        assertEquals(0, first.code(), first.err());
        Map<String, String> full = results(a);
        assertEquals(3 * 2 * 2, full.size(), "3 variants x 2 rates x 2 seeds");
        String report = Files.readString(a.resolve("report").resolve("report.md"));
        assertTrue(report.contains("| baseline |") && report.contains("| activation=tanh |") && report.contains("| batch-size=16 |"), report);
        for (String png : List.of("bars.png", "curves.png", "report.csv")) {
            assertTrue(Files.size(a.resolve("report").resolve(png)) > 0, png);
        }

        // as a kill -9 leaves it: the last trial's line cut in the middle
        List<String> lines = Files.readAllLines(a.resolve("results.jsonl"));
        String cut = String.join("\n", lines.subList(0, 9)) + "\n" + lines.get(9).substring(0, lines.get(9).length() / 2);
        Files.writeString(a.resolve("results.jsonl"), cut);
        CliTest.Result again = CliTest.run(study(a, 2));
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("12 trials, 9 done before"), again.out());
        assertEquals(full, results(a), "the same trials, each once, with the same results");

        Path b = dir.resolve("b");
        assertEquals(0, CliTest.run(study(b, 1)).code());
        assertEquals(full, results(b), "one job or two: the same results");
    }

    @Test
    void badStudiesAreRefusedBeforeAnyWork() throws Exception {
        Path out = dir.resolve("s");
        String[][] cases = {
            {"--vary", "epochs=3"}, {"--vary", "activation=swish"}, {"--vary", "activation"}, {"--lr", "0.1"},
            {"--seeds", "0"}, {"--preset", "cifar"}, {"--lrs", "-1"}, {"--val-fraction", "0"}, {"--vary", "val-fraction=0.2,0"}};
        String[] said = {
            "--vary epochs: the study keeps it fixed", "--activation: 'swish' is not one of", "--vary: expected OPTION=VALUE",
            "--lr is not a baseline option here", "--seeds must be 1 to 100", "--preset: 'cifar' is not one of",
            "--lrs must be positive finite numbers", "--val-fraction 0.0 leaves no validation split",
            "--val-fraction 0.0 leaves no validation split"};
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new ArrayList<>(List.of("ablate", "--dataset", "moons", "--out", out.toString()));
            args.addAll(List.of(cases[i]));
            CliTest.Result r = CliTest.run(args.toArray(String[]::new));
            assertEquals(2, r.code(), String.join(" ", cases[i]));
            assertTrue(r.err().startsWith("vecgrad ablate: ") && r.err().contains(said[i]), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        }
        CliTest.Result gate = CliTest.run("ablate", "--dataset", "xor", "--vary", "activation=tanh", "--out", out.toString());
        assertEquals(2, gate.code(), gate.err());
        assertTrue(gate.err().contains("--dataset xor is a logic gate (4 points, no validation split)"), gate.err());
        assertTrue(!Files.exists(out.resolve("results.jsonl")), "no trial ran");
        Files.createDirectories(out);
        Files.writeString(out.resolve("study.json"), "{\"another\":1}\n");
        CliTest.Result other = CliTest.run("ablate", "--dataset", "moons", "--out", out.toString());
        assertEquals(2, other.code());
        assertTrue(other.err().contains("holds another study"), other.err());
    }

    @Test
    void gridAndRandomSearchesRankOnValidationAndRepeat() throws Exception {
        Path grid = dir.resolve("grid");
        CliTest.Result g = CliTest.run("search", "--dataset", "moons", "--samples", "600", "--hidden", "8", "--epochs", "4", "--mode",
                "grid", "--space", "lr=0.01,0.03", "--space", "activation=relu,tanh", "--out", grid.toString());
        assertEquals(0, g.code(), g.err());
        String report = Files.readString(grid.resolve("report").resolve("report.md"));
        for (String c : List.of("lr=0.01 activation=relu", "lr=0.01 activation=tanh", "lr=0.03 activation=relu", "lr=0.03 activation=tanh")) {
            assertTrue(report.contains("| " + c + " |"), c + " in\n" + report);
        }
        assertTrue(report.contains("| 1 | ") && report.contains("| 4 | ") && !report.contains("| 5 | "), report);
        List<Double> vals = new ArrayList<>();
        for (String line : report.lines().filter(l -> l.matches("\\| \\d+ \\|.*")).toList()) {
            vals.add(Double.parseDouble(line.split("\\|")[3].trim()));
        }
        for (int i = 1; i < vals.size(); i++) {
            assertTrue(vals.get(i) <= vals.get(i - 1), "ranked by validation: " + vals);
        }

        String[] random = {"search", "--dataset", "moons", "--samples", "600", "--hidden", "8", "--epochs", "3", "--space",
            "lr=log:0.001:0.1", "--space", "batch-size=16,64", "--trials", "3", "--sample-seed", "7", "--out", ""};
        random[random.length - 1] = dir.resolve("r1").toString();
        assertEquals(0, CliTest.run(random).code());
        random[random.length - 1] = dir.resolve("r2").toString();
        assertEquals(0, CliTest.run(random).code());
        assertEquals(results(dir.resolve("r1")), results(dir.resolve("r2")), "the same draws and results for the same --sample-seed");
        for (String key : results(dir.resolve("r1")).keySet()) {
            double v = Double.parseDouble(key.split(" ")[0].substring("lr=".length()));   // "lr=0.0123 batch-size=16 ..."
            assertTrue(v >= 0.001 && v <= 0.1, "log-uniform within the range: " + v);
        }
    }

    @Test
    void studiesStartFromTheLearningRateTheRunWouldUse() {
        assertEquals(0.001, TrainCommand.parse(List.of("--model", "cnn", "--dataset", "fashion-mnist")).effectiveLrs()[0],
                "the CNN's own default, as train uses it");
        assertEquals(0.01, TrainCommand.parse(List.of("--model", "cnn", "--dataset", "fashion-mnist", "--lr", "0.01")).effectiveLrs()[0]);
        assertEquals(0.003, TrainCommand.parse(List.of("--model", "mlp", "--dataset", "moons")).effectiveLrs()[0]);
    }

    @Test
    void badSearchesAreRefusedBeforeAnyWork() {
        String[][] cases = {{"--space", "lr=range:0.1:0.01"}, {"--space", "lr=log:0:1"}, {"--mode", "grid", "--space", "lr=log:0.001:0.1"},
            {"--mode", "bayes", "--space", "lr=0.1"}, {}, {"--space", "dataset=xor"}, {"--space", "optimizer=lion"},
            {"--space", "val-fraction=0.1,0"}};
        String[] said = {"LOW < HIGH", "both > 0", "a grid needs listed values", "'bayes' is not one of grid, random",
            "at least one OPTION=VALUES", "the search keeps it fixed", "--optimizer: 'lion' is not one of",
            "--val-fraction 0.0 leaves no validation split"};
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new ArrayList<>(List.of("search", "--dataset", "moons", "--out", dir.resolve("x").toString()));
            args.addAll(List.of(cases[i]));
            CliTest.Result r = CliTest.run(args.toArray(String[]::new));
            assertEquals(2, r.code(), String.join(" ", cases[i]));
            assertTrue(r.err().startsWith("vecgrad search: ") && r.err().contains(said[i]), r.err());
        }
    }

    @Test
    void aDivergedTrialIsRecordedAsDivergedNotDropped() throws Exception {
        Path out = dir.resolve("div");
        CliTest.Result r = CliTest.run("ablate", "--dataset", "moons", "--samples", "300", "--hidden", "8", "--epochs", "2", "--optimizer",
                "sgd", "--vary", "activation=tanh", "--lrs", "1e30", "--seeds", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
        assertEquals(2, lines.size());
        // relu at 1e30 overflows to NaN; tanh saturates and stays finite (loss ~1e29): recorded as it is
        String baseline = lines.stream().filter(l -> l.contains("\"variant\":\"baseline\"")).findFirst().orElseThrow();
        assertTrue(baseline.contains("\"status\":\"diverged\"") && baseline.contains("\"train_loss\":null"), baseline);
        String report = Files.readString(out.resolve("report").resolve("report.md"));
        assertTrue(report.lines().anyMatch(l -> l.startsWith("| baseline |") && l.contains("| 1/1 |")), "the diverged count: " + report);
        assertTrue(r.out().contains("diverged"), r.out());
    }
}
