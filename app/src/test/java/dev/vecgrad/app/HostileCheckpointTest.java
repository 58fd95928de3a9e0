package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.io.SafeTensors;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small checkpoints whose metadata lies (sizes of gigabytes, numbers that are not numbers) are
 * refused by translate and predict in one line that names the file and the entry, before any
 * model is built or data generated: a few-byte file must not cost gigabytes.
 */
class HostileCheckpointTest {

    @TempDir
    Path dir;

    private Path file(String name, Map<String, String> meta) throws Exception {
        Path f = dir.resolve(name);
        SafeTensors.save(f, Map.of("w", Tensor.zeros(DType.F32, 3)), meta);
        return f;
    }

    private static void refused(CliTest.Result r, Path f, String... fragments) {
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(f.toString()), "names the file: " + r.err());
        for (String s : fragments) {
            assertTrue(r.err().contains(s), "says " + s + ": " + r.err());
        }
        assertEquals("", r.out(), "nothing done: " + r.out());
    }

    @Test
    void translateRefusesSizesTheFileCannotHold() throws Exception {
        Map<String, String> meta = new HashMap<>(Map.of("vecgrad.model", "seq2seq", "vecgrad.seq2seq.source", "0123456789",
                "vecgrad.seq2seq.target", "0123456789", "vecgrad.seq2seq.sizes", "4000,4000,4000,4000"));
        Path f = file("forged.safetensors", meta);
        long before = usedHeap();
        refused(CliTest.run("translate", "--checkpoint", f.toString(), "12"), f, "vecgrad.seq2seq.sizes '4000,4000,4000,4000' describe",
                "the file's tensors hold 3 values");
        assertTrue(usedHeap() - before < 256L << 20, "no model built: " + ((usedHeap() - before) >> 20) + " MiB more in use");
        meta.put("vecgrad.seq2seq.sizes", "abc");
        Path g = file("abc.safetensors", meta);
        refused(CliTest.run("translate", "--checkpoint", g.toString(), "12"), g, "vecgrad.seq2seq.sizes 'abc' is not four positive");
    }

    @Test
    void predictNamesTheBadEntryOfADeblurCheckpoint() throws Exception {
        Path f = file("unet.safetensors", Map.of("vecgrad.model", "unet-deblur", "vecgrad.width", "3000"));
        refused(CliTest.run("predict", "--checkpoint", f.toString()), f, "metadata vecgrad.width is '3000', not a whole number from 1 to 256");
        Path g = file("unet2.safetensors", Map.of("vecgrad.model", "unet-deblur", "vecgrad.noise", "abc"));
        refused(CliTest.run("predict", "--checkpoint", g.toString()), g, "metadata vecgrad.noise is 'abc'");
        Path h = file("unet3.safetensors", Map.of("vecgrad.model", "unet-deblur", "vecgrad.width", "256"));
        refused(CliTest.run("predict", "--checkpoint", h.toString()), h, "width 256, depth 2) of 29777153 values, the tensors hold 3: metadata and weights disagree");
    }

    @Test
    void predictNamesTheBadDatasetEntryAndPointsSeq2SeqToTranslate() throws Exception {
        Path f = file("seq.safetensors", Map.of("vecgrad.model", "seq2seq"));
        refused(CliTest.run("predict", "--checkpoint", f.toString()), f, "./vecgrad translate --checkpoint");
        CliTest.Result split = CliTest.run("predict", "--checkpoint", f.toString(), "--split", "x");
        assertEquals(2, split.code(), split.err());
        assertEquals("vecgrad predict: --split must be test or train, got 'x'", split.err().strip());
    }

    @Test
    void predictNamesABadDatasetEntryBeforeGeneratingTheData() throws Exception {
        Path run = dir.resolve("run");
        CliTest.Result t = CliTest.run("train", "--model", "mlp", "--dataset", "moons", "--samples", "100", "--hidden", "4", "--epochs", "1",
                "--threads", "1", "--out", run.toString());
        assertEquals(0, t.code(), t.err());
        SafeTensors.Contents c = SafeTensors.load(run.resolve("model.safetensors"));
        for (String[] bad : new String[][] {{"vecgrad.dataset.samples", "abc"}, {"vecgrad.dataset.samples", "2e9"},
                {"vecgrad.dataset.samples", "100000000"}, {"vecgrad.dataset.noise", "NaN"}, {"vecgrad.dataset.seed", "x"}}) {
            Map<String, String> meta = new HashMap<>(c.metadata());
            meta.put(bad[0], bad[1]);
            Path f = dir.resolve("forged-" + bad[0] + ".safetensors");
            SafeTensors.save(f, c.tensors(), meta);
            CliTest.Result r = CliTest.run("predict", "--checkpoint", f.toString());
            assertEquals(1, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().contains(f + ": " + bad[0] + " '" + bad[1] + "' is not"), r.err());
        }
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
