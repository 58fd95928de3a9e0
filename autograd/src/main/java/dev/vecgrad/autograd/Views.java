package dev.vecgrad.autograd;

import java.util.List;

/** Shape ops: views that share storage (transpose, reshape of contiguous data, slice) and copies (cat, stack, indexSelect). */
final class Views {

    private Views() {}

    /** A contiguous copy of x; differentiable (the gradient passes through). */
    static Tensor copy(Tensor x) {
        Tensor out = Tensor.empty(x.dtype, x.shape.clone());
        int n = out.numel();
        for (int i = 0; i < n; i++) {
            int pos = Shapes.position(i, x.shape, x.strides, x.offset);
            if (out.f != null) {
                out.f[i] = x.f[pos];
            } else {
                out.d[i] = x.d[pos];
            }
        }
        // d copy(x) = g
        return Autograd.record("contiguous", out, g -> new Tensor[] {g}, x);
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
