package dev.vecgrad.autograd;

/**
 * Index-driven ops: gather / scatter-add (each other's derivative), index-add and the
 * embedding lookup. Indices are whole numbers held in a float tensor or an {@code int[]}
 * (vecgrad has no integer dtype; float32 holds every whole number below 2^24 exactly).
 */
final class Indexing {

    private Indexing() {}

    /** The whole-number values of an index tensor, each checked to be in [0, size). */
    static int[] indices(String op, Tensor index, int size, String what) {
        double[] v = index.toDoubleArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            double x = v[i];
            if (x != Math.rint(x) || x < 0 || x >= size) {
                throw new IndexOutOfBoundsException(op + ": index " + x + " (element " + i + " of the index " + Shapes.str(index.shape)
                        + ") is not a whole number in [0, " + size + ") for " + what);
            }
            out[i] = (int) x;
        }
        return out;
    }

    /** Index shape must have x's rank and fit x in every dimension but dim (PyTorch's gather/scatter rule). */
    private static void checkIndexShape(String op, Tensor x, int dim, Tensor index) {
        if (index.shape.length != x.shape.length) {
            throw new IllegalArgumentException(op + ": the index " + Shapes.str(index.shape) + " must have the rank of the tensor "
                    + Shapes.str(x.shape));
        }
        for (int k = 0; k < x.shape.length; k++) {
            if (k != dim && index.shape[k] > x.shape[k]) {
                throw new IllegalArgumentException(op + ": the index " + Shapes.str(index.shape) + " is larger than the tensor "
                        + Shapes.str(x.shape) + " in dimension " + k);
            }
        }
    }

    /** Storage position in contiguous x of the element at flat position i of the index, with the index value along dim. */
    private static int position(int i, int[] indexShape, int dim, int value, int[] strides) {
        int pos = 0;
        for (int k = indexShape.length - 1; k >= 0; k--) {
            int c = i % indexShape[k];
            i /= indexShape[k];
            pos += (k == dim ? value : c) * strides[k];
        }
        return pos;
    }

    static Tensor gather(Tensor x, int dim, Tensor index) {
        int d = Shapes.realDim(dim, x.shape, "gather");
        checkIndexShape("gather", x, d, index);
        int[] idx = indices("gather", index, x.shape[d], "dimension " + d + " of " + Shapes.str(x.shape));
        Tensor c = x.contiguous();
        int[] shape = index.shape.clone();
        Tensor out = Tensor.emptyLike(c, shape);
        int[] pos = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            pos[i] = position(i, shape, d, idx[i], c.strides);
            out.storage.set(i, c.storage.get(c.offset + pos[i]));
        }
        int[] from = x.shape;
        // d gather(x) = g scattered back to the gathered positions (repeats add up)
        return Autograd.record("gather", out, (ctx, g) -> new Tensor[] {scatter(g, pos, from)}, x);
    }

    /** zeros of shape with g's elements added at the storage positions pos. */
    private static Tensor scatter(Tensor g, int[] pos, int[] shape) {
        Tensor gc = g.contiguous();
        Tensor out = Tensor.emptyLike(g, shape.clone());
        for (int i = 0; i < pos.length; i++) {
            gc.storage.accumulate(gc.offset + i, out.storage, pos[i]);
        }
        return out;
    }

    static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        Pointwise.checkDtypes("scatterAdd", x, src);
        int d = Shapes.realDim(dim, x.shape, "scatterAdd");
        checkIndexShape("scatterAdd", x, d, index);
        if (src.shape.length != index.shape.length) {
            throw new IllegalArgumentException("scatterAdd: src " + Shapes.str(src.shape) + " must have the rank of the index "
                    + Shapes.str(index.shape));
        }
        for (int k = 0; k < index.shape.length; k++) {
            if (index.shape[k] > src.shape[k]) {
                throw new IllegalArgumentException("scatterAdd: the index " + Shapes.str(index.shape) + " is larger than src "
                        + Shapes.str(src.shape) + " in dimension " + k);
            }
        }
        int[] idx = indices("scatterAdd", index, x.shape[d], "dimension " + d + " of " + Shapes.str(x.shape));
        Tensor out = Views.copyRaw(x);
        // src elements at the index's positions (src may be larger than the index)
        Tensor picked = src.slice(0, 0, index.shape[0]);
        for (int k = 1; k < index.shape.length; k++) {
            picked = picked.slice(k, 0, index.shape[k]);
        }
        Tensor sc = Views.copyRaw(picked);
        int[] pos = new int[idx.length];
        int[] outStrides = out.strides;
        for (int i = 0; i < idx.length; i++) {
            pos[i] = position(i, index.shape, d, idx[i], outStrides);
            sc.storage.accumulate(i, out.storage, pos[i]);
        }
        int[] srcShape = src.shape;
        int[] indexShape = index.shape.clone();
        // d scatterAdd = (g, g gathered at the index's positions, zero where src was not used)
        return Autograd.record("scatterAdd", out, (ctx, g) -> {
            Tensor gc = g.contiguous();
            Tensor gs = Tensor.emptyLike(g, srcShape.clone());
            int[] srcStrides = gs.strides;
            for (int i = 0; i < pos.length; i++) {
                gs.storage.set(position(i, indexShape, -1, 0, srcStrides), gc.storage.get(gc.offset + pos[i]));
            }
            return new Tensor[] {g, gs};
        }, x, src);
    }

    static Tensor indexAdd(Tensor x, int dim, int[] index, Tensor source) {
        Pointwise.checkDtypes("indexAdd", x, source);
        int d = Shapes.realDim(dim, x.shape, "indexAdd");
        int[] expected = x.shape.clone();
        expected[d] = index.length;
        if (!Shapes.same(expected, source.shape)) {
            throw new IllegalArgumentException("indexAdd: source " + Shapes.str(source.shape) + " should be " + Shapes.str(expected)
                    + " for " + index.length + " indices into dimension " + d + " of " + Shapes.str(x.shape));
        }
        int size = x.shape[d];
        for (int i : index) {
            if (i < 0 || i >= size) {
                throw new IndexOutOfBoundsException("indexAdd: index " + i + " out of range for dimension " + d + " of size " + size);
            }
        }
        int[] idx = index.clone();
        Tensor out = Views.copyRaw(x);
        Tensor sc = source.contiguous();
        int inner = Shapes.inner(x.shape, d);
        int outer = size * inner == 0 ? 0 : x.numel() / (size * inner);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idx.length; j++) {
                sc.storage.axpy(1, sc.offset + (o * idx.length + j) * inner, out.storage, (o * size + idx[j]) * inner, inner);
            }
        }
        // d indexAdd = (g, g's rows at the index)
        return Autograd.record("indexAdd", out, (ctx, g) -> new Tensor[] {g, ctx.needsInputGrad(1) ? g.indexSelect(d, idx) : null},
                x, source);
    }

    /** NO_PADDING as paddingIdx: every row gets its gradient. */
    static final int NO_PADDING = Integer.MIN_VALUE;

    static Tensor embedding(Tensor indices, Tensor weight, int padding) {
        if (weight.shape.length != 2) {
            throw new IllegalArgumentException("embedding: the weight must be [num_embeddings, embedding_dim], got "
                    + Shapes.str(weight.shape));
        }
        int vocab = weight.shape[0];
        int dim = weight.shape[1];
        if (padding != NO_PADDING && (padding >= vocab || padding < -vocab)) {
            throw new IllegalArgumentException("embedding: padding index " + padding + " is out of range for num_embeddings " + vocab);
        }
        int paddingIdx = padding == NO_PADDING ? -1 : padding < 0 ? padding + vocab : padding;
        int[] idx = indices("embedding", indices, vocab, "an embedding of " + vocab + " rows");
        Tensor w = weight.contiguous();
        int[] shape = java.util.Arrays.copyOf(indices.shape, indices.shape.length + 1);
        shape[indices.shape.length] = dim;
        Tensor out = Tensor.emptyLike(w, shape);
        for (int i = 0; i < idx.length; i++) {
            w.storage.copyTo(w.offset + idx[i] * dim, out.storage, i * dim, dim);
        }
        // d embedding / d weight = the rows of g added at their indices (none for the padding row)
        return Autograd.record("embedding", out, (ctx, g) -> {
            Tensor gc = g.contiguous();
            Tensor gw = Tensor.emptyLike(g, vocab, dim);
            for (int i = 0; i < idx.length; i++) {
                if (idx[i] != paddingIdx) {
                    gc.storage.axpy(1, gc.offset + i * dim, gw.storage, idx[i] * dim, dim);
                }
            }
            return new Tensor[] {gw};
        }, weight);
    }
}
