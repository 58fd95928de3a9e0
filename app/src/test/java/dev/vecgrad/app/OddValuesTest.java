package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Option values that parse to nothing or repeat themselves are refused in one line, before any folder is made. */
class OddValuesTest {

    @TempDir
    Path dir;

    private void refused(String expected, String... args) {
        Path out = dir.resolve("out");
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--out";
        all[args.length + 1] = out.toString();
        CliTest.Result r = CliTest.run(all);
        assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
        assertEquals(expected, r.err().strip(), String.join(" ", args));
        assertEquals("", r.out(), "nothing done before the error");
        assertFalse(Files.exists(out), "no folder made");
    }

    @Test
    void emptyListsAreRefused() {
        refused("vecgrad train: --lr needs at least one rate, e.g. --lr 0.003", "train", "--dataset", "moons", "--lr", ",");
        refused("vecgrad train: --hidden needs at least one width, e.g. --hidden 128,64", "train", "--dataset", "moons", "--hidden", ",");
        refused("vecgrad ablate: --lrs needs at least one rate, e.g. --lrs 0.001,0.003", "ablate", "--dataset", "moons", "--vary",
                "activation=tanh", "--lrs", ",");
    }

    /** {@code --out ''} trained to the end, then failed and deleted all output. */
    @Test
    void anEmptyOutIsRefused() {
        CliTest.Result r = CliTest.run("train", "--dataset", "moons", "--out", "");
        assertEquals(2, r.code(), r.err());
        assertEquals("vecgrad train: --out is empty: name a folder (. for the current one)", r.err().strip());
        assertEquals("", r.out());
    }

    /** --keep best chooses on validation: a run without a validation split is refused before it trains. */
    @Test
    void keepNeedsAKnownChoiceAndBestAValidationSplit() throws Exception {
        refused("vecgrad train: --keep must be last or best, got 'first'", "train", "--dataset", "moons", "--keep", "first");
        refused("vecgrad train: --keep best chooses on the validation split: it needs one (--val-fraction > 0, not a logic gate or the"
                + " perceptron)", "train", "--dataset", "moons", "--keep", "best", "--val-fraction", "0");
        Path out = dir.resolve("best");
        CliTest.Result r = CliTest.run("train", "--dataset", "moons", "--samples", "300", "--hidden", "64,64", "--epochs", "12", "--lr",
                "0.03", "--batch-size", "16", "--keep", "best", "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String kept = r.out().lines().filter(l -> l.startsWith("kept the weights of epoch ")).findFirst().orElseThrow();
        String epoch = kept.substring("kept the weights of epoch ".length(), kept.indexOf(','));
        assertEquals(epoch, dev.vecgrad.models.io.SafeTensors.load(out.resolve("model.safetensors")).metadata()
                .get("vecgrad.weights_of_epoch"));
    }

    /** Without --dataset a model trains on data it takes: cnn failed on the default moons. */
    @Test
    void theDefaultDatasetFollowsTheModel() {
        for (String[] c : new String[][] {{"cnn", "fashion-mnist"}, {"linreg", "linreg"}, {"mlp", "moons"}, {"perceptron", "moons"}}) {
            assertEquals(c[1], TrainCommand.parse(java.util.List.of("--model", c[0])).toSpec(0.01).dataset(), c[0]);
        }
        assertEquals("xor", TrainCommand.parse(java.util.List.of("--model", "mlp", "--dataset", "xor", "--hidden", "4")).dataset,
                "a given --dataset is kept");
    }

    @Test
    void jsonIsRefusedWhereNoJsonIsPrinted() {
        refused("vecgrad train: --json: --model seq2seq prints no JSON lines yet; its history is in the run's folder", "train", "--model",
                "seq2seq", "--json");
    }

    @Test
    void countsReadAsEnglish() {
        assertEquals("1 job", TrainingRun.count(1, "job"));
        assertEquals("2 jobs", TrainingRun.count(2, "job"));
        assertEquals("0 epochs", TrainingRun.count(0, "epoch"));
    }

    @Test
    void aVariantGivenTwiceIsRefused() {
        refused("vecgrad ablate: --vary activation: 'tanh' is given twice", "ablate", "--dataset", "moons", "--vary",
                "activation=tanh,tanh");
    }
}
