package dev.vecgrad.models.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.LiveHeap;
import dev.vecgrad.models.data.Translation;
import dev.vecgrad.models.io.Checkpoints;
import dev.vecgrad.models.optim.Optimizer;
import dev.vecgrad.models.optim.Optimizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The translation tasks and the attention model: data, learning, attention weights, checkpoints, memory. */
class Seq2SeqTest {

    @TempDir
    Path dir;

    @Test
    void spanishNumberWordsFollowTheGrammar() {
        Map<Integer, String> cases = Map.of(312, "trescientos doce", 0, "cero", 100, "cien", 101, "ciento uno", 1000, "mil",
                21_000, "veintiún mil", 31_001, "treinta y un mil uno", 500_016, "quinientos mil dieciséis", 999_999,
                "novecientos noventa y nueve mil novecientos noventa y nueve", 1_100, "mil cien");
        cases.forEach((v, words) -> assertEquals(words, Translation.spanish(v), "" + v));
        assertEquals("27 de noviembre de 2026", Translation.writeDate(java.time.LocalDate.of(2026, 11, 27), 0));
        assertEquals("Friday, November 27, 2026", Translation.writeDate(java.time.LocalDate.of(2026, 11, 27), 7));
    }

    @Test
    void splitsShareNoValue() {
        for (Translation.Splits s : List.of(Translation.dates(2000, 3), Translation.numbers(2000, 3))) {
            Set<String> train = new HashSet<>();
            s.train().forEach(p -> train.add(p.target()));
            s.validation().forEach(p -> assertTrue(!train.contains(p.target()), p.toString()));
            s.test().forEach(p -> assertTrue(!train.contains(p.target()), p.toString()));
            assertEquals(2000, s.train().size() + s.validation().size() + s.test().size());
        }
        assertThrows(IllegalArgumentException.class, () -> Translation.dates(40_000, 0));
    }

    private static Seq2Seq small(Translation.Splits s) {
        List<String> src = new ArrayList<>();
        List<String> tgt = new ArrayList<>();
        for (Translation.Pair p : s.train()) {
            src.add(p.source());
            tgt.add(p.target());
        }
        return new Seq2Seq(Seq2Seq.Vocabulary.of(src), Seq2Seq.Vocabulary.of(tgt), 16, 32, 48, 32, new Random(1));
    }

    @Test
    void itLearnsABatchAttendsOverTheSourceAndLoadsBackFromACheckpoint() throws Exception {
        Translation.Splits s = Translation.dates(400, 5);
        Seq2Seq model = small(s);
        List<Translation.Pair> batch = s.train().subList(0, 32);
        Optimizer opt = new Optimizers.Adam(model.parameters(), 0.01);
        double first = 0;
        double last = 0;
        for (int step = 0; step < 60; step++) {
            opt.zeroGrad();
            Tensor loss = model.loss(batch);
            loss.backward();
            opt.step();
            first = step == 0 ? loss.item() : first;
            last = loss.item();
        }
        assertTrue(last < first / 5, "the loss falls on a fixed batch: " + first + " -> " + last);
        Seq2Seq.Result r = model.translate(batch.get(0).source(), 12);
        for (double[] row : r.attention()) {
            assertEquals(batch.get(0).source().length() + 1, row.length, "one weight per source character and EOS");
            assertEquals(1, java.util.Arrays.stream(row).sum(), 1e-5, "a softmax over the source");
        }
        assertTrue(r.confidence() > 0 && r.confidence() <= 1, "the probability of the output: " + r.confidence());
        Path f = dir.resolve("s2s.safetensors");
        Checkpoints.save(f, model, model.metadata());
        Seq2Seq again = Seq2Seq.fromMetadata(Checkpoints.load(f, Seq2Seq.fromMetadata(model.metadata())));
        Checkpoints.load(f, again);
        List<String> sources = batch.stream().map(Translation.Pair::source).toList();
        assertEquals(model.translate(sources, 12), again.translate(sources, 12));
        assertTrue(model.stateDict().containsKey("attention.key.weight") && model.stateDict().containsKey("encoder.rnn.weight_hh_l0_reverse"),
                model.stateDict().keySet().toString());
    }

    @Test
    void theLiveHeapStaysFlatOverAHundredTrainingSteps() {
        Translation.Splits s = Translation.dates(400, 6);
        Seq2Seq model = small(s);
        Optimizer opt = new Optimizers.Adam(model.parameters(), 0.003);
        long before = 0;
        for (int step = 0; step < 120; step++) {
            if (step == 20) {
                before = LiveHeap.bytes();
            }
            opt.zeroGrad();
            model.loss(s.train().subList((step * 16) % 300, (step * 16) % 300 + 16)).backward();
            opt.step();
        }
        long after = LiveHeap.bytes();
        assertTrue(after - before < 4 << 20, "live heap grew from " + before + " to " + after + " over 100 steps");
    }
}
