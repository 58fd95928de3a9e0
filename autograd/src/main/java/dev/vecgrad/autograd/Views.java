package dev.vecgrad.autograd;

import java.util.List;

/** Shape ops: views that share storage (transpose, reshape of contiguous data, slice) and copies (cat, stack, indexSelect). */
final class Views {

    private Views() {}

    /** A contiguous copy of x; differentiable (the gradient passes through). */
    static Tensor copy(Tensor x) {
        Tensor out = Tensor.empty(x.dtype, x.shape.clone());
        gather(x, out.f, out.d);
        // d copy(x) = g
        return Autograd.record("contiguous", out, g -> new Tensor[] {g}, x);
    }

    /**
     * Writes the elements of x in row-major order into f or d (whichever is non-null): rows of
     * the last dimension at a time, the position advanced incrementally; a 2-D transpose is
     * copied in 32 x 32 blocks so that both sides stay in cache.
     */
    static void gather(Tensor x, float[] f, double[] d) {
        int rank = x.shape.length;
        int n = x.numel();
        if (n == 0) {
            return;
        }
        if (rank == 0) {
            if (f != null) {
                f[0] = x.f[x.offset];
            } else {
                d[0] = x.d[x.offset];
            }
            return;
        }
        if (rank == 2 && x.strides[1] != 1 && x.strides[0] == 1) {
            transposeBlocked(x, f, d);
            return;
        }
        int inner = x.shape[rank - 1];
        int innerStride = x.strides[rank - 1];
        int[] idx = new int[rank];
        int pos = x.offset;
        for (int out = 0; out < n; out += inner) {
            if (innerStride == 1) {
                if (f != null) {
                    System.arraycopy(x.f, pos, f, out, inner);
                } else {
                    System.arraycopy(x.d, pos, d, out, inner);
                }
            } else if (f != null) {
                for (int j = 0, p = pos; j < inner; j++, p += innerStride) {
                    f[out + j] = x.f[p];
                }
            } else {
                for (int j = 0, p = pos; j < inner; j++, p += innerStride) {
                    d[out + j] = x.d[p];
                }
            }
            for (int k = rank - 2; k >= 0; k--) {
                pos += x.strides[k];
                if (++idx[k] < x.shape[k]) {
                    break;
                }
                pos -= x.strides[k] * x.shape[k];
                idx[k] = 0;
            }
        }
    }

