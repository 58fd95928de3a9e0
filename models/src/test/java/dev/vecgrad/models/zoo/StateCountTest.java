package dev.vecgrad.models.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The state counts readers compare with a checkpoint's tensors before building a model from its
 * metadata equal the models' actual state dicts, and forged sizes are refused before anything
 * is allocated.
 */
class StateCountTest {

    private static long values(Module m) {
        return m.stateDict().values().stream().mapToLong(Tensor::numel).sum();
    }

    @Test
    void uNetCountsItsStateWithoutBuildingIt() {
        for (int[] c : new int[][] {{1, 8, 1}, {1, 16, 2}, {2, 16, 2}, {3, 5, 3}}) {
            assertEquals(values(new UNet(c[0], c[1], c[2], new Random(0))), UNet.stateCount(c[0], c[1], c[2]), java.util.Arrays.toString(c));
        }
        assertThrows(IllegalArgumentException.class, () -> UNet.stateCount(1, 4096, 2));
    }

    @Test
    void seq2SeqCountsItsStateAndRefusesSizesItsFileCannotHold() {
        Seq2Seq.Vocabulary src = new Seq2Seq.Vocabulary("0123456789/ de");
        Seq2Seq.Vocabulary tgt = new Seq2Seq.Vocabulary("0123456789-");
        for (int[] s : new int[][] {{8, 16, 24, 12}, {3, 5, 7, 2}}) {
            Seq2Seq m = new Seq2Seq(src, tgt, s[0], s[1], s[2], s[3], new Random(0));
            assertEquals(values(m), Seq2Seq.stateCount(src.size(), tgt.size(), s[0], s[1], s[2], s[3]));
            assertEquals(values(m), values(Seq2Seq.fromMetadata(m.metadata(), values(m))), "the exact count is accepted");
        }
        Map<String, String> forged = new HashMap<>(new Seq2Seq(src, tgt, 3, 5, 7, 2, new Random(0)).metadata());
        forged.put("vecgrad.seq2seq.sizes", "4000,4000,4000,4000");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Seq2Seq.fromMetadata(forged, 1234));
        assertTrue(e.getMessage().startsWith("vecgrad.seq2seq.sizes '4000,4000,4000,4000' describe "), e.getMessage());
        forged.put("vecgrad.seq2seq.sizes", "20000,20000,20000,20000");
        assertThrows(IllegalArgumentException.class, () -> Seq2Seq.fromMetadata(forged, 1234));
        for (String bad : new String[] {"abc", "1,2,3", "1,2,3,0", "1,2,,4", "2e9,1,1,1"}) {
            forged.put("vecgrad.seq2seq.sizes", bad);
            IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> Seq2Seq.fromMetadata(forged, 1234));
            assertTrue(b.getMessage().startsWith("vecgrad.seq2seq.sizes '" + bad + "' is not four positive whole numbers"), b.getMessage());
        }
    }
}
