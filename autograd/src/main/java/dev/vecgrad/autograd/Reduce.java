package dev.vecgrad.autograd;

import dev.vecgrad.kernels.Reductions;
import dev.vecgrad.kernels.RowOps;
import java.util.Arrays;

/** Reductions over all or some dimensions, and softmax / log-softmax, with their derivatives. */
final class Reduce {

    private Reduce() {}

    /** Sorted, distinct, checked dimensions; null means all. */
    private static boolean[] reduced(Tensor x, int[] dims, String op) {
        boolean[] r = new boolean[x.shape.length];
        if (dims == null) {
            Arrays.fill(r, true);
            return r;
        }
        for (int d : dims) {
            int dd = Shapes.dim(d, x.shape.length, op);
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
        Tensor out = sumRaw(x, r, kept);
        Tensor result = keepDim ? out : reshapeRaw(out, squeezedShape(x.shape, r));
        int[] from = x.shape;
        // d sum(x) = g broadcast back over the summed dimensions
        return Autograd.record("sum", result, g -> new Tensor[] {Pointwise.expand(g.reshape(kept), from)}, x);
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
        return new Tensor(t.dtype, shape, Shapes.contiguousStrides(shape), t.offset, t.f, t.d);
    }

    /** Sums with the row kernels where the layout allows, else by a generic loop in double. */
    private static Tensor sumRaw(Tensor x, boolean[] r, int[] kept) {
        Tensor c = x.contiguous();
        int n = c.numel();
        Tensor out = Tensor.empty(c.dtype, kept);
        boolean all = true;
        for (boolean b : r) {
            all &= b;
        }
        if (all) {
            double s = c.f != null ? Reductions.sum(c.f, c.offset, n) : Reductions.sum(c.d, c.offset, n);
            setFlat(out, 0, s);
            return out;
        }
        if (c.shape.length == 2 && r[0] && !r[1]) {
            if (c.f != null) {
                RowOps.columnSums(c.f, c.offset, c.shape[0], c.shape[1], out.f, 0, false);
            } else {
                RowOps.columnSums(c.d, c.offset, c.shape[0], c.shape[1], out.d, 0, false);
            }
            return out;
        }
        if (lastOnly(r)) {
            int cols = c.shape[c.shape.length - 1];
            int rows = cols == 0 ? out.numel() : n / cols;
            for (int i = 0; i < rows; i++) {
                setFlat(out, i, c.f != null ? Reductions.sum(c.f, c.offset + i * cols, cols)
                        : Reductions.sum(c.d, c.offset + i * cols, cols));
            }
            return out;
        }
        double[] acc = new double[out.numel()];
        int[] outStrides = Shapes.contiguousStrides(kept);
        int[] idx = new int[c.shape.length];
        for (int i = 0; i < n; i++) {
            int o = 0;
            for (int k = 0; k < idx.length; k++) {
                if (!r[k]) {
                    o += idx[k] * outStrides[k];
                }
            }
            acc[o] += c.f != null ? c.f[c.offset + i] : c.d[c.offset + i];
            for (int k = idx.length - 1; k >= 0; k--) {
                if (++idx[k] < c.shape[k]) {
                    break;
                }
                idx[k] = 0;
            }
        }
        for (int i = 0; i < acc.length; i++) {
            setFlat(out, i, acc[i]);
        }
        return out;
    }

    private static boolean lastOnly(boolean[] r) {
        for (int k = 0; k < r.length; k++) {
            if (r[k] != (k == r.length - 1)) {
                return false;
            }
        }
        return r.length > 0;
    }

    private static void setFlat(Tensor t, int i, double v) {
        if (t.f != null) {
            t.f[i] = (float) v;
        } else {
            t.d[i] = v;
        }
    }

    private static double at(Tensor c, int i) {
        return c.f != null ? c.f[c.offset + i] : c.d[c.offset + i];
    }

    /** max over all (dims null; the gradient is split between tied maxima) or one dimension (it goes to the first maximum). */
    static Tensor max(Tensor x, int[] dims, boolean keepDim) {
        if (dims != null && dims.length != 1) {
            throw new IllegalArgumentException("max: over all elements or one dimension, got " + Arrays.toString(dims));
        }
        if (x.numel() == 0) {
            throw new IllegalArgumentException("max: the tensor " + Shapes.str(x.shape) + " has no elements");
        }
        Tensor c = x.contiguous();
        boolean[] r = reduced(x, dims, "max");
        int[] kept = keptShape(x.shape, r);
        Tensor out = Tensor.empty(c.dtype, kept);
        int[] where;
        if (dims == null) {
            // PyTorch splits the gradient evenly between tied maxima of a full reduction
            int i = c.f != null ? Reductions.argmax(c.f, c.offset, c.numel()) : Reductions.argmax(c.d, c.offset, c.numel());
            double m = at(c, i);
            setFlat(out, 0, m);
            int[] ties = new int[c.numel()];
            int count = 0;
            for (int j = i; j < c.numel(); j++) {
                double v = at(c, j);
                if (v == m || (Double.isNaN(m) && Double.isNaN(v))) {
                    ties[count++] = j;
                }
            }
            int[] all = Arrays.copyOf(ties, count);
            Tensor result = keepDim ? out : reshapeRaw(out, new int[0]);
            int[] from = x.shape;
            // d max(x) = g / (number of maxima) at each maximum, 0 elsewhere
            return Autograd.record("max", result, g -> {
                Tensor gx = Tensor.empty(g.dtype, from.clone());
                double share = g.item() / all.length;
                for (int j : all) {
                    setFlat(gx, j, share);
                }
                return new Tensor[] {gx};
            }, x);
        } else {
            int dim = Shapes.dim(dims[0], x.shape.length, "max");
            int[] arg = argmaxRaw(c, dim);
            where = new int[arg.length];
            int size = c.shape[dim];
            int inner = inner(c.shape, dim);
            for (int o = 0; o < arg.length; o++) {
                int outerIdx = o / inner;
                int innerIdx = o % inner;
                where[o] = (outerIdx * size + arg[o]) * inner + innerIdx;
                setFlat(out, o, at(c, where[o]));
            }
        }
        Tensor result = keepDim ? out : reshapeRaw(out, squeezedShape(x.shape, r));
        int[] from = x.shape;
        // d max(x, dim) = g at the position of the first maximum of each slice, 0 elsewhere
        return Autograd.record("max", result, g -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.empty(g.dtype, from.clone());
            for (int o = 0; o < where.length; o++) {
                setFlat(gx, where[o], at(gc, o));
            }
            return new Tensor[] {gx};
        }, x);
    }

