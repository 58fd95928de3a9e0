package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./vecgrad graph: the notes' three graphs, their gradients, the picture, and bad input. */
class GraphCommandTest {

    @TempDir
    Path dir;

    private CliTest.Result graph(String... args) {
        return CliTest.run(java.util.stream.Stream.concat(java.util.stream.Stream.of("graph"), Arrays.stream(args))
                .toArray(String[]::new));
    }

    @Test
    void reluOfWxPlusBPrintsTheNotesGradients() throws Exception {
        Path out = dir.resolve("relu.dot");
        CliTest.Result r = graph("relu(w*x + b)", "--set", "w=2,x=3,b=1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("value = 7", "dw = 3", "dx = 2", "db = 1", "wrote " + out), r.lines());
        String dot = Files.readString(out);
        assertTrue(dot.contains("label=\"w\\n2\\ngrad 3\""), dot);
        assertTrue(dot.contains("label=\"relu\\n7\""), dot);
    }

    @Test
    void theSinglePathAndTheSharedWeightAgreeWithTheChainRuleByHand() {
        double w = 0.5;
        double x = 2;
        double y = 1;
        double o1 = 1 / (1 + Math.exp(-w * x));
        double single = 2 * (o1 - y) * o1 * (1 - o1) * x;
        CliTest.Result r = graph("(sigmoid(w1*x1) - y)^2", "--set", "w1=0.5,x1=2,y=1", "--wrt", "w1", "--out",
                dir.resolve("a.dot").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(single, Double.parseDouble(r.lines().get(1).substring("dw1 = ".length())), 1e-9);

        double a1 = o1;
        double a2 = Math.tanh(w * x);
        double o = 1 / (1 + Math.exp(-(a1 + a2)));
        double shared = 2 * (o - y) * o * (1 - o) * (a1 * (1 - a1) * x + (1 - a2 * a2) * x);
        r = graph("(sigmoid(sigmoid(w1*x1) + tanh(w1*x1)) - y)^2", "--set", "w1=0.5,x1=2,y=1", "--wrt", "w1", "--out",
                dir.resolve("b.dot").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(shared, Double.parseDouble(r.lines().get(1).substring("dw1 = ".length())), 1e-9);
    }

    @Test
    void vectorsPrecedenceAndSum() {
        CliTest.Result r = graph("sum(x^2) - 2*-x^2 / 4", "--set", "x=[1 2 3]", "--out", dir.resolve("v.dot").toString());
        assertEquals(2, r.code(), "a vector result must be summed: " + r.out());
        assertEquals("vecgrad graph: the expression has 3 values (shape [3]); wrap it in sum(...) to get one", r.err().strip());
        r = graph("sum(x^2 + 2*-x^2 / 4)", "--set", "x=[1 2 3]", "--out", dir.resolve("v.dot").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("value = 7", "dx = [1, 2, 3]"), r.lines().subList(0, 2), "d/dx (x^2 - x^2/2) = x");
    }

    @Test
    void badInputExitsWithTwoAndOneLineNamingTheProblem() {
        String[][] cases = {
            {"relu(w*x + ", "--set", "w=1,x=1", "column 12: the expression ends where a value was expected"},
            {"relu(w*x", "--set", "w=1,x=1", "column 9: expected ')' to close relu("},
            {"swish(w)", "--set", "w=1", "column 1: unknown function 'swish' (known: abs, exp, gelu, log, neg, relu, sigmoid, softplus,"
                    + " sqrt, sum, tanh)"},
            {"w ^ x", "--set", "w=1,x=1", "column 5: the exponent after '^' must be a number"},
            {"w * $", "--set", "w=1", "column 5: unexpected '$' where a value was expected"},
            {"w * x", "--set", "w=1", "no value for 'x': give it with --set x=..."},
            {"w", "--set", "w=1,z=2", "--set: 'z' is not in the expression (its names: w)"},
            {"w", "--set", "w=abc", "--set: the value of 'w' is not a finite number or [n n ...]: 'abc'"},
            {"w", "--set", "w=1", "--wrt", "q", "--wrt: 'q' is not in the expression (its names: w)"},
            {"w", "--set", "w=1", "--out", "picture.jpg", "--out: 'picture.jpg' must end in .png, .svg or .dot"},
        };
        for (String[] c : cases) {
            String[] args = Arrays.copyOf(c, c.length - 1);
            CliTest.Result r = c[c.length - 1].startsWith("--out") ? graph(args) : graph(append(args, "--out", dir.resolve("x.dot").toString()));
            assertEquals(2, r.code(), Arrays.toString(c) + ": " + r.out() + r.err());
            assertEquals("vecgrad graph: " + c[c.length - 1], r.err().strip(), Arrays.toString(c));
            assertEquals("", r.out(), "nothing printed before the error");
        }
        assertFalse(Files.exists(dir.resolve("x.dot")), "nothing written");
    }

    /** Expressions nested or chained past what the parser and the evaluation's recursion can hold: one line, no stack trace. */
    @Test
    void deepAndLongExpressionsAreRefusedInOneLine() {
        String[][] cases = {
            {"(".repeat(2000) + "w" + ")".repeat(2000), "column 101: nested more than 100 levels deep"},
            {"relu(".repeat(5000) + "w" + ")".repeat(5000), "nested more than 100 levels deep"},
            {"0 + " + "-".repeat(100_000) + "w", "nested more than 100 levels deep"},
            {"w" + " + w".repeat(20_000), "more than 500 operations in one expression"},
        };
        for (String[] c : cases) {
            CliTest.Result r = graph(c[0], "--set", "w=1", "--out", dir.resolve("deep.dot").toString());
            assertEquals(2, r.code(), c[1] + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("vecgrad graph: column ") && r.err().strip().endsWith(c[1]), r.err());
        }
        // the limits themselves are fine
        CliTest.Result ok = graph("(".repeat(100) + "w" + ")".repeat(100) + " + w".repeat(499), "--set", "w=1", "--out",
                dir.resolve("ok.dot").toString());
        assertEquals(0, ok.code(), ok.err());
        CliTest.Result big = graph("--mlp", "40000,40000", "--out", dir.resolve("mlp.dot").toString());
        assertEquals(2, big.code(), big.err());
        assertTrue(big.err().startsWith("vecgrad graph: --mlp 40000,40000 needs about 38.4 GB"), big.err());
        assertFalse(Files.exists(dir.resolve("mlp.dot")), "nothing written");
    }

    private static String[] append(String[] a, String... more) {
        String[] out = Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, out, a.length, more.length);
        return out;
    }

    @Test
    void aPngWhenGraphvizIsThereElseTheDotFileAndHowToRenderIt() throws Exception {
        Path png = dir.resolve("g.png");
        boolean haveDot = Packages.findOnPath("dot") != null;
        CliTest.Result r = graph("relu(w*x + b)", "--set", "w=2,x=3,b=1", "--out", png.toString(), "--no-install");
        assertEquals(0, r.code(), r.err());
        if (haveDot) {
            byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head);
        } else {
            assertTrue(Files.exists(dir.resolve("g.dot")));
            assertTrue(r.out().contains("render it with: dot -Tpng"), r.out());
        }
        Assumptions.assumeTrue(haveDot, "Graphviz is not installed: the PNG path was not exercised");
    }

    @Test
    void aNetworksStepIsDrawnCollapsedWithParameterNames() throws Exception {
        Path out = dir.resolve("mlp.dot");
        CliTest.Result r = graph("--mlp", "784,128,64,10", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.lines().get(0).contains("22 nodes, 21 edges"), r.out());
        String dot = Files.readString(out);
        assertTrue(dot.contains("label=\"stack.0.weight\\n[128, 784]\\ngrad [128, 784]\""), dot);
        assertTrue(dot.contains("label=\"input\\n[64, 784]\""), dot);
        assertTrue(dot.contains("label=\"nll\\n[64]\""), dot);
        assertEquals(2, graph("relu(w)", "--mlp", "4,2", "--set", "w=1").code(), "an expression or --mlp, not both");
    }

    @Test
    void theGradientNormStudyWritesItsPictureAndNumbers() throws Exception {
        Path out = dir.resolve("study");
        CliTest.Result r = CliTest.run("study", "gradient-norm", "--steps", "20", "--hidden", "8", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("rnn tanh"), r.out());
        byte[] head = Arrays.copyOf(Files.readAllBytes(out.resolve("gradient-norm.png")), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);
        List<String> csv = Files.readAllLines(out.resolve("gradient-norm.csv"));
        assertEquals("measure,cell,x,norm", csv.get(0));
        assertEquals(1 + 4 * 20 + 4 * 2 * 4, csv.size(), "20 steps and 4 lengths (2, 5, 10, 20) per cell, raw and clipped");
        assertEquals(2, CliTest.run("study", "gradient-norm", "--steps", "1").code());
    }

    @Test
    void aTranslatorTrainsFromTheCommandLineAndTranslatesWithItsHeatmap() throws Exception {
        Path out = dir.resolve("s2s");
        CliTest.Result r = CliTest.run("train", "--model", "seq2seq", "--dataset", "dates", "--samples", "300", "--epochs", "1",
                "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test exact match"), r.out());
        assertTrue(Files.exists(out.resolve("model.safetensors")) && Files.exists(out.resolve("attention.png")));
        Path png = dir.resolve("t.png");
        CliTest.Result t = CliTest.run("translate", "--checkpoint", out.resolve("model.safetensors").toString(), "3 de mayo de 2001",
                "--out", png.toString());
        assertEquals(0, t.code(), t.err());
        assertEquals(2, t.lines().size(), t.out());
        assertTrue(t.lines().get(0).matches("3 de mayo de 2001 -> .* \\(confidence [0-9]+%\\).*"), t.out());
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(Files.readAllBytes(png), 4));
        // many texts in one call, from the command line and a file; an output outside 1950-2049 or unsure is flagged
        Path texts = dir.resolve("texts.txt");
        Files.writeString(texts, "12 de octubre de 1492\n\nNov 27, 2026\n");
        CliTest.Result many = CliTest.run("translate", "--checkpoint", out.resolve("model.safetensors").toString(), "1999/05/03",
                "3 de mayo de 2001", "--input", texts.toString(), "--out", dir.resolve("many.png").toString());
        assertEquals(0, many.code(), many.err());
        assertEquals(5, many.lines().size(), "four texts and the heatmap: " + many.out());
        assertTrue(many.lines().get(2).startsWith("12 de octubre de 1492 -> "), many.out());
        assertTrue(many.out().contains("wrote " + dir.resolve("many.png") + " (the first text's attention)"), many.out());
        // one epoch on 300 dates: unsure of everything
        assertTrue(many.lines().subList(0, 4).stream().allMatch(l -> l.contains("; unsure") || l.contains("outside what it learned")),
                many.out());
        assertTrue(TranslateCommand.Task.of(java.util.Map.of("vecgrad.dataset", "dates"), "0123456789-").learned("2049-12-31"));
        for (String wrong : new String[] {"2050-01-01", "1903-09-19", "2001-02-30", "12-10-1492", ""}) {
            assertTrue(!TranslateCommand.Task.of(java.util.Map.of(), "0123456789-").learned(wrong), wrong);
        }
        TranslateCommand.Task dates = TranslateCommand.Task.of(java.util.Map.of(), "0123456789-");
        assertTrue(!dates.plausibleInput("12 de octubre de 1492") && dates.plausibleInput("Nov 27, 2026") && dates.plausibleInput("27/11/2026"));
        TranslateCommand.Task numbers = TranslateCommand.Task.of(java.util.Map.of(), "0123456789");
        assertTrue(numbers.learned("0") && numbers.learned("999999") && !numbers.learned("1000000") && !numbers.learned("0000"));
        CliTest.Result none = CliTest.run("translate", "--checkpoint", out.resolve("model.safetensors").toString());
        assertEquals(2, none.code());
        assertEquals("vecgrad translate: give a TEXT, or --input FILE with one text per line", none.err().strip());
        CliTest.Result bad = CliTest.run("train", "--model", "seq2seq", "--dataset", "moons");
        assertEquals(2, bad.code());
        assertEquals("vecgrad train: --dataset for seq2seq: dates or numbers, got 'moons'", bad.err().strip());
        assertEquals(2, CliTest.run("train", "--model", "seq2seq", "--dataset", "numbers", "--samples", "5").code());
    }

    @Test
    void predictRebuildsACnnFromItsCheckpointAndReadsImageRows() throws Exception {
        dev.vecgrad.models.zoo.ModelSpec spec = dev.vecgrad.models.zoo.ModelSpec.of("cnn", 28, 4, 8, 16, 10);
        assertEquals(784, spec.inputs());
        Path ckpt = dir.resolve("cnn.safetensors");
        java.util.Map<String, String> meta = new java.util.LinkedHashMap<>(spec.toMetadata());
        meta.put("vecgrad.classes", "a|b|c|d|e|f|g|h|i|j");
        dev.vecgrad.models.io.Checkpoints.save(ckpt, spec.build(new java.util.Random(0)), meta);
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < 784; i++) {
            row.append(i == 0 ? "" : ",").append((i % 7) / 7.0);
        }
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, row + "\n" + row + "\n");
        CliTest.Result r = CliTest.run("predict", "--checkpoint", ckpt.toString(), "--input", csv.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(3, r.lines().size(), r.out());
        assertTrue(r.lines().get(1).startsWith("#0  predicted "), r.out());
    }

    @Test
    void deblurComparesTheBlindNetworkWithTheClassicalBaselines() throws Exception {
        CliTest.Result bad = CliTest.run("deblur", "--train", "5");
        assertEquals(2, bad.code());
        assertEquals("vecgrad deblur: --train must be 100 to 60000", bad.err().strip());
        for (String[] args : new String[][] {{"--noise", "-0.1"}, {"--noise", "NaN"}, {"--quick", "--train", "60000"},
                {"--quick", "--epochs", "3", "--width", "32"}, {"--depth", "3"}, {"--batch", "0"}, {"--kernel-size", "29"},
                {"--kernel-size", "8"}, {"--quick", "--kernel-size", "0"}, {"--quick", "--json"}}) {
            CliTest.Result r = CliTest.run(Stream.concat(Stream.of("deblur"), Arrays.stream(args)).toArray(String[]::new));
            assertEquals(2, r.code(), Arrays.toString(args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("vecgrad deblur: --"), r.err());
            assertEquals("", r.out(), "no work before the error");
        }
        assertTrue(CliTest.run("deblur", "--quick", "--train", "600").err().contains("drop --train or --quick"));
        assertEquals("vecgrad deblur: --kernel-size 29 is larger than the 28x28 images",
                CliTest.run("deblur", "--kernel-size", "29").err().strip());
        Assumptions.assumeTrue(dev.vecgrad.models.data.FashionMnist.isPresent(dev.vecgrad.models.data.FashionMnist.SYSTEM_DIR),
                "Fashion-MNIST is not installed: the deblur run was not exercised");
        Path out = dir.resolve("deblur");
        CliTest.Result r = CliTest.run("deblur", "--quick", "--threads", "1", "--no-install", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> csv = Files.readAllLines(out.resolve("deblur.csv"));
        assertEquals(7, csv.size(), "a header and six methods: " + csv);
        assertTrue(csv.get(4).startsWith("\"TV (given the kernel)\","), csv.toString());
        assertTrue(csv.get(5).startsWith("\"network (given the kernel)\","), csv.toString());
        assertTrue(csv.get(6).startsWith("\"network (blind)\","), csv.toString());
        assertTrue(r.out().contains("the blind network "), "it says where the network stands: " + r.out());
        assertTrue(r.out().contains("the network given the kernel "), "and where the one given the kernel stands: " + r.out());
        assertTrue(r.out().matches("(?s).*U-Net \\(blind\\)  epoch 1/1  train mse [0-9.]+  [0-9.]+ s  live heap [0-9]+ MiB.*"), r.out());
        assertTrue(csv.get(0).contains(",psnr_gaussian,ssim_gaussian,psnr_motion,ssim_motion,psnr_disc,ssim_disc,psnr_minus_network,ci_low,"
                + "ci_high,network_wins"), csv.get(0));
        // every restoration, for anyone to recompute the table: the TV row's PSNR from the file
        var saved = dev.vecgrad.models.io.SafeTensors.load(out.resolve("restorations.safetensors"));
        assertEquals(List.of("sharp", "blurred", "kernels", "wiener", "rl", "tv", "network_nonblind", "network"),
                List.copyOf(saved.tensors().keySet()));
        assertArrayEquals(new int[] {20, 9, 9}, saved.tensors().get("kernels").shape());
        float[] sharp = saved.tensors().get("sharp").toFloatArray();
        float[] tv = saved.tensors().get("tv").toFloatArray();
        double sum = 0;
        for (int i = 0; i < 20; i++) {
            double mse = 0;
            for (int j = 0; j < 784; j++) {
                double d = tv[i * 784 + j] - sharp[i * 784 + j];
                mse += d * d / 784;
            }
            sum += 10 * Math.log10(1 / mse) / 20;
        }
        assertEquals(Double.parseDouble(csv.get(4).split(",")[1]), sum, 1e-3, "TV's PSNR recomputed from restorations.safetensors");
        assertTrue(Files.readString(out.resolve("deblur.json")).contains("\"Wiener (given the kernel)\": {\"psnr_db\": "));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(Files.readAllBytes(out.resolve("grid.png")), 4));
        // predict restores the same test images as deblur did, with either network
        for (String[] model : new String[][] {{"model.safetensors", "6"}, {"model_nonblind.safetensors", "5"}}) {
            CliTest.Result p = CliTest.run("predict", "--checkpoint", out.resolve(model[0]).toString(), "--limit", "20");
            assertEquals(0, p.code(), p.err());
            String network = csv.get(Integer.parseInt(model[1])).split(",")[1];
            assertTrue(p.out().contains(String.format(java.util.Locale.ROOT, "-> %.2f dB", Double.parseDouble(network))),
                    model[0] + ": " + p.out() + " vs " + network);
        }
    }

    /** An earlier picture is never replaced: the default name is numbered, an existing --out needs --overwrite. */
    @Test
    void anEarlierPictureIsNeverReplaced() throws Exception {
        Path first = dir.resolve("runs").resolve("graph.png");
        assertEquals(first, CommonOptions.freeFile(first));
        Files.createDirectories(first.getParent());
        Files.writeString(first, "earlier");
        assertEquals(dir.resolve("runs").resolve("graph-2.png"), CommonOptions.freeFile(first));
        Files.writeString(dir.resolve("runs").resolve("graph-2.png"), "earlier too");
        assertEquals(dir.resolve("runs").resolve("graph-3.png"), CommonOptions.freeFile(first));

        Path dot = dir.resolve("mine.dot");
        Files.writeString(dot, "mine");
        CliTest.Result r = CliTest.run("graph", "x*y", "--set", "x=2,y=3", "--out", dot.toString());
        assertEquals(2, r.code());
        assertEquals("vecgrad graph: --out " + dot + " exists: pass --overwrite to replace it, or choose another name", r.err().strip());
        assertEquals("mine", Files.readString(dot));
        assertEquals(0, CliTest.run("graph", "x*y", "--set", "x=2,y=3", "--out", dot.toString(), "--overwrite").code());
        assertTrue(Files.readString(dot).startsWith("digraph"), "replaced when told");
    }
}