    private static void transposeBlocked(Tensor x, float[] f, double[] d) {
        int rows = x.shape[0];
        int cols = x.shape[1];
        int cs = x.strides[1];
        for (int i0 = 0; i0 < rows; i0 += 32) {
            for (int j0 = 0; j0 < cols; j0 += 32) {
                int i1 = Math.min(rows, i0 + 32);
                int j1 = Math.min(cols, j0 + 32);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        int p = x.offset + i + j * cs;
                        if (f != null) {
                            f[i * cols + j] = x.f[p];
                        } else {
                            d[i * cols + j] = x.d[p];
                        }
                    }
                }
            }
        }
    }

    static Tensor transpose(Tensor x, int d0, int d1) {
        int a = Shapes.dim(d0, x.shape.length, "transpose");
        int b = Shapes.dim(d1, x.shape.length, "transpose");
        int[] shape = x.shape.clone();
        int[] strides = x.strides.clone();
        shape[a] = x.shape[b];
        shape[b] = x.shape[a];
        strides[a] = x.strides[b];
        strides[b] = x.strides[a];
        Tensor out = new Tensor(x.dtype, shape, strides, x.offset, x.f, x.d);
        // d transpose(x) = transpose(g)
        return Autograd.record("transpose", out, g -> new Tensor[] {g.transpose(a, b)}, x);
    }

    static Tensor reshape(Tensor x, int[] requested, boolean strictView) {
        int[] shape = inferShape(x, requested);
        Tensor src = x;
        if (!x.isContiguous()) {
            if (strictView) {
                throw new IllegalStateException("view: the tensor " + Shapes.str(x.shape)
                        + " is not contiguous (a transpose or slice of another); use reshape(), which copies");
            }
            src = x.contiguous();
        }
        Tensor out = new Tensor(src.dtype, shape, Shapes.contiguousStrides(shape), src.offset, src.f, src.d);
        int[] from = x.shape;
        // d reshape(x) = reshape(g) to the input's shape
        return Autograd.record(strictView ? "view" : "reshape", out, g -> new Tensor[] {g.reshape(from)}, src);
    }

    private static int[] inferShape(Tensor x, int[] requested) {
        int n = x.numel();
        int[] shape = requested.clone();
        int infer = -1;
        long known = 1;
        for (int k = 0; k < shape.length; k++) {
            if (shape[k] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: only one size can be -1, got " + Shapes.str(requested));
                }
                infer = k;
            } else if (shape[k] < 0) {
                throw new IllegalArgumentException("reshape: invalid size " + shape[k] + " in " + Shapes.str(requested));
            } else {
                known *= shape[k];
            }
        }
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException("reshape: cannot reshape " + Shapes.str(x.shape) + " (" + n
                        + " elements) into " + Shapes.str(requested));
            }
            shape[infer] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException("reshape: cannot reshape " + Shapes.str(x.shape) + " (" + n
                    + " elements) into " + Shapes.str(requested) + " (" + known + " elements)");
        }
        return shape;
    }

    static Tensor slice(Tensor x, int dim, int start, int end) {
        int dd = Shapes.dim(dim, x.shape.length, "slice");
        int size = x.shape[dd];
        if (start < 0 || end > size || start > end) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") out of bounds for dimension "
                    + dd + " of size " + size + " in " + Shapes.str(x.shape));
        }
        int[] shape = x.shape.clone();
        shape[dd] = end - start;
        Tensor out = new Tensor(x.dtype, shape, x.strides.clone(), x.offset + start * x.strides[dd], x.f, x.d);
        int[] full = x.shape;
        // d slice(x) = g placed at [start, end) of zeros
        return Autograd.record("slice", out, g -> new Tensor[] {pad(g, full, dd, start)}, x);
    }

    /** g placed into zeros of shape full at offset start along dim. */
    private static Tensor pad(Tensor g, int[] full, int dim, int start) {
        Tensor out = Tensor.empty(g.dtype, full.clone());
        Tensor view = new Tensor(out.dtype, g.shape, out.strides.clone(), start * out.strides[dim], out.f, out.d);
        assign(view, g);
        return out;
    }

    /** dst[...] = src[...] elementwise, same shapes, any strides. */
    static void assign(Tensor dst, Tensor src) {
        int n = src.numel();
        for (int i = 0; i < n; i++) {
            int pd = Shapes.position(i, dst.shape, dst.strides, dst.offset);
            int ps = Shapes.position(i, src.shape, src.strides, src.offset);
            if (dst.f != null) {
                dst.f[pd] = src.f[ps];
            } else {
                dst.d[pd] = src.d[ps];
            }
        }
    }

    static Tensor indexSelect(Tensor x, int dim, int[] index) {
        int dd = Shapes.dim(dim, x.shape.length, "indexSelect");
        int size = x.shape[dd];
        for (int i : index) {
            if (i < 0 || i >= size) {
                throw new IndexOutOfBoundsException("indexSelect: index " + i + " out of range for dimension " + dd
                        + " of size " + size + " in " + Shapes.str(x.shape));
            }
        }
        Tensor c = x.contiguous();
        int[] shape = c.shape.clone();
        shape[dd] = index.length;
        Tensor out = Tensor.empty(c.dtype, shape);
        int inner = 1;
        for (int k = dd + 1; k < shape.length; k++) {
            inner *= shape[k];
        }
        int outer = index.length * inner == 0 ? 0 : Shapes.numel(shape) / (index.length * inner);
        int innerSize = inner;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < index.length; j++) {
                int src = c.offset + (o * size + index[j]) * inner;
                int dst = (o * index.length + j) * inner;
                if (c.f != null) {
                    System.arraycopy(c.f, src, out.f, dst, inner);
                } else {
                    System.arraycopy(c.d, src, out.d, dst, inner);
                }
            }
        }
        int[] full = x.shape;
        // d indexSelect(x) = g added back at the picked rows (repeats add up)
        return Autograd.record("indexSelect", out, g -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.empty(g.dtype, full.clone());
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < index.length; j++) {
                    int dst = (o * size + index[j]) * innerSize;
                    int src = gc.offset + (o * index.length + j) * innerSize;
                    for (int e = 0; e < innerSize; e++) {
                        if (gx.f != null) {
                            gx.f[dst + e] += gc.f[src + e];
                        } else {
                            gx.d[dst + e] += gc.d[src + e];
                        }
                    }
                }
            }
            return new Tensor[] {gx};
        }, x);
    }

    static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("cat: no tensors");
        }
        Tensor first = tensors.get(0);
        int dd = Shapes.dim(dim, first.shape.length, "cat");
        int[] shape = first.shape.clone();
        shape[dd] = 0;
        for (int t = 0; t < tensors.size(); t++) {
            Tensor x = tensors.get(t);
            Pointwise.checkDtypes("cat", first, x);
            if (x.shape.length != first.shape.length) {
                throw new IllegalArgumentException("cat: tensor " + t + " is " + Shapes.str(x.shape) + ", tensor 0 is "
                        + Shapes.str(first.shape) + " (ranks differ)");
            }
            for (int k = 0; k < shape.length; k++) {
                if (k != dd && x.shape[k] != first.shape[k]) {
                    throw new IllegalArgumentException("cat: tensor " + t + " is " + Shapes.str(x.shape) + ", tensor 0 is "
                            + Shapes.str(first.shape) + " (dimension " + k + " differs)");
                }
            }
            shape[dd] += x.shape[dd];
        }
        Tensor out = Tensor.empty(first.dtype, shape);
        int[] starts = new int[tensors.size()];
        int at = 0;
        for (int t = 0; t < tensors.size(); t++) {
            Tensor x = tensors.get(t);
            starts[t] = at;
            Tensor view = new Tensor(out.dtype, x.shape, out.strides.clone(), at * out.strides[dd], out.f, out.d);
            assign(view, x);
            at += x.shape[dd];
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        // d cat(x_i) = the slices of g
        return Autograd.record("cat", out, g -> {
            Tensor[] grads = new Tensor[inputs.length];
            for (int t = 0; t < inputs.length; t++) {
                grads[t] = g.slice(dd, starts[t], starts[t] + inputs[t].shape[dd]);
            }
            return grads;
        }, inputs);
    }

    static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("stack: no tensors");
        }
        int rank = tensors.get(0).shape.length;
        int dd = dim < 0 ? dim + rank + 1 : dim;
        if (dd < 0 || dd > rank) {
            throw new IllegalArgumentException("stack: dimension " + dim + " out of range for " + rank + "-D tensors");
        }
        Tensor[] expanded = new Tensor[tensors.size()];
        for (int t = 0; t < expanded.length; t++) {
            Tensor x = tensors.get(t);
            if (!Shapes.same(x.shape, tensors.get(0).shape)) {
                throw new IllegalArgumentException("stack: tensor " + t + " is " + Shapes.str(x.shape) + ", tensor 0 is "
                        + Shapes.str(tensors.get(0).shape));
            }
            int[] s = new int[rank + 1];
            for (int k = 0, j = 0; k <= rank; k++) {
                s[k] = k == dd ? 1 : x.shape[j++];
            }
            expanded[t] = x.reshape(s);
        }
        return cat(List.of(expanded), dd);
    }
}
