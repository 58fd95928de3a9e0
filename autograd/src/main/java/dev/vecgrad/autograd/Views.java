package dev.vecgrad.autograd;

import java.util.ArrayList;
import java.util.List;

/**
 * Shape ops: views that share storage (transpose, permute, reshape of contiguous data,
 * unsqueeze, squeeze, expand, slice, split) and copies (cat, stack, indexSelect).
 */
final class Views {

    private Views() {}

    /** A contiguous copy of x; differentiable (the gradient passes through). */
    static Tensor copy(Tensor x) {
        // d copy(x) = g
        return Autograd.record("contiguous", copyRaw(x), (ctx, g) -> new Tensor[] {g}, x);
    }

    /** A contiguous copy of x, not recorded. */
    static Tensor copyRaw(Tensor x) {
        Tensor out = Tensor.emptyLike(x, x.shape.clone());
        if (x.isContiguous()) {
            x.storage.copyTo(x.offset, out.storage, 0, out.numel());
        } else {
            gather(x, out.storage, 0);
        }
        return out;
    }

    /**
     * Writes the elements of x in row-major order into dst from position {@code at}: rows of
     * the last dimension at a time, the position advanced incrementally; a 2-D transpose is
     * copied in 32 x 32 blocks so that both sides stay in cache.
     */
    static void gather(Tensor x, Storage dst, int at) {
        int rank = x.shape.length;
        int n = x.numel();
        if (n == 0) {
            return;
        }
        if (rank == 0) {
            x.storage.copyTo(x.offset, dst, at, 1);
            return;
        }
        if (rank == 2 && x.strides[1] != 1 && x.strides[0] == 1) {
            transposeBlocked(x, dst, at);
            return;
        }
        // trailing broadcast dimensions (stride 0, as a per-channel [1, C, 1, 1] expanded to [N, C, H, W]) repeat one
        // value: each run of them is one fill instead of a strided copy per row (a batch norm's broadcasts over
        // [32, 64, 28, 28] took 2.3 ms each in 57,344 copies of 28 values)
        int outer = leadingDims(x.strides);
        int run = constantRun(x);
        if (run >= 8) {   // shorter runs: fewer calls as strided copies of whole rows
            int[] idx = new int[outer];
            int pos = x.offset;
            for (int out = 0; out < n; out += run) {
                dst.fill(at + out, at + out + run, x.storage.get(pos));
                pos = next(idx, outer, x.shape, x.strides, pos);
            }
            return;
        }
        // the trailing dimensions laid out contiguously are one run (a channel slice of [N, C, H, W], as cat's gradient
        // takes: a copy a channel block instead of a call a row)
        int dense = denseDims(x.shape, x.strides);
        int outerDims = dense > 0 ? rank - dense : rank - 1;
        int inner = dense > 0 ? run(x.shape, outerDims) : x.shape[rank - 1];
        int innerStride = x.strides[rank - 1];
        int[] idx = new int[rank];
        int pos = x.offset;
        for (int out = 0; out < n; out += inner) {
            if (dense > 0) {
                x.storage.copyTo(pos, dst, at + out, inner);
            } else {
                x.storage.copyStrided(pos, innerStride, dst, at + out, inner);
            }
            pos = next(idx, outerDims, x.shape, x.strides, pos);
        }
    }

    /** How many trailing dimensions of (shape, strides) are laid out contiguously, row-major: 0 when the last stride is not 1. */
    static int denseDims(int[] shape, int[] strides) {
        int dims = 0;
        long expected = 1;
        for (int k = shape.length - 1; k >= 0 && strides[k] == expected; k--) {
            expected *= shape[k];
            dims++;
        }
        return dims;
    }

    /** The product of shape[from..]. */
    private static int run(int[] shape, int from) {
        int r = 1;
        for (int k = from; k < shape.length; k++) {
            r *= shape[k];
        }
        return r;
    }

