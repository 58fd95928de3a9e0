package dev.vecgrad.autograd;

import java.util.Arrays;

/**
 * Reductions over all or some dimensions, and softmax / log-softmax, with their derivatives.
 * Sums run on the vector kernels whatever the dimension: the last one by row sums, any other
 * by column sums over [size, inner] blocks.
 */
final class Reduce {

    private Reduce() {}

    /** Checked, distinct dimensions as flags; null means all. */
    private static boolean[] reduced(Tensor x, int[] dims, String op) {
        boolean[] r = new boolean[x.shape.length];
        if (dims == null || dims.length == 0) {
            // PyTorch 1.13 reduces over every dimension for an empty list too
            Arrays.fill(r, true);
            return r;
        }
        for (int d : dims) {
            int dd = Shapes.dim(d, x.shape.length, op);
            if (x.shape.length == 0) {
                continue; // a 0-d tensor reduced over "its" dimension 0 or -1 is itself, as in PyTorch
            }
            if (r[dd]) {
                throw new IllegalArgumentException(op + ": dimension " + d + " repeated in " + Arrays.toString(dims));
            }
            r[dd] = true;
        }
        return r;
    }

    private static int[] keptShape(int[] shape, boolean[] r) {
        int[] out = shape.clone();
        for (int k = 0; k < shape.length; k++) {
            if (r[k]) {
                out[k] = 1;
            }
        }
        return out;
    }

    private static int[] squeezedShape(int[] shape, boolean[] r) {
        int n = 0;
        for (boolean b : r) {
            n += b ? 0 : 1;
        }
        int[] out = new int[n];
        for (int k = 0, j = 0; k < shape.length; k++) {
            if (!r[k]) {
                out[j++] = shape[k];
            }
        }
        return out;
    }

