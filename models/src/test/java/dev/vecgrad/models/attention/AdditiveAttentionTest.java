package dev.vecgrad.models.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Additive attention: weights over the keys that are not padding, the context their weighted sum, Seq2Seq's parameter names. */
class AdditiveAttentionTest {

    @Test
    void paddingGetsNoWeightAndTheContextIsTheWeightedSum() {
        Random rng = new Random(2);
        AdditiveAttention a = new AdditiveAttention(3, 4, 5, DType.F64, rng);
        assertEquals(List.of("query.weight", "key.weight", "v.weight"), List.copyOf(a.stateDict().keySet()));
        Tensor keys = Tensor.randn(rng, DType.F64, 2, 3, 4);
        Tensor q = Tensor.randn(rng, DType.F64, 2, 3);
        Tensor padding = Tensor.of(new double[] {0, 0, 1, 1, 1, 1}, 2, 3);   // row 0: two keys; row 1: padding only
        AdditiveAttention.Output o = a.attend(q, keys, a.projectKeys(keys), padding);
        double[] w = o.weights().toDoubleArray();
        assertEquals(1, w[0] + w[1], 1e-12);
        assertEquals(0, w[2], 0, "a padded key gets no weight");
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, java.util.Arrays.copyOfRange(w, 3, 6), 1e-12,
                "padding alone: uniform, not NaN");
        double[] k = keys.toDoubleArray();
        double[] c = o.context().toDoubleArray();
        for (int j = 0; j < 4; j++) {
            assertEquals(w[0] * k[j] + w[1] * k[4 + j], c[j], 1e-12, "context " + j);
        }
    }
}