    /** The dimensions before the trailing ones of stride 0 (a broadcast's repeated tail); all when the last stride is not 0. */
    static int leadingDims(int[] strides) {
        int k = strides.length;
        while (k > 0 && strides[k - 1] == 0) {
            k--;
        }
        return k;
    }

    /** How many consecutive elements of x share one value: the product of its trailing stride-0 dimensions. */
    static int constantRun(Tensor x) {
        int run = 1;
        for (int k = leadingDims(x.strides); k < x.shape.length; k++) {
            run *= x.shape[k];
        }
        return run;
    }

    /**
     * Steps the multi-index idx over dimensions [0, dims) of shape to the next position, last
     * dimension fastest, and returns the storage offset pos moves to with those strides.
     */
    static int next(int[] idx, int dims, int[] shape, int[] strides, int pos) {
        for (int k = dims - 1; k >= 0; k--) {
            pos += strides[k];
            if (++idx[k] < shape[k]) {
                return pos;
            }
            pos -= strides[k] * shape[k];
            idx[k] = 0;
        }
        return pos;
    }

    private static void transposeBlocked(Tensor x, Storage dst, int at) {
        int rows = x.shape[0];
        int cols = x.shape[1];
        int cs = x.strides[1];
        for (int i0 = 0; i0 < rows; i0 += 32) {
            for (int j0 = 0; j0 < cols; j0 += 32) {
                int i1 = Math.min(rows, i0 + 32);
                int j1 = Math.min(cols, j0 + 32);
                for (int i = i0; i < i1; i++) {
                    x.storage.copyStrided(x.offset + i + j0 * cs, cs, dst, at + i * cols + j0, j1 - j0);
                }
            }
        }
    }

    private static Tensor view(Tensor x, int[] shape, int[] strides, int offset) {
        return new Tensor(shape, strides, offset, x.storage);
    }

    static Tensor transpose(Tensor x, int d0, int d1) {
        int a = Shapes.dim(d0, x.shape.length, "transpose");
        int b = Shapes.dim(d1, x.shape.length, "transpose");
        if (x.shape.length == 0) {
            // d transpose(x) = g (a 0-d tensor is its own transpose)
            return Autograd.record("transpose", view(x, x.shape, x.strides, x.offset), (ctx, g) -> new Tensor[] {g}, x);
        }
        int[] shape = x.shape.clone();
        int[] strides = x.strides.clone();
        shape[a] = x.shape[b];
        shape[b] = x.shape[a];
        strides[a] = x.strides[b];
        strides[b] = x.strides[a];
        // d transpose(x) = transpose(g)
        return Autograd.record("transpose", view(x, shape, strides, x.offset), (ctx, g) -> new Tensor[] {g.transpose(a, b)}, x);
    }

    static Tensor permute(Tensor x, int[] dims) {
        int rank = x.shape.length;
        if (dims.length != rank) {
            throw new IllegalArgumentException("permute: " + dims.length + " dimensions " + Shapes.str(dims) + " for a " + rank
                    + "-D tensor " + Shapes.str(x.shape));
        }
        int[] perm = new int[rank];
        int[] inverse = new int[rank];
        boolean[] seen = new boolean[rank];
        int[] shape = new int[rank];
        int[] strides = new int[rank];
        for (int k = 0; k < rank; k++) {
            int d = Shapes.dim(dims[k], rank, "permute");
            if (seen[d]) {
                throw new IllegalArgumentException("permute: dimension " + dims[k] + " repeated in " + Shapes.str(dims));
            }
            seen[d] = true;
            perm[k] = d;
            inverse[d] = k;
            shape[k] = x.shape[d];
            strides[k] = x.strides[d];
        }
        // d permute(x, p) = permute(g, p^-1)
        return Autograd.record("permute", view(x, shape, strides, x.offset), (ctx, g) -> new Tensor[] {g.permute(inverse)}, x);
    }

