package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.models.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: train, predict, and errors that name the problem. */
class CliTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
        List<String> lines() {
            return Arrays.asList(out.strip().split("\n"));
        }
    }

    static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void trainWritesJsonLinesAndFilesThatPredictReadsBack() throws Exception {
        Path out = dir.resolve("run");
        Result r = run("train", "--model", "mlp", "--dataset", "moons", "--samples", "1000", "--hidden", "16,16", "--lr", "0.01",
                "--epochs", "8", "--batch-size", "32", "--threads", "1", "--json", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.lines();
        assertEquals(10, lines.size(), r.out());
        for (int e = 0; e < 8; e++) {
            Map<?, ?> m = (Map<?, ?>) Json.parse(lines.get(e));
            assertEquals((long) e + 1, m.get("epoch"));
            for (String k : List.of("train_seconds", "train_loss", "val_loss", "val_accuracy")) {
                assertTrue(m.get(k) instanceof Number, k + " in " + lines.get(e));
            }
        }
        List<String> csvColumns = List.of(Files.readAllLines(out.resolve("history.csv")).get(0).split(","));
        assertEquals(csvColumns, List.copyOf(((Map<?, ?>) Json.parse(lines.get(0))).keySet()),
                "the JSON lines and history.csv use the same names, in the same order");
        Map<?, ?> test = (Map<?, ?>) Json.parse(lines.get(8));
        assertTrue(((Number) test.get("test_accuracy")).doubleValue() > 0.95, lines.get(8));
        Map<?, ?> files = (Map<?, ?>) ((Map<?, ?>) Json.parse(lines.get(9))).get("files");
        for (Object f : files.values()) {
            assertTrue(Files.size(Path.of((String) f)) > 0, f + " written");
        }
        assertTrue(Files.exists(out.resolve("curves.png")));

        Result p = run("predict", "--checkpoint", out.resolve("model.safetensors").toString(), "--limit", "3");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("mlp 2-16-16-2 relu, trained on moons"), p.out());
        assertTrue(p.out().contains("#0  predicted "), p.out());
        double acc = Double.parseDouble(p.out().replaceAll("(?s).*accuracy on moons: ([0-9.]+)%.*", "$1"));
        assertEquals(((Number) test.get("test_accuracy")).doubleValue() * 100, acc, 0.01, "predict repeats the test accuracy");

        Path csv = dir.resolve("points.csv");
        Files.writeString(csv, "# x,y\n0,1\n1,-0.5\n");
        Result q = run("predict", "--checkpoint", out.resolve("model.safetensors").toString(), "--input", csv.toString());
        assertEquals(0, q.code(), q.err());
        assertTrue(q.out().contains("#0  predicted upper"), q.out());
        assertTrue(q.out().contains("#1  predicted lower"), q.out());
    }

    @Test
    void thePerceptronReportsWhetherItConverged() {
        Result and = run("train", "--model", "perceptron", "--dataset", "and", "--epochs", "100", "--lr", "0.1", "--out",
                dir.resolve("p").toString());
        assertEquals(0, and.code(), and.err());
        assertTrue(and.out().contains("converged after"), and.out());
        Result xor = run("train", "--model", "perceptron", "--dataset", "xor", "--epochs", "50", "--out", dir.resolve("q").toString());
        assertEquals(3, xor.code(), "a distinct exit code when the rule does not converge");
        assertTrue(xor.out().contains("did not converge in 50 epochs"), xor.out());
    }

    @Test
    void linearRegressionComparesSgdWithTheNormalEquations() {
        Result r = run("train", "--model", "linreg", "--dataset", "linreg", "--optimizer", "sgd", "--lr", "0.05", "--epochs", "30",
                "--batch-size", "32", "--schedule", "cosine", "--out", dir.resolve("l").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*normal equations: w = \\[(1\\.99|2\\.00)\\d*, -3\\.(39|40)\\d*\\], b = \\[4\\.(19|20)\\d*\\].*"), r.out());
        double diff = Double.parseDouble(r.out().replaceAll("(?s).*largest difference ([0-9.eE+-]+).*", "$1"));
        assertTrue(diff < 1e-3, r.out());
    }

    @Test
    void aLearningRateStudyPlotsOneCurvePerRate() {
        Result r = run("train", "--model", "mlp", "--dataset", "xor", "--hidden", "2", "--activation", "sigmoid", "--output", "sigmoid",
                "--loss", "mse", "--optimizer", "sgd", "--lr", "0.5,2", "--batch-size", "4", "--epochs", "200", "--out", dir.resolve("s").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(dir.resolve("s/lr-study.png")));
        assertTrue(Files.exists(dir.resolve("s/model-lr0.5.safetensors")));
        assertTrue(r.out().contains("lr 2.0      test loss"), r.out());
    }

    @Test
    void errorsAreOneLineNamingTheProblem() throws Exception {
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        Result r = run("predict", "--checkpoint", bad.toString());
        assertEquals(1, r.code());
        assertEquals("vecgrad predict: " + bad + ": truncated: 3 bytes, shorter than the 8-byte safetensors header length",
                r.err().strip());
        Result missing = run("predict", "--checkpoint", dir.resolve("nope.safetensors").toString());
        assertEquals(1, missing.code());
        assertEquals("vecgrad predict: no such file: " + dir.resolve("nope.safetensors"), missing.err().strip());
        // Forged metadata: sizes that would allocate 3.2 GB, beside a few bytes of weights.
        Path forged = dir.resolve("forged.safetensors");
        dev.vecgrad.models.io.SafeTensors.save(forged, java.util.Map.of("stack.0.weight", dev.vecgrad.autograd.Tensor.zeros(2, 3)),
                java.util.Map.of("vecgrad.model", "mlp", "vecgrad.sizes", "20000,20000,20000", "vecgrad.activation", "relu",
                        "vecgrad.output", "none"));
        Result f = run("predict", "--checkpoint", forged.toString());
        assertEquals(1, f.code());
        assertEquals("vecgrad predict: " + forged + ": the metadata describes mlp 20000-20000-20000 relu with 800040000 parameters,"
                + " the tensors hold 6: metadata and weights disagree", f.err().strip());
        // A Fashion-MNIST model (trained on [-1, 1]) given raw pixels: scaled, and said so; values fitting neither: refused.
        Path fm = dir.resolve("fm.safetensors");
        float[] w = new float[10 * 784];
        w[3 * 784] = 1; // class 3 follows pixel 0
        dev.vecgrad.models.io.SafeTensors.save(fm, java.util.Map.of("stack.0.weight", dev.vecgrad.autograd.Tensor.fromArray(w, 10, 784),
                "stack.0.bias", dev.vecgrad.autograd.Tensor.zeros(10)), java.util.Map.of("vecgrad.model", "mlp", "vecgrad.sizes", "784,10",
                "vecgrad.activation", "relu", "vecgrad.output", "none", "vecgrad.dataset", "fashion-mnist", "vecgrad.scaling", "symmetric"));
        Path raw = dir.resolve("raw.csv");
        Files.writeString(raw, "255" + ",0".repeat(783) + "\n");
        Result scaled = run("predict", "--checkpoint", fm.toString(), "--input", raw.toString());
        assertEquals(0, scaled.code(), scaled.err());
        assertEquals(List.of("vecgrad predict: " + raw + " holds raw pixels (0 to 255): scaled to [-1, 1] as in training"
                + " (vecgrad.scaling symmetric)"), scaled.err().lines().filter(l -> l.startsWith("vecgrad")).toList());
        assertTrue(scaled.out().contains("#0  predicted 3"), scaled.out());
        Path unit = dir.resolve("unit.csv");
        Files.writeString(unit, "1" + ",-1".repeat(783) + "\n");
        Result asIs = run("predict", "--checkpoint", fm.toString(), "--input", unit.toString());
        assertEquals(List.of(), asIs.err().lines().filter(l -> l.startsWith("vecgrad")).toList(),
                "values in the training range are used as they are");
        assertTrue(asIs.out().contains("#0  predicted 3"), asIs.out());
        Path odd = dir.resolve("odd.csv");
        Files.writeString(odd, "300" + ",0".repeat(783) + "\n");
        Result refused = run("predict", "--checkpoint", fm.toString(), "--input", odd.toString());
        assertEquals(1, refused.code());
        assertEquals("vecgrad predict: " + odd + ": values from 0 to 300 are neither raw pixels (integers 0 to 255) nor scaled as in"
                + " training [-1, 1]", refused.err().strip());
        Files.writeString(odd, "NaN" + ",0".repeat(783) + "\n");
        assertEquals("vecgrad predict: " + odd + ": line 1, value 1: 'NaN' is not a finite number",
                run("predict", "--checkpoint", fm.toString(), "--input", odd.toString()).err().strip());
        Result unknown = run("train", "--dataset", "imagenet");
        assertEquals(2, unknown.code(), "an unknown choice is a bad option: exit 2");
        assertEquals("vecgrad train: --dataset: 'imagenet' is not one of fashion-mnist, moons, xor, and, or, blobs, linreg",
                unknown.err().strip());
        Result option = run("train", "--epochz", "3");
        assertEquals(2, option.code());
        assertTrue(option.err().startsWith("vecgrad train: Unknown options: '--epochz'"), option.err());
        assertTrue(option.err().contains("did you mean --epochs") && option.err().strip().endsWith("; see vecgrad train --help"),
                option.err());
        assertEquals(1, option.err().strip().lines().count(), "a bad option is one line, not the usage: " + option.err());
        Result value = run("train", "--lr", "abc");
        assertEquals(2, value.code());
        assertEquals("vecgrad train: Invalid value for option '--lr' (<lrs>): 'abc' is not a double; see vecgrad train --help",
                value.err().strip());
        Result noData = run("train", "--dataset", "fashion-mnist", "--data", dir.toString());
        assertEquals(1, noData.code());
        assertTrue(noData.err().contains(dir + ": no Fashion-MNIST files here"), noData.err());
    }

    @Test
    void versionNamesVecgradTheJdkAndTheKernels() {
        for (String[] args : new String[][] {{"--version"}, {"demo", "-V"}, {"train", "--version"}, {"study", "gradient-norm", "-V"}}) {
            Result r = run(args);
            assertEquals(0, r.code(), r.err());
            List<String> lines = r.lines();
            assertTrue(lines.get(0).matches("vecgrad \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), lines.toString());
            assertTrue(lines.get(1).startsWith("JDK " + Runtime.version()), lines.toString());
            assertTrue(lines.get(2).startsWith("kernels: "), lines.toString());
        }
    }

    @Test
    void aCommandBuildsOnlyItsOwnModelAndTheUsageListsThemAll() {
        assertEquals(List.of("demo"), List.copyOf(Main.commandLine("demo").getSubcommands().keySet()));
        List<String> all = List.of("demo", "train", "predict", "translate", "graph", "study", "deblur", "ablate", "search");
        for (String first : new String[] {null, "--help", "trian"}) {
            assertEquals(all, List.copyOf(Main.commandLine(first).getSubcommands().keySet()), String.valueOf(first));
        }
        for (String[] args : new String[][] {{}, {"--help"}}) {
            Result r = run(args);
            assertEquals(0, r.code(), r.err());
            for (String c : all) {
                assertTrue(r.out().contains("\n  " + c + " "), Arrays.toString(args) + " lists " + c + ":\n" + r.out());
            }
        }
        String cores = "cores, " + Runtime.getRuntime().availableProcessors() + " here";
        System.clearProperty("vecgrad.cores");   // as in a fresh JVM, where no other command set it
        assertTrue(run("ablate", "--help").out().replaceAll("\\s+", " ").contains(cores), "ablate --help names the cores alone");
        assertTrue(run("train", "--help").out().replaceAll("\\s+", " ").contains(cores), "train --help names the cores");
        Result study = run("study");
        assertEquals(2, study.code(), "study without its sub-command is an error (no usage run to keep)");
        assertEquals("vecgrad study: Missing required subcommand; see vecgrad study --help", study.err().strip());
        Result typo = run("trian");   // the suggestion needs every command's model
        assertEquals(2, typo.code());
        assertEquals("vecgrad: Unmatched argument at index 0: 'trian' (did you mean translate or train?); see vecgrad --help",
                typo.err().strip());
    }

    @Test
    void everyOptionIsCheckedBeforeAnyWorkWithOneLineAndExitTwo() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        String[][] cases = {
            {"--model", "resnet", "--model: 'resnet' is not one of mlp, softmax, perceptron, adaline, linreg, cnn, seq2seq"},
            {"--optimizer", "foo", "--optimizer: 'foo' is not one of sgd, momentum, adam, adamw, rmsprop, adagrad, adadelta, adamax"},
            {"--activation", "swish", "--activation: 'swish' is not one of relu, leaky_relu, sigmoid, tanh, gelu"},
            {"--epochs", "0", "--epochs must be 1 to 1000000, got 0"},
            {"--batch-size", "0", "--batch-size must be >= 1, got 0"},
            {"--lr", "-0.003", "--lr must be a positive finite number, got -0.003"},
            {"--lr", "Infinity", "--lr must be a positive finite number, got Infinity"},
            {"--val-fraction", "NaN", "--val-fraction must be in [0, 1), got NaN"},
            {"--val-fraction", "-0.1", "--val-fraction must be in [0, 1), got -0.1"},
            {"--clip", "-1", "--clip must be a finite number >= 0 (0 is off), got -1.0"},
            {"--momentum", "-5", "--momentum must be in [0, 1), got -5.0"},
            {"--weight-decay", "-1", "--weight-decay must be a finite number >= 0, got -1.0"},
            {"--threads", "1000", "--threads must be 1 to 256, got 1000"},
            {"--hidden", "100000000", "--hidden widths must be 1 to 65536, got 100000000"},
            {"--out", file.toString(), "--out " + file + " is a file, not a folder"},
            {"--dropout", "1", "--dropout must be in [0, 1), got 1.0"},
        };
        for (String[] c : cases) {
            Result r = run("train", "--dataset", "moons", c[0], c[1]);
            assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
            assertEquals("vecgrad train: " + c[2], r.err().strip(), String.join(" ", c));
            assertEquals("", r.out(), "nothing printed before the error");
        }
        // the bound is the JVM's heap; where it could hold 68.7 GB the run would be allowed (and long): not tried there
        if (Runtime.getRuntime().maxMemory() < 68e9) {
            Result huge = run("train", "--hidden", "65536,65536");
            assertEquals(2, huge.code());
            assertTrue(huge.err().strip().startsWith("vecgrad train: --hidden 65536,65536 needs at least 68.7 GB (4295163904 parameters"),
                    huge.err());
            assertEquals(1, huge.err().strip().lines().count(), "one line");
        }
        Result demo = run("demo", "--epochs", "0");
        assertEquals(2, demo.code());
        assertEquals("vecgrad demo: --epochs must be 1 to 1000000, got 0", demo.err().strip());
    }

    @Test
    void aRunThatDivergesExitsFourAndKeepsTheLastGoodCheckpoint() throws Exception {
        Path out = dir.resolve("div");
        Result good = run("train", "--dataset", "moons", "--hidden", "8", "--epochs", "2", "--threads", "1", "--out", out.toString());
        assertEquals(0, good.code(), good.err());
        byte[] before = Files.readAllBytes(out.resolve("model.safetensors"));
        Result bad = run("train", "--dataset", "moons", "--hidden", "8", "--epochs", "2", "--threads", "1", "--optimizer", "sgd",
                "--lr", "1e30", "--out", out.toString(), "--overwrite");
        assertEquals(4, bad.code(), bad.out());
        assertTrue(bad.out().contains("the loss became NaN or infinite: training stopped (the learning rate 1.0E30 is the likely cause"),
                bad.out());
        assertTrue(bad.out().contains("kept the earlier checkpoint"), bad.out());
        assertArrayEquals(before, Files.readAllBytes(out.resolve("model.safetensors")), "the good checkpoint is untouched");
    }

    @Test
    void aRunNeverReplacesAnEarlierRunsFilesUnlessTold() throws Exception {
        Path out = dir.resolve("kept");
        String[] args = {"train", "--dataset", "moons", "--hidden", "8", "--epochs", "1", "--threads", "1", "--out", out.toString()};
        assertEquals(0, run(args).code());
        byte[] first = Files.readAllBytes(out.resolve("history.csv"));
        Result again = run(args);
        assertEquals(2, again.code(), "an --out holding a run is a bad option");
        assertEquals("vecgrad train: --out " + out + " already holds files: pass --overwrite to write the run's files into it"
                + " (replacing those of the same names), or choose another folder", again.err().strip());
        assertArrayEquals(first, Files.readAllBytes(out.resolve("history.csv")));
        List<String> withOverwrite = new java.util.ArrayList<>(List.of(args));
        withOverwrite.add("--overwrite");
        assertEquals(0, run(withOverwrite.toArray(String[]::new)).code());
        assertFalse(Files.exists(out.resolve(RunDirectory.STAGING)), "the runs left no staging folder");
        // Without --out, the default folder is numbered instead of replaced.
        CommonOptions common = new CommonOptions();
        Path base = dir.resolve("runs").resolve("demo");
        assertEquals(base, common.outDir(base));
        Files.createDirectories(base);
        assertEquals(base, common.outDir(base), "an empty folder is free");
        Files.writeString(base.resolve("history.csv"), "x");
        assertEquals(dir.resolve("runs").resolve("demo-2"), common.outDir(base));
        Files.createDirectories(dir.resolve("runs").resolve("demo-2"));
        Files.writeString(dir.resolve("runs").resolve("demo-2").resolve("model.safetensors"), "x");
        assertEquals(dir.resolve("runs").resolve("demo-3"), common.outDir(base));
    }

    @Test
    void anMlpWithDropoutTrainsAndItsCheckpointPredictsDeterministically() throws Exception {
        Path out = dir.resolve("dropout");
        Result r = run("train", "--dataset", "moons", "--hidden", "16,16", "--dropout", "0.2", "--epochs", "5", "--threads", "1", "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mlp 2-16-16-2 relu dropout 0.2"), r.out());
        Result p1 = run("predict", "--checkpoint", out.resolve("model.safetensors").toString());
        Result p2 = run("predict", "--checkpoint", out.resolve("model.safetensors").toString());
        assertEquals(0, p1.code(), p1.err());
        assertEquals(p1.out(), p2.out(), "eval mode: no unit is dropped at prediction");
        Path bnOut = dir.resolve("batchnorm");
        Result bn = run("train", "--dataset", "moons", "--hidden", "16,16", "--batchnorm", "--dropout", "0.1", "--epochs", "3", "--threads",
                "1", "--out", bnOut.toString());
        assertEquals(0, bn.code(), bn.err());
        assertTrue(bn.out().contains("mlp 2-16-16-2 relu batchnorm dropout 0.1"), bn.out());
        Result bnPredict = run("predict", "--checkpoint", bnOut.resolve("model.safetensors").toString());
        assertEquals(0, bnPredict.code(), "the running statistics are in the checkpoint and counted: " + bnPredict.err());
        Result softmax = run("train", "--dataset", "moons", "--model", "softmax", "--dropout", "0.2");
        assertEquals(2, softmax.code());
        assertTrue(softmax.err().strip().startsWith("vecgrad train: --dropout does not apply to --model softmax; it takes"), softmax.err());
    }
}
