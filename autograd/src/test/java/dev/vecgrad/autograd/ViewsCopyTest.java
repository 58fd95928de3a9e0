package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The copies of strided views (Views.gather behind contiguous(), Views.assign behind cat)
 * against an element-by-element reference, on random shapes viewed through random
 * permutations, slices and broadcasts: the copies merge the trailing dimensions laid out
 * contiguously into one run, and a wrong run length or step would put values in the wrong place.
 */
class ViewsCopyTest {

    private static final int TRIES = 300;

    @Test
    void contiguousOfRandomViewsIsTheElementwiseCopy() {
        Random rng = new Random(7);
        for (int t = 0; t < TRIES; t++) {
            Tensor view = randomView(rng);
            double[] expected = elementwise(view);
            assertArrayEquals(expected, view.contiguous().toDoubleArray(), 0, "try " + t + ": " + describe(view));
        }
    }

    @Test
    void catOfRandomViewsIsTheElementwiseConcatenation() {
        Random rng = new Random(11);
        for (int t = 0; t < TRIES; t++) {
            Tensor a = randomView(rng);
            int rank = a.shape().length;
            int dim = rng.nextInt(rank);
            List<Tensor> parts = new ArrayList<>();
            parts.add(a);
            int[] shape = a.shape();
            for (int p = rng.nextInt(3); p >= 0; p--) {
                int[] s = shape.clone();
                s[dim] = 1 + rng.nextInt(3);
                Tensor base = Tensor.randn(rng, rng.nextBoolean() ? DType.F32 : DType.F64, s).to(a.dtype());
                parts.add(rng.nextBoolean() || rank < 2 ? base : base.transpose(0, rank - 1).contiguous().transpose(0, rank - 1));
            }
            Tensor out = Tensor.cat(parts, dim);
            int at = 0;
            for (Tensor part : parts) {
                Tensor slice = out.slice(dim, at, at + part.shape()[dim]);
                assertArrayEquals(elementwise(part), elementwise(slice), 0, "try " + t + ", dim " + dim + ": " + describe(part));
                at += part.shape()[dim];
            }
            assertEquals(at, out.shape()[dim]);
        }
    }

    /** A tensor of rank 1 to 4 (sizes 1 to 5), possibly permuted, sliced in one dimension and broadcast in a size-1 one. */
    private static Tensor randomView(Random rng) {
        int rank = 1 + rng.nextInt(4);
        int[] shape = new int[rank];
        for (int k = 0; k < rank; k++) {
            shape[k] = 1 + rng.nextInt(5);
        }
        DType dtype = rng.nextBoolean() ? DType.F32 : DType.F64;
        Tensor x = Tensor.arange(dtype, Shapes.numel(shape)).reshape(shape);
        if (rng.nextBoolean()) {
            int[] perm = new int[rank];
            for (int k = 0; k < rank; k++) {
                perm[k] = k;
            }
            for (int k = rank - 1; k > 0; k--) {
                int j = rng.nextInt(k + 1);
                int tmp = perm[k];
                perm[k] = perm[j];
                perm[j] = tmp;
            }
            x = x.permute(perm);
        }
        if (rng.nextBoolean()) {
            int dim = rng.nextInt(rank);
            int size = x.shape()[dim];
            int start = rng.nextInt(size);
            x = x.slice(dim, start, start + 1 + rng.nextInt(size - start));
        }
        if (rng.nextInt(4) == 0) {
            int[] s = x.shape();
            for (int k = 0; k < rank; k++) {
                if (s[k] == 1) {
                    s[k] = 2 + rng.nextInt(3);
                    x = x.expand(s);
                    break;
                }
            }
        }
        return x;
    }

    /** The values of x in row-major order, one get at a time. */
    private static double[] elementwise(Tensor x) {
        int[] shape = x.shape();
        int n = Shapes.numel(shape);
        double[] out = new double[n];
        int[] idx = new int[shape.length];
        for (int i = 0; i < n; i++) {
            out[i] = x.get(idx);
            for (int k = shape.length - 1; k >= 0; k--) {
                if (++idx[k] < shape[k]) {
                    break;
                }
                idx[k] = 0;
            }
        }
        return out;
    }

    private static String describe(Tensor x) {
        return Shapes.str(x.shape()) + " strides " + java.util.Arrays.toString(x.strides) + " offset " + x.offset;
    }
}
