package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every option of {@code train} with every model: applied, or refused in one line naming what the
 * model takes. Options were accepted and ignored (seq2seq trained the same 187,919 parameters
 * whatever --hidden, --optimizer or --batchnorm said; the CNN ignored --hidden).
 */
class ModelOptionsTest {

    @TempDir
    Path dir;

    /** Each model-dependent option of train with a value it accepts. */
    private static final Map<String, List<String>> VALUES = new LinkedHashMap<>();

    static {
        VALUES.put("--samples", List.of("--samples", "300"));
        VALUES.put("--noise", List.of("--noise", "0.1"));
        VALUES.put("--hidden", List.of("--hidden", "8,8"));
        VALUES.put("--activation", List.of("--activation", "tanh"));
        VALUES.put("--batchnorm", List.of("--batchnorm"));
        VALUES.put("--dropout", List.of("--dropout", "0.1"));
        VALUES.put("--output", List.of("--output", "none"));
        VALUES.put("--loss", List.of("--loss", "auto"));
        VALUES.put("--optimizer", List.of("--optimizer", "sgd"));
        VALUES.put("--lr", List.of("--lr", "0.01"));
        VALUES.put("--momentum", List.of("--momentum", "0.8"));
        VALUES.put("--weight-decay", List.of("--weight-decay", "0.0001"));
        VALUES.put("--batch-size", List.of("--batch-size", "32"));
        VALUES.put("--val-fraction", List.of("--val-fraction", "0.2"));
        VALUES.put("--schedule", List.of("--schedule", "cosine"));
        VALUES.put("--clip", List.of("--clip", "1"));
        VALUES.put("--early-stopping", List.of("--early-stopping", "2"));
        VALUES.put("--keep", List.of("--keep", "last"));
        VALUES.put("--embedding", List.of("--embedding", "8"));
        VALUES.put("--attention", List.of("--attention", "8"));
    }

    private static final Map<String, String> DATASET = Map.of("mlp", "moons", "softmax", "moons", "perceptron", "moons", "adaline",
            "moons", "linreg", "linreg", "cnn", "fashion-mnist", "seq2seq", "dates");

    @Test
    void everyOptionAppliesToTheModelOrIsRefused() {
        assertEquals(VALUES.keySet().stream().sorted().toList(), TrainCommand.MODEL_OPTIONS.values().stream().flatMap(List::stream)
                .distinct().sorted().toList(), "the test walks every model-dependent option");
        int refused = 0;
        for (String model : DATASET.keySet()) {
            List<String> takes = TrainCommand.MODEL_OPTIONS.get(model);
            for (Map.Entry<String, List<String>> option : VALUES.entrySet()) {
                List<String> args = new ArrayList<>(List.of("--model", model, "--dataset", DATASET.get(model)));
                args.addAll(option.getValue());
                String problem;
                try {
                    TrainCommand.parse(args);
                    problem = null;
                } catch (IllegalArgumentException e) {
                    problem = e.getMessage();
                }
                String o = option.getKey();
                boolean dataOption = o.equals("--samples") || o.equals("--noise");
                boolean fixedData = DATASET.get(model).equals("fashion-mnist") || (model.equals("seq2seq") && o.equals("--noise"));
                if (!takes.contains(o)) {
                    refused++;
                    assertTrue(problem != null && problem.startsWith(o + " does not apply to --model " + model + "; it takes "),
                            model + " " + o + ": " + problem);
                } else if (dataOption && fixedData) {
                    refused++;
                    assertTrue(problem != null && problem.startsWith(o + " does not apply to --dataset " + DATASET.get(model)),
                            model + " " + o + ": " + problem);
                } else {
                    assertTrue(problem == null || !problem.contains("does not apply"), model + " " + o + " applies: " + problem);
                }
            }
        }
        assertTrue(refused > 40, "most model-specific options are refused somewhere: " + refused);
        CliTest.Result r = CliTest.run("train", "--model", "cnn", "--hidden", "64");
        assertEquals(2, r.code());
        assertEquals("vecgrad train: --hidden does not apply to --model cnn; it takes --samples, --noise, --loss, --optimizer, --lr,"
                + " --momentum, --weight-decay, --batch-size, --val-fraction, --schedule, --clip, --early-stopping, --keep (besides"
                + " --dataset, --epochs, --seed, --out, ...)", r.err().strip());
    }

    /** A model given a dataset it cannot train on is a bad option (exit 2, before the data is read); it exited 1 after loading. */
    @Test
    void aDatasetTheModelCannotTrainOnIsABadOption() {
        for (String[] c : new String[][] {
            {"cnn", "moons", "vecgrad train: --model cnn needs square images with classes: --dataset fashion-mnist, got moons"},
            {"linreg", "moons", "vecgrad train: --model linreg needs a regression dataset: --dataset linreg, got moons"},
            {"adaline", "blobs", "vecgrad train: --model adaline needs two classes: --dataset one of moons, xor, and, or, got blobs"},
            {"softmax", "linreg", "vecgrad train: --model softmax needs class labels: --dataset one of fashion-mnist, moons, blobs, xor,"
                    + " and, or, got linreg"}}) {
            CliTest.Result r = CliTest.run("train", "--model", c[0], "--dataset", c[1], "--out", dir.resolve(c[0]).toString());
            assertEquals(2, r.code(), r.err());
            assertEquals(c[2], r.err().strip());
            assertTrue(!java.nio.file.Files.exists(dir.resolve(c[0])), "no folder made");
        }
    }

    @Test
    void seq2seqTrainsTheSizesItIsGiven() {
        CliTest.Result small = CliTest.run("train", "--model", "seq2seq", "--samples", "200", "--epochs", "1", "--hidden", "8,16",
                "--embedding", "4", "--attention", "8", "--threads", "1", "--out", dir.resolve("small").toString());
        assertEquals(0, small.code(), small.err());
        String line = small.out().lines().filter(l -> l.startsWith("seq2seq with attention")).findFirst().orElseThrow();
        assertNotEquals(-1, line.indexOf(" parameters"), line);
        assertTrue(!line.contains("187919") && !line.contains("187,919"), "not the default network: " + line);
        CliTest.Result bad = CliTest.run("train", "--model", "seq2seq", "--hidden", "64", "--out", dir.resolve("bad").toString());
        assertEquals(2, bad.code());
        assertEquals("vecgrad train: --hidden for seq2seq: the encoder's and the decoder's LSTM sizes, two numbers from 1 to 4096 (e.g."
                + " 64,128), got [64]", bad.err().strip());
        assertTrue(!java.nio.file.Files.exists(dir.resolve("bad")), "refused before its folder is made");
    }
}