    private static int inner(int[] shape, int dim) {
        int inner = 1;
        for (int k = dim + 1; k < shape.length; k++) {
            inner *= shape[k];
        }
        return inner;
    }

    static int[] argmax(Tensor x, int dim) {
        int dd = Shapes.dim(dim, x.shape.length, "argmax");
        if (x.shape[dd] == 0) {
            throw new IllegalArgumentException("argmax: dimension " + dim + " of " + Shapes.str(x.shape) + " is empty");
        }
        return argmaxRaw(x.contiguous(), dd);
    }

    /** Index of the first max along dim for every other position, row-major over the rest. */
    private static int[] argmaxRaw(Tensor c, int dim) {
        int size = c.shape[dim];
        int inner = inner(c.shape, dim);
        int outer = size == 0 ? 0 : c.numel() / (size * inner);
        int[] out = new int[outer * inner];
        if (inner == 1) {
            for (int o = 0; o < outer; o++) {
                out[o] = c.f != null ? Reductions.argmax(c.f, c.offset + o * size, size)
                        : Reductions.argmax(c.d, c.offset + o * size, size);
            }
            return out;
        }
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int best = 0;
                double bv = at(c, o * size * inner + in);
                for (int j = 1; j < size && !Double.isNaN(bv); j++) {
                    double v = at(c, (o * size + j) * inner + in);
                    if (v > bv || Double.isNaN(v)) {
                        best = j;
                        bv = v;
                    }
                }
                out[o * inner + in] = best;
            }
        }
        return out;
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
        Tensor y = Tensor.empty(c.dtype, c.shape.clone());
        if (c.f != null) {
            if (log) {
                RowOps.rowLogSoftmax(c.f, c.offset, rows, cols, y.f, 0);
            } else {
                RowOps.rowSoftmax(c.f, c.offset, rows, cols, y.f, 0);
            }
        } else if (log) {
            RowOps.rowLogSoftmax(c.d, c.offset, rows, cols, y.d, 0);
        } else {
            RowOps.rowSoftmax(c.d, c.offset, rows, cols, y.d, 0);
        }
        if (log) {
            // d logSoftmax(x) = g - exp(y) * sum(g)
            return Autograd.record("logSoftmax", y, g -> new Tensor[] {g.sub(y.exp().mul(g.sum(-1, true)))}, x);
        }
        // d softmax(x) = y * (g - sum(g * y))
        return Autograd.record("softmax", y, g -> new Tensor[] {y.mul(g.sub(g.mul(y).sum(-1, true)))}, x);
    }
}
