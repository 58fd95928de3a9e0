package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Scaled dot-product attention: what its masks mean (its values and gradients against PyTorch are OpCatalog cases). */
class AttentionTest {

    @Test
    void causalAndAllowedMasksChooseTheKeysAQueryAttendsTo() {
        Random rng = new Random(1);
        Tensor q = Tensor.randn(rng, DType.F64, 3, 4);
        Tensor k = Tensor.randn(rng, DType.F64, 3, 4);
        Tensor v = Tensor.randn(rng, DType.F64, 3, 2);
        Tensor causal = Tensor.scaledDotProductAttention(q, k, v, null, true);
        assertArrayEquals(v.slice(0, 0, 1).toDoubleArray(), causal.slice(0, 0, 1).toDoubleArray(), 1e-15,
                "the first query sees the first key only");
        // only key 2 allowed for every query: every output is v[2]
        Tensor onlyLast = Tensor.of(new double[] {0, 0, 1, 0, 0, 1, 0, 0, 1}, 3, 3);
        Tensor out = Tensor.scaledDotProductAttention(q, k, v, onlyLast, false);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(v.select(0, 2).toDoubleArray(), out.select(0, i).toDoubleArray(), 1e-15);
        }
        // causal and nothing allowed on the first row: NaN there, as in PyTorch
        Tensor none = Tensor.of(new double[] {0, 1, 1, 1, 1, 1, 1, 1, 1}, 3, 3);
        Tensor nan = Tensor.scaledDotProductAttention(q, k, v, none, true);
        assertTrue(Double.isNaN(nan.toDoubleArray()[0]));
        assertEquals(2, Tensor.scaledDotProductAttention(q.unsqueeze(0), k.unsqueeze(0), v.unsqueeze(0), null, false).dim() - 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.scaledDotProductAttention(q, Tensor.zeros(DType.F64, 3, 5), v, null, false));
        assertEquals("scaledDotProductAttention: q [..., L, E], k [..., S, E] and v [..., S, Ev] expected, got [3, 4], [3, 5], [3, 2]",
                e.getMessage());
    }
}
