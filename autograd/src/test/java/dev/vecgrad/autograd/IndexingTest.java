package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Negative indices as PyTorch takes them: slice(1, -1, 5) threw, out[:, -1, :] had to be spelled slice(1, T-1, T).squeeze(1). */
class IndexingTest {

    private static final Tensor X = Tensor.of(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 2, 3, 2);

    @Test
    void negativeBoundsCountFromTheEndAndBoundsPastTheEndsAreClamped() {
        assertArrayEquals(X.slice(1, 2, 3).toDoubleArray(), X.slice(1, -1, 5).toDoubleArray(), 0, "x[:, -1:5]");
        assertArrayEquals(X.slice(1, 0, 2).toDoubleArray(), X.slice(1, -99, -1).toDoubleArray(), 0, "x[:, -99:-1]");
        assertArrayEquals(new int[] {2, 1, 2}, X.slice(1, -1, 3).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> X.slice(1, 2, -2));
        assertEquals("slice: range [2, -2) is empty for dimension 1 of size 3 in [2, 3, 2] (vecgrad has no empty slices)", e.getMessage());
    }

    @Test
    void selectTakesOneIndexAndDropsTheDimension() {
        Tensor last = X.select(1, -1);
        assertArrayEquals(new int[] {2, 2}, last.shape());
        assertArrayEquals(new double[] {4, 5, 10, 11}, last.toDoubleArray(), 0);
        assertArrayEquals(X.select(1, 2).toDoubleArray(), last.toDoubleArray(), 0);
        assertArrayEquals(new double[] {6, 7, 8, 9, 10, 11}, X.select(0, -1).toDoubleArray(), 0);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> X.select(1, 3));
        assertEquals("select: index 3 is out of range for dimension 1 of size 3 in [2, 3, 2]", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> X.select(-1, -3));
    }
}
