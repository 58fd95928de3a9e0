package dev.vecgrad.autograd;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/**
 * A tensor's shape as a value, as {@code torch.Size}: a list of the dimensions' sizes that prints
 * as PyTorch prints one, {@code torch.Size([2, 3])} ({@link Tensor#shape()}'s {@code int[]} printed
 * as {@code [I@4201a617}), compares by value and is immutable. {@link Tensor#size()} gives it.
 */
public final class Size extends AbstractList<Integer> implements RandomAccess {

    private final int[] dims;

    private Size(int[] dims) {
        this.dims = dims;
    }

    /**
     * The size of these dimensions.
     *
     * @throws IllegalArgumentException for a negative size
     */
    public static Size of(int... dims) {
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("a size cannot be negative: " + Arrays.toString(dims));
            }
        }
        return new Size(dims.clone());
    }

    /** The size of dimension {@code i}. */
    @Override
    public Integer get(int i) {
        return dims[i];
    }

    /** The number of dimensions. */
    @Override
    public int size() {
        return dims.length;
    }

    /** The number of elements: the product of the sizes ({@code torch.Size.numel}). */
    public long numel() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** The sizes as an array (a copy), as {@link Tensor#shape()} gives them. */
    public int[] toIntArray() {
        return dims.clone();
    }

    /** As PyTorch prints it: {@code torch.Size([2, 3])}, {@code torch.Size([])} for a scalar. */
    @Override
    public String toString() {
        return "torch.Size(" + Arrays.toString(dims) + ")";
    }
}