    static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        boolean[] r = reduced(x, dims, "sum");
        int[] kept = keptShape(x.shape, r);
        Tensor out = sumRaw(x.contiguous(), r);
        Tensor result = keepDim ? out : reshapeRaw(out, squeezedShape(x.shape, r));
        int[] from = x.shape;
        // d sum(x) = g broadcast back over the summed dimensions
        return Autograd.record("sum", result, (ctx, g) -> new Tensor[] {Pointwise.expandCopy(g.reshape(kept), from)}, x);
    }

    static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        boolean[] r = reduced(x, dims, "mean");
        long count = 1;
        for (int k = 0; k < r.length; k++) {
            if (r[k]) {
                count *= x.shape[k];
            }
        }
        return sum(x, dims, keepDim).mul(1.0 / count);
    }

    private static Tensor reshapeRaw(Tensor t, int[] shape) {
        return new Tensor(shape, Shapes.contiguousStrides(shape), t.offset, t.storage);
    }

    /**
     * Sum of contiguous c over the flagged dimensions, keeping them as size 1. A run of
     * adjacent flagged dimensions is one reduction; separate runs are reduced one after the
     * other, the innermost first. A loop rather than a recursion: C2 inlined each level into the
     * one before (24 KB of code, compiled twice in a cold demo), and the last level copied the
     * finished result once more.
     */
    private static Tensor sumRaw(Tensor c, boolean[] r) {
        boolean[] rest = r.clone();
        Tensor cur = c;
        while (true) {
            int rank = cur.shape.length;
            int last = rank - 1;
            while (last >= 0 && !rest[last]) {
                last--;
            }
            if (last < 0) {
                return cur == c ? Views.copyRaw(c) : cur;
            }
            int first = last;
            while (first > 0 && rest[first - 1]) {
                first--;
            }
            int outer = 1;
            for (int k = 0; k < first; k++) {
                outer *= cur.shape[k];
            }
            int size = 1;
            for (int k = first; k <= last; k++) {
                size *= cur.shape[k];
            }
            int inner = Shapes.inner(cur.shape, last);
            int[] shape = cur.shape.clone();
            for (int k = first; k <= last; k++) {
                shape[k] = 1;
                rest[k] = false;
            }
            Tensor out = Tensor.emptyLike(cur, shape);
            if (size == 0) {
                // sums over nothing are 0 (out is zeroed)
            } else if (inner == 1) {
                for (int o = 0; o < outer; o++) {
                    out.storage.set(o, cur.storage.sum(cur.offset + o * size, size));
                }
            } else {
                for (int o = 0; o < outer; o++) {
                    cur.storage.columnSums(cur.offset + o * size * inner, size, inner, out.storage, o * inner);
                }
            }
            cur = out;
        }
    }

    /** max over all (dims null; the gradient is split between tied maxima) or one dimension (it goes to the first maximum). */
    static Tensor max(Tensor x, int[] dims, boolean keepDim) {
        if (dims != null && dims.length != 1) {
            throw new IllegalArgumentException("max: over all elements or one dimension, got " + Arrays.toString(dims));
        }
        if (x.numel() == 0) {
            throw new IllegalArgumentException("max: the tensor " + Shapes.str(x.shape) + " has no elements");
        }
        if (x.shape.length == 0 && dims != null) {
            Shapes.dim(dims[0], 0, "max");
            return max(x, null, keepDim);
        }
        Tensor c = x.contiguous();
        boolean[] r = reduced(x, dims, "max");
        int[] kept = keptShape(x.shape, r);
        Tensor out = Tensor.emptyLike(c, kept);
        int[] from = x.shape;
        if (dims == null) {
            // PyTorch splits the gradient evenly between tied maxima of a full reduction
            int i = c.storage.argmax(c.offset, c.numel());
            double m = c.storage.get(c.offset + i);
            out.storage.set(0, m);
            int[] ties = new int[c.numel()];
            int count = 0;
            for (int j = i; j < c.numel(); j++) {
                double v = c.storage.get(c.offset + j);
                if (v == m || (Double.isNaN(m) && Double.isNaN(v))) {
                    ties[count++] = j;
                }
            }
            int[] all = Arrays.copyOf(ties, count);
            Tensor result = keepDim ? out : reshapeRaw(out, new int[0]);
            // d max(x) = g / (number of maxima) at each maximum, 0 elsewhere
            return Autograd.record("max", result, (ctx, g) -> {
                Tensor gx = Tensor.emptyLike(g, from.clone());
                double share = g.item() / all.length;
                for (int j : all) {
                    gx.storage.set(j, share);
                }
                return new Tensor[] {gx};
            }, x);
        }
        int dim = Shapes.dim(dims[0], x.shape.length, "max");
        int[] arg = argmaxRaw(c, dim);
        int[] where = new int[arg.length];
        int size = c.shape[dim];
        int inner = Shapes.inner(c.shape, dim);
        for (int o = 0; o < arg.length; o++) {
            where[o] = (o / inner * size + arg[o]) * inner + o % inner;
            out.storage.set(o, c.storage.get(c.offset + where[o]));
        }
        Tensor result = keepDim ? out : reshapeRaw(out, squeezedShape(x.shape, r));
        // d max(x, dim) = g at the position of the first maximum of each slice, 0 elsewhere
        return Autograd.record("max", result, (ctx, g) -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.emptyLike(g, from.clone());
            for (int o = 0; o < where.length; o++) {
                gx.storage.set(where[o], gc.storage.get(gc.offset + o));
            }
            return new Tensor[] {gx};
        }, x);
    }

    static int[] argmax(Tensor x, int dim) {
        int dd = Shapes.dim(dim, x.shape.length, "argmax");
        if (x.shape.length > 0 && x.shape[dd] == 0) {
            throw new IllegalArgumentException("argmax: dimension " + dim + " of " + Shapes.str(x.shape) + " is empty");
        }
        return argmaxRaw(x.contiguous(), dd);
    }

    /**
     * Index of the first max along dim for every other position, row-major over the rest (NaN
     * counts as largest), on the vector argmax kernel: along the last dimension directly,
     * along another one after copying that dimension to the last place.
     */
    private static int[] argmaxRaw(Tensor c, int dim) {
        if (c.shape.length == 0) {
            return new int[] {0};
        }
        int last = c.shape.length - 1;
        Tensor rows = dim == last ? c : Views.copyRaw(new Tensor(swapped(c.shape, dim, last), swapped(c.strides, dim, last),
                c.offset, c.storage));
        int size = c.shape[dim];
        int count = size == 0 ? 0 : c.numel() / size;
        int[] byRow = new int[count];
        for (int r = 0; r < count; r++) {
            byRow[r] = rows.storage.argmax(rows.offset + r * size, size);
        }
        if (dim == last) {
            return byRow;
        }
        // row r is the row-major position idx over the swapped shape's first dimensions, where
        // idx[dim] is the coordinate of the last dimension: its place in the result's order
        int[] swappedShape = swapped(c.shape, dim, last);
        int[] keptShape = c.shape.clone();
        keptShape[dim] = 1;
        int[] keptStrides = Shapes.contiguousStrides(keptShape);
        int[] out = new int[count];
        int[] idx = new int[last];
        for (int r = 0; r < count; r++) {
            int pos = 0;
            for (int k = 0; k < last; k++) {
                pos += idx[k] * keptStrides[k == dim ? last : k];
            }
            out[pos] = byRow[r];
            for (int k = last - 1; k >= 0; k--) {
                if (++idx[k] < swappedShape[k]) {
                    break;
                }
                idx[k] = 0;
            }
        }
        return out;
    }

    private static int[] swapped(int[] a, int i, int j) {
        int[] s = a.clone();
        s[i] = a[j];
        s[j] = a[i];
        return s;
    }

    static Tensor softmax(Tensor x, int dim, boolean log) {
        int dd = Shapes.dim(dim, x.shape.length, log ? "logSoftmax" : "softmax");
        if (x.shape.length == 0) {
            return softmax(x.reshape(1), 0, log).reshape();
        }
        if (dd != x.shape.length - 1) {
            return softmax(x.transpose(dd, -1), -1, log).transpose(dd, -1);
        }
        Tensor c = x.contiguous();
        int cols = c.shape[c.shape.length - 1];
        int rows = cols == 0 ? 0 : c.numel() / cols;
        Tensor y = Tensor.emptyLike(c, c.shape.clone());
        c.storage.rowSoftmax(log, c.offset, rows, cols, y.storage, 0);
        if (log) {
            // d logSoftmax(x) = g - exp(y) * sum(g)
            return Autograd.record("logSoftmax", y, new Tensor[] {y},
                    (ctx, g) -> new Tensor[] {g.sub(ctx.saved(0).exp().mul(g.sum(-1, true)))}, x);
        }
        // d softmax(x) = y * (g - sum(g * y))
        return Autograd.record("softmax", y, new Tensor[] {y},
                (ctx, g) -> new Tensor[] {ctx.saved(0).mul(g.sub(g.mul(ctx.saved(0)).sum(-1, true)))}, x);
    }
}
