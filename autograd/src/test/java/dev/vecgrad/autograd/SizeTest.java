package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A shape prints as PyTorch prints it (an int[] printed as [I@4201a617) and compares by value. */
class SizeTest {

    @Test
    void aShapePrintsAsTorchSizeAndComparesByValue() {
        Tensor x = Tensor.zeros(64, 10);
        assertEquals("torch.Size([64, 10])", x.size().toString());
        assertEquals("torch.Size([])", Tensor.scalar(1.0).size().toString());
        assertEquals(List.of(64, 10), x.size());
        assertEquals(Size.of(64, 10), x.size());
        assertEquals(Size.of(64, 10).hashCode(), List.of(64, 10).hashCode());
        assertEquals(640, x.size().numel());
        assertEquals(2, x.size().size());
        assertEquals(10, x.size().get(1));
        assertArrayEquals(x.shape(), x.size().toIntArray());
        int[] dims = {2, 3};
        Size s = Size.of(dims);
        dims[0] = 99;
        assertEquals(Size.of(2, 3), s, "a copy: the array it came from can change");
        assertThrows(UnsupportedOperationException.class, () -> s.set(0, 1));
        assertThrows(IllegalArgumentException.class, () -> Size.of(2, -1));
    }
}
