package dev.vecgrad.autograd;

import java.util.Arrays;

/** Shape arithmetic: strides, broadcasting, dimension indices, and the messages that name them. */
final class Shapes {

    private Shapes() {}

    static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int stride = 1;
        for (int k = shape.length - 1; k >= 0; k--) {
            s[k] = stride;
            stride *= Math.max(1, shape[k]);
        }
        return s;
    }

    /** The number of elements, in exact arithmetic: a shape whose product does not fit an array throws, naming it. */
    static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s == 0) {
                return 0;
            }
        }
        for (int s : shape) {
            n *= s;
            if (n > Integer.MAX_VALUE - 8 || n < 0) {
                throw new IllegalArgumentException("shape " + str(shape) + " has more elements than an array holds (at most "
                        + (Integer.MAX_VALUE - 8) + ")");
            }
        }
        return (int) n;
    }

    static void checkShape(String op, int[] shape) {
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException(op + ": negative size in shape " + str(shape));
            }
        }
        numel(shape);
    }

    static void checkData(String op, int length, int[] shape) {
        checkShape(op, shape);
        if (numel(shape) != length) {
            throw new IllegalArgumentException(op + ": shape " + str(shape) + " holds " + numel(shape)
                    + " elements, the data has " + length);
        }
    }

    /** A dimension index, negative counting from the end, checked. */
    static int dim(int dim, int rank, String op) {
        int r = Math.max(rank, 1);
        int dd = dim < 0 ? dim + r : dim;
        if (dd < 0 || dd >= r) {
            throw new IllegalArgumentException(op + ": dimension " + dim + " out of range for a " + rank + "-D tensor (allowed "
                    + -r + " to " + (r - 1) + ")");
        }
        return dd;
    }

    /** As {@link #dim} for ops that need a real dimension: a 0-d tensor (a scalar) has none. */
    static int realDim(int dim, int[] shape, String op) {
        if (shape.length == 0) {
            throw new IllegalArgumentException(op + ": the tensor is 0-d (a scalar) and has no dimension " + dim);
        }
        return dim(dim, shape.length, op);
    }

    /** Storage position of flat row-major element i. */
    static int position(int i, int[] shape, int[] strides, int offset) {
        int pos = offset;
        for (int k = shape.length - 1; k >= 0; k--) {
            int size = shape[k];
            pos += (i % size) * strides[k];
            i /= size;
        }
        return pos;
    }

    /** NumPy broadcasting of two shapes. */
    static int[] broadcast(int[] a, int[] b, String op) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int k = 0; k < rank; k++) {
            int sa = k < rank - a.length ? 1 : a[k - (rank - a.length)];
            int sb = k < rank - b.length ? 1 : b[k - (rank - b.length)];
            if (sa != sb && sa != 1 && sb != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast (dimension " + k + ": " + sa + " vs " + sb + ")");
            }
            out[k] = sa == 1 ? sb : sa;
        }
        return out;
    }

    /** Strides that read a tensor of {@code shape}/{@code strides} as if expanded to {@code target} (0 on broadcast dims). */
    static int[] expandStrides(int[] shape, int[] strides, int[] target) {
        int[] out = new int[target.length];
        int lead = target.length - shape.length;
        for (int k = 0; k < target.length; k++) {
            if (k < lead || shape[k - lead] == 1 && target[k] != 1) {
                out[k] = 0;
            } else {
                out[k] = strides[k - lead];
            }
        }
        return out;
    }

    /** Product of the sizes after dimension dim. */
    static int inner(int[] shape, int dim) {
        int inner = 1;
        for (int k = dim + 1; k < shape.length; k++) {
            inner *= shape[k];
        }
        return inner;
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    static boolean same(int[] a, int[] b) {
        return Arrays.equals(a, b);
    }
}