    static Tensor reshape(Tensor x, int[] requested, boolean strictView) {
        int[] shape = inferShape(x, requested);
        Tensor src = x;
        if (!x.isContiguous()) {
            if (strictView) {
                throw new IllegalStateException("view: the tensor " + Shapes.str(x.shape)
                        + " is not contiguous (a view of another with other strides: transpose, permute, slice, expand);"
                        + " use reshape(), which copies");
            }
            src = x.contiguous();
        }
        int[] from = x.shape;
        // d reshape(x) = reshape(g) to the input's shape
        return Autograd.record(strictView ? "view" : "reshape", view(src, shape, Shapes.contiguousStrides(shape), src.offset),
                (ctx, g) -> new Tensor[] {g.reshape(from)}, src);
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
                known = Math.multiplyExact(known, shape[k]);
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

    /** A view with a size-1 dimension inserted at dim (dim may be rank, or negative from rank + 1). */
    static Tensor unsqueeze(Tensor x, int dim) {
        int rank = x.shape.length;
        int d = dim < 0 ? dim + rank + 1 : dim;
        if (d < 0 || d > rank) {
            throw new IllegalArgumentException("unsqueeze: dimension " + dim + " out of range for a " + rank + "-D tensor (allowed "
                    + -(rank + 1) + " to " + rank + ")");
        }
        int[] shape = new int[rank + 1];
        int[] strides = new int[rank + 1];
        for (int k = 0, j = 0; k <= rank; k++) {
            if (k == d) {
                shape[k] = 1;
                strides[k] = d < rank ? x.strides[d] * x.shape[d] : 1;
            } else {
                shape[k] = x.shape[j];
                strides[k] = x.strides[j++];
            }
        }
        int[] from = x.shape;
        // d unsqueeze(x) = g without the inserted dimension
        return Autograd.record("unsqueeze", view(x, shape, strides, x.offset), (ctx, g) -> new Tensor[] {g.reshape(from)}, x);
    }

    /** A view without the size-1 dimensions (all of them, or only {@code dims} where they have size 1, as PyTorch). */
    static Tensor squeeze(Tensor x, int[] dims) {
        int rank = x.shape.length;
        boolean[] drop = new boolean[rank];
        if (dims == null) {
            for (int k = 0; k < rank; k++) {
                drop[k] = x.shape[k] == 1;
            }
        } else {
            for (int dim : dims) {
                int d = Shapes.dim(dim, rank, "squeeze");
                if (rank > 0) {
                    drop[d] = x.shape[d] == 1;
                }
            }
        }
        int n = 0;
        for (int k = 0; k < rank; k++) {
            n += drop[k] ? 0 : 1;
        }
        int[] shape = new int[n];
        int[] strides = new int[n];
        for (int k = 0, j = 0; k < rank; k++) {
            if (!drop[k]) {
                shape[j] = x.shape[k];
                strides[j++] = x.strides[k];
            }
        }
        int[] from = x.shape;
        // d squeeze(x) = g with the dropped dimensions back
        return Autograd.record("squeeze", view(x, shape, strides, x.offset), (ctx, g) -> new Tensor[] {g.reshape(from)}, x);
    }

    /**
     * A view of x repeated along size-1 (or new leading) dimensions without copying: stride 0
     * there; -1 keeps a size. The gradient is summed back over the expanded dimensions.
     */
    static Tensor expand(Tensor x, int[] sizes) {
        int rank = x.shape.length;
        if (sizes.length < rank) {
            throw new IllegalArgumentException("expand: the target " + Shapes.str(sizes) + " has fewer dimensions than the tensor "
                    + Shapes.str(x.shape));
        }
        int lead = sizes.length - rank;
        int[] shape = sizes.clone();
        for (int k = 0; k < sizes.length; k++) {
            boolean added = k < lead;
            int own = added ? 1 : x.shape[k - lead];
            if (sizes[k] == -1) {
                if (added) {
                    throw new IllegalArgumentException("expand: -1 is not allowed for the new leading dimension " + k + " in "
                            + Shapes.str(sizes));
                }
                shape[k] = own;
            } else if (sizes[k] < 0) {
                throw new IllegalArgumentException("expand: invalid size " + sizes[k] + " in " + Shapes.str(sizes));
            } else if (own != 1 && own != sizes[k]) {
                throw new IllegalArgumentException("expand: the tensor " + Shapes.str(x.shape) + " cannot be expanded to "
                        + Shapes.str(sizes) + " (dimension " + k + ": " + own + " vs " + sizes[k] + "; only size-1 dimensions expand)");
            }
        }
        Shapes.checkShape("expand", shape);
        // d expand(x) = g, which the engine sums over the expanded dimensions
        return Autograd.record("expand", view(x, shape, Shapes.expandStrides(x.shape, x.strides, shape), x.offset),
                (ctx, g) -> new Tensor[] {g}, x);
    }

    static Tensor slice(Tensor x, int dim, int startBound, int endBound) {
        int dd = Shapes.realDim(dim, x.shape, "slice");
        int size = x.shape[dd];
        // Python's x[a:b]: a negative bound counts from the end, and bounds past either end are clamped to it
        int start = Math.max(0, Math.min(size, startBound < 0 ? startBound + size : startBound));
        int end = Math.max(0, Math.min(size, endBound < 0 ? endBound + size : endBound));
        if (start >= end) {
            throw new IllegalArgumentException("slice: range [" + startBound + ", " + endBound + ") is empty for dimension " + dd
                    + " of size " + size + " in " + Shapes.str(x.shape) + " (vecgrad has no empty slices)");
        }
        int[] shape = x.shape.clone();
        shape[dd] = end - start;
        int[] full = x.shape;
        // d slice(x) = g placed at [start, end) of zeros
        return Autograd.record("slice", view(x, shape, x.strides.clone(), x.offset + start * x.strides[dd]),
                (ctx, g) -> new Tensor[] {pad(g, full, dd, start)}, x);
    }

    /** g placed into zeros of shape full at offset start along dim. */
    private static Tensor pad(Tensor g, int[] full, int dim, int start) {
        Tensor out = Tensor.emptyLike(g, full.clone());
        assign(view(out, g.shape, out.strides.clone(), start * out.strides[dim]), g);
        return out;
    }

    /** dst[...] = src[...] elementwise, same shapes, dst a view of a contiguous tensor's storage. */
    static void assign(Tensor dst, Tensor src) {
        Tensor c = src.contiguous();
        int rank = dst.shape.length;
        int n = c.numel();
        if (n == 0) {
            return;
        }
        if (rank == 0) {
            c.storage.copyTo(c.offset, dst.storage, dst.offset, 1);
            return;
        }
        // the trailing dimensions dst lays out contiguously are one run (cat along channels: a copy a channel block)
        int dense = denseDims(dst.shape, dst.strides);
        int outerDims = dense > 0 ? rank - dense : rank - 1;
        int inner = dense > 0 ? run(dst.shape, outerDims) : dst.shape[rank - 1];
        int[] idx = new int[rank];
        int pd = dst.offset;
        for (int i = 0; i < n; i += inner) {
            if (dense > 0) {
                c.storage.copyTo(c.offset + i, dst.storage, pd, inner);
            } else {
                for (int j = 0; j < inner; j++) {
                    dst.storage.set(pd + j * dst.strides[rank - 1], c.storage.get(c.offset + i + j));
                }
            }
            pd = next(idx, outerDims, dst.shape, dst.strides, pd);
        }
    }

    static Tensor indexSelect(Tensor x, int dim, int[] index) {
        int dd = Shapes.realDim(dim, x.shape, "indexSelect");
        int size = x.shape[dd];
        for (int i : index) {
            if (i < 0 || i >= size) {
                throw new IndexOutOfBoundsException("indexSelect: index " + i + " out of range for dimension " + dd
                        + " of size " + size + " in " + Shapes.str(x.shape));
            }
        }
        int[] idx = index.clone();
        Tensor c = x.contiguous();
        int[] shape = c.shape.clone();
        shape[dd] = idx.length;
        Tensor out = Tensor.emptyLike(c, shape);
        int inner = Shapes.inner(shape, dd);
        int outer = idx.length * inner == 0 ? 0 : Shapes.numel(shape) / (idx.length * inner);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idx.length; j++) {
                c.storage.copyTo(c.offset + (o * size + idx[j]) * inner, out.storage, (o * idx.length + j) * inner, inner);
            }
        }
        int[] full = x.shape;
        // d indexSelect(x) = g added back at the picked rows (repeats add up)
        return Autograd.record("indexSelect", out, (ctx, g) -> {
            Tensor gc = g.contiguous();
            Tensor gx = Tensor.emptyLike(g, full.clone());
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < idx.length; j++) {
                    gc.storage.axpy(1, gc.offset + (o * idx.length + j) * inner, gx.storage, (o * size + idx[j]) * inner, inner);
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
        int dd = Shapes.realDim(dim, first.shape, "cat");
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
            shape[dd] = Math.addExact(shape[dd], x.shape[dd]);
        }
        Tensor out = Tensor.emptyLike(first, shape);
        int[] starts = new int[tensors.size()];
        int at = 0;
        for (int t = 0; t < tensors.size(); t++) {
            Tensor x = tensors.get(t);
            starts[t] = at;
            assign(view(out, x.shape, out.strides.clone(), at * out.strides[dd]), x);
            at += x.shape[dd];
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        int[] ends = new int[inputs.length];
        for (int t = 0; t < inputs.length; t++) {
            ends[t] = starts[t] + inputs[t].shape[dd];
        }
        // d cat(x_i) = the slices of g
        return Autograd.record("cat", out, (ctx, g) -> {
            Tensor[] grads = new Tensor[starts.length];
            for (int t = 0; t < starts.length; t++) {
                grads[t] = g.slice(dd, starts[t], ends[t]);
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
            expanded[t] = x.unsqueeze(dd);
        }
        return cat(List.of(expanded), dd);
    }

    /** Views of consecutive pieces along dim with the given sizes (which must add up to the dimension). */
    static List<Tensor> split(Tensor x, int[] sizes, int dim) {
        int dd = Shapes.realDim(dim, x.shape, "split");
        long total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: negative size in " + Shapes.str(sizes));
            }
            total += s;
        }
        if (total != x.shape[dd]) {
            throw new IllegalArgumentException("split: sizes " + Shapes.str(sizes) + " add up to " + total + ", dimension " + dd
                    + " of " + Shapes.str(x.shape) + " has " + x.shape[dd]);
        }
        List<Tensor> out = new ArrayList<>(sizes.length);
        int at = 0;
        for (int s : sizes) {
            out.add(x.slice(dd, at, at + s));
            at += s;
        }
        return out;
    }

    /** Pieces of {@code size} along dim, the last one smaller when size does not divide it (PyTorch's split(int)). */
    static List<Tensor> split(Tensor x, int size, int dim) {
        int dd = Shapes.realDim(dim, x.shape, "split");
        if (size <= 0) {
            throw new IllegalArgumentException("split: the piece size must be positive, got " + size);
        }
        int n = x.shape[dd];
        int pieces = n == 0 ? 1 : (n - 1) / size + 1;
        int[] sizes = new int[pieces];
        for (int i = 0; i < pieces; i++) {
            sizes[i] = Math.min(size, n - i * size);
        }
        return split(x, sizes, dd);
    }

    /** {@code chunks} pieces (fewer when the dimension is small), each of ceil(n / chunks), as PyTorch's chunk. */
    static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk: the number of chunks must be positive, got " + chunks);
        }
        int dd = Shapes.realDim(dim, x.shape, "chunk");
        int n = x.shape[dd];
        return split(x, n == 0 ? 1 : (n - 1) / chunks + 1, dd);
    }
}
