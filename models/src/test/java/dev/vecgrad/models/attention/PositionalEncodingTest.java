package dev.vecgrad.models.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import org.junit.jupiter.api.Test;

/** The sinusoidal encoding: its table, added by position, sequence first or batch first. */
class PositionalEncodingTest {

    @Test
    void positionsGetSinesAndCosinesOfGeometricFrequencies() {
        PositionalEncoding p = new PositionalEncoding(4, 10, false, DType.F64);
        Tensor out = p.forward(Tensor.zeros(DType.F64, 3, 2, 4));   // zeros: the output is the table
        double[] v = out.toDoubleArray();
        // position 2, batch 1: sin(2), cos(2), sin(2 / 100), cos(2 / 100) (10000^(2/4) = 100)
        assertArrayEquals(new double[] {Math.sin(2), Math.cos(2), Math.sin(0.02), Math.cos(0.02)}, java.util.Arrays.copyOfRange(v, 20, 24),
                1e-15);
        assertArrayEquals(new double[] {0, 1, 0, 1}, java.util.Arrays.copyOfRange(v, 0, 4), 0, "position 0");
        Tensor batchFirst = new PositionalEncoding(4, 10, true, DType.F64).forward(Tensor.zeros(DType.F64, 2, 3, 4));
        assertArrayEquals(java.util.Arrays.copyOfRange(v, 20, 24), java.util.Arrays.copyOfRange(batchFirst.toDoubleArray(), 20, 24), 0,
                "batch 1, position 2");
        assertEquals(1, p.stateDict().size(), "the table is a buffer: " + p.stateDict().keySet());
        assertArrayEquals(new int[] {10, 1, 4}, p.stateDict().get("pe").shape());
        assertEquals(5, new PositionalEncoding(5, 3).forward(Tensor.zeros(3, 1, 5)).size(2), "an odd width");
        assertThrows(IllegalArgumentException.class, () -> p.forward(Tensor.zeros(DType.F64, 11, 2, 4)));
    }
}
