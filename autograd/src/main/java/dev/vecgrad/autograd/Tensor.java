package dev.vecgrad.autograd;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * An n-dimensional array of float32 or float64 with reverse-mode automatic differentiation,
 * named and behaving like PyTorch's {@code torch.Tensor}.
 *
 * <p>Storage is a {@code float[]} or {@code double[]} with a shape, strides and an offset:
 * {@link #transpose}, {@link #t}, {@link #slice} and {@link #view} share storage; other ops
 * return new tensors. Ops follow NumPy broadcasting and PyTorch's derivative conventions
 * (relu'(0) = 0, mean reductions, cross-entropy on logits). Mixing dtypes in one op throws,
 * naming both.
 *
 * <p>Autograd: a tensor built by ops from tensors that {@link #requiresGrad()} records its
 * op; {@link #backward()} runs the chain rule over the graph in reverse topological order and
 * adds the gradients into the {@link #grad()} of the leaves. Gradients accumulate across
 * backward calls until {@link #zeroGrad()}; a tensor used on several paths gets the sum of
 * their gradients. The graph is freed by backward (a second backward through it throws)
 * unless {@link #backward(Tensor, boolean)} retains it. {@link Grad#disabled()} records no graph.
 *
 * <p>Thread safety: tensors are not synchronized; share them read-only between threads, or
 * build separate graphs per thread. Kernels run on {@link dev.vecgrad.kernels.Parallelism}.
 */
public final class Tensor {

    final DType dtype;
    final int[] shape;
    final int[] strides;
    final int offset;
    /** Exactly one of f and d is non-null. */
    final float[] f;
    final double[] d;

    private boolean requiresGrad;
    Tensor grad;
    Node node;
    /** Gradient being summed for this tensor during a backward pass. */
    Tensor pending;

    Tensor(DType dtype, int[] shape, int[] strides, int offset, float[] f, double[] d) {
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.f = f;
        this.d = d;
    }

    /** A new contiguous tensor over {@code data} (not copied). */
    static Tensor wrap(float[] data, int... shape) {
        return new Tensor(DType.F32, shape, Shapes.contiguousStrides(shape), 0, data, null);
    }

    /** A new contiguous tensor over {@code data} (not copied). */
    static Tensor wrap(double[] data, int... shape) {
        return new Tensor(DType.F64, shape, Shapes.contiguousStrides(shape), 0, null, data);
    }

    /** A new contiguous tensor of zeros. */
    static Tensor empty(DType dtype, int... shape) {
        int n = Shapes.numel(shape);
        return dtype == DType.F32 ? wrap(new float[n], shape) : wrap(new double[n], shape);
    }

    // ---------------------------------------------------------------- factories

    /**
     * A float32 tensor holding a copy of {@code data}, row-major.
     *
     * @throws IllegalArgumentException if the shape has a negative size or does not hold data.length elements
     */
    public static Tensor of(float[] data, int... shape) {
        Shapes.checkData("Tensor.of", data.length, shape);
        return wrap(data.clone(), shape.clone());
    }

    /** A float64 tensor holding a copy of {@code data}, row-major. */
    public static Tensor of(double[] data, int... shape) {
        Shapes.checkData("Tensor.of", data.length, shape);
        return wrap(data.clone(), shape.clone());
    }

    /**
     * A float32 tensor over {@code data} itself, not a copy (as {@code torch.from_numpy}): writes
     * to the array show in the tensor. For data loaders that fill a fresh array per batch.
     *
     * @throws IllegalArgumentException if the shape has a negative size or does not hold data.length elements
     */
    public static Tensor fromArray(float[] data, int... shape) {
        Shapes.checkData("Tensor.fromArray", data.length, shape);
        return wrap(data, shape.clone());
    }

    /** A float64 tensor over {@code data} itself, not a copy; see {@link #fromArray(float[], int...)}. */
    public static Tensor fromArray(double[] data, int... shape) {
        Shapes.checkData("Tensor.fromArray", data.length, shape);
        return wrap(data, shape.clone());
    }

    /** A 0-dimensional float32 tensor. */
    public static Tensor scalar(float value) {
        return wrap(new float[] {value});
    }

    /** A 0-dimensional float64 tensor. */
    public static Tensor scalar(double value) {
        return wrap(new double[] {value});
    }

    /** A 0-dimensional tensor of the given dtype. */
    public static Tensor scalar(DType dtype, double value) {
        return full(dtype, value);
    }

    public static Tensor zeros(DType dtype, int... shape) {
        Shapes.checkShape("zeros", shape);
        return empty(dtype, shape.clone());
    }

    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1, shape);
    }

    /** A tensor filled with {@code value}. */
    public static Tensor full(DType dtype, double value, int... shape) {
        Shapes.checkShape("full", shape);
        Tensor t = empty(dtype, shape.clone());
        if (t.f != null) {
            Arrays.fill(t.f, (float) value);
        } else {
            Arrays.fill(t.d, value);
        }
        return t;
    }

    /** Standard normal samples from {@code rng} (Box-Muller via {@link Random#nextGaussian()}). */
    public static Tensor randn(Random rng, DType dtype, int... shape) {
        Shapes.checkShape("randn", shape);
        Tensor t = empty(dtype, shape.clone());
        for (int i = 0; i < t.numel(); i++) {
            t.setFlat(i, rng.nextGaussian());
        }
        return t;
    }

    /** Standard normal samples from a generator seeded with {@code seed}. */
    public static Tensor randn(long seed, DType dtype, int... shape) {
        return randn(new Random(seed), dtype, shape);
    }

    /** Uniform samples in [0, 1) from {@code rng}. */
    public static Tensor rand(Random rng, DType dtype, int... shape) {
        Shapes.checkShape("rand", shape);
        Tensor t = empty(dtype, shape.clone());
        for (int i = 0; i < t.numel(); i++) {
            t.setFlat(i, rng.nextDouble());
        }
        return t;
    }

    /** Uniform samples in [0, 1) from a generator seeded with {@code seed}. */
    public static Tensor rand(long seed, DType dtype, int... shape) {
        return rand(new Random(seed), dtype, shape);
    }

    /** 0, 1, ..., n - 1 as a 1-D tensor. */
    public static Tensor arange(DType dtype, int n) {
        return arange(dtype, 0, n, 1);
    }

    /** start, start + step, ... below end (above, for a negative step), as a 1-D tensor. */
    public static Tensor arange(DType dtype, double start, double end, double step) {
        if (step == 0 || !Double.isFinite(start) || !Double.isFinite(end) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("arange: start, end and step must be finite and step non-zero, got "
                    + start + ", " + end + ", " + step);
        }
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        Tensor t = empty(dtype, n);
        for (int i = 0; i < n; i++) {
            t.setFlat(i, start + i * step);
        }
        return t;
    }

    // ---------------------------------------------------------------- information

    /** The sizes of the dimensions (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code dim} (negative counts from the end). */
    public int size(int dim) {
        return shape[Shapes.dim(dim, shape.length, "size")];
    }

    public int dim() {
        return shape.length;
    }

    public DType dtype() {
        return dtype;
    }

    public int numel() {
        return Shapes.numel(shape);
    }

    /**
     * The single value of a one-element tensor.
     *
     * @throws IllegalStateException if the tensor has more than one element
     */
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException("item: only a one-element tensor has an item, this one is "
                    + Shapes.str(shape) + " (" + numel() + " elements)");
        }
        return getFlat(0);
    }

    /** The elements in row-major order, as float (converted if float64). */
    public float[] toFloatArray() {
        Tensor c = contiguous();
        if (c.f != null) {
            return Arrays.copyOfRange(c.f, c.offset, c.offset + c.numel());
        }
        float[] out = new float[c.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) c.d[c.offset + i];
        }
        return out;
    }

    /** The elements in row-major order, as double. */
    public double[] toDoubleArray() {
        Tensor c = contiguous();
        double[] out = new double[c.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = c.f != null ? c.f[c.offset + i] : c.d[c.offset + i];
        }
        return out;
    }

    /** This tensor converted to {@code target} (this when already of that dtype); differentiable. */
    public Tensor to(DType target) {
        return Pointwise.convert(this, target);
    }

    /** True when the elements are laid out row-major without gaps from {@link #offset}. */
    boolean isContiguous() {
        return Arrays.equals(strides, Shapes.contiguousStrides(shape));
    }

    /** This tensor if contiguous, else a contiguous copy (differentiable). */
    public Tensor contiguous() {
        return isContiguous() ? this : Views.copy(this);
    }

    /** Element at flat row-major position i (for small tensors and tests; slow). */
    double getFlat(int i) {
        int pos = Shapes.position(i, shape, strides, offset);
        return f != null ? f[pos] : d[pos];
    }

    /** Element at the given indices. */
    public double get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get: " + index.length + " indices for a " + shape.length + "-D tensor "
                    + Shapes.str(shape));
        }
        int pos = offset;
        for (int k = 0; k < index.length; k++) {
            int i = index[k];
            if (i < 0 || i >= shape[k]) {
                throw new IndexOutOfBoundsException("get: index " + i + " out of range for dimension " + k + " of size " + shape[k]);
            }
            pos += i * strides[k];
        }
        return f != null ? f[pos] : d[pos];
    }

    private void setFlat(int i, double v) {
        if (f != null) {
            f[offset + i] = (float) v;
        } else {
            d[offset + i] = v;
        }
    }

    // ---------------------------------------------------------------- direct storage access

    /**
     * The float32 storage of this contiguous tensor, element i at {@code floatData()[dataOffset() + i]}:
     * for optimizers, initializers and loaders that update parameters in place. Writing through
     * it bypasses autograd, as {@code p.data} does in PyTorch.
     *
     * @throws IllegalStateException if the tensor is float64 or not contiguous
     */
    public float[] floatData() {
        requireContiguous("floatData");
        if (f == null) {
            throw new IllegalStateException("floatData: the tensor is float64; use doubleData()");
        }
        return f;
    }

    /** The float64 storage of this contiguous tensor; see {@link #floatData()}. */
    public double[] doubleData() {
        requireContiguous("doubleData");
        if (d == null) {
            throw new IllegalStateException("doubleData: the tensor is float32; use floatData()");
        }
        return d;
    }

    /** Offset of element 0 in {@link #floatData()} / {@link #doubleData()}. */
    public int dataOffset() {
        return offset;
    }

    /** Copies src's values into this tensor in place (same shape; converts dtype); no autograd. Returns this. */
    public Tensor copyFrom(Tensor src) {
        requireContiguous("copyFrom");
        if (!Shapes.same(src.shape, shape)) {
            throw new IllegalArgumentException("copyFrom: source " + Shapes.str(src.shape) + " and target "
                    + Shapes.str(shape) + " differ in shape");
        }
        double[] v = src.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            setFlat(i, v[i]);
        }
        return this;
    }

    private void requireContiguous(String op) {
        if (!isContiguous()) {
            throw new IllegalStateException(op + ": the tensor " + Shapes.str(shape) + " is a non-contiguous view; use contiguous()");
        }
    }

    // ---------------------------------------------------------------- autograd

    /** Marks this tensor as a leaf whose gradient is wanted (or not); returns this. */
    public Tensor requiresGrad(boolean value) {
        if (node != null && !value) {
            throw new IllegalStateException("requiresGrad(false): this tensor is the output of '" + node.op
                    + "'; use detach() to cut it from the graph");
        }
        requiresGrad = value;
        return this;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** True for tensors not produced by a recorded op (parameters, inputs). */
    public boolean isLeaf() {
        return node == null;
    }

    /** The accumulated gradient, or null before the first backward that reaches this leaf. */
    public Tensor grad() {
        return grad;
    }

    /** Clears the accumulated gradient. */
    public void zeroGrad() {
        grad = null;
    }

    /** Same storage, cut from the graph: no gradient flows through the result. */
    public Tensor detach() {
        return new Tensor(dtype, shape, strides, offset, f, d);
    }

    /**
     * Backpropagates from this one-element tensor (a loss): seeds it with 1.
     *
     * @throws IllegalStateException if the tensor has more than one element (pass a seed), or
     *         does not require grad, or its graph was already freed by an earlier backward
     */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException("backward: the tensor is " + Shapes.str(shape)
                    + "; grad can be implicitly created only for one-element outputs, pass a seed: backward(seed)");
        }
        backward(Tensor.full(dtype, 1, shape), false);
    }

    /** Backpropagates {@code seed}, the gradient of some scalar with respect to this tensor. */
    public void backward(Tensor seed) {
        backward(seed, false);
    }

    /** As {@link #backward(Tensor)}; with {@code retainGraph} the graph can be used again. */
    public void backward(Tensor seed, boolean retainGraph) {
        Autograd.backward(this, seed, retainGraph);
    }

    /** The op that produced this tensor, or null for a leaf: for messages and debugging. */
    public String gradFn() {
        return node == null ? null : node.op;
    }

    // ---------------------------------------------------------------- arithmetic (broadcasting)

    public Tensor add(Tensor other) {
        return Pointwise.add(this, other);
    }

    public Tensor sub(Tensor other) {
        return Pointwise.sub(this, other);
    }

    public Tensor mul(Tensor other) {
        return Pointwise.mul(this, other);
    }

    public Tensor div(Tensor other) {
        return Pointwise.div(this, other);
    }

    public Tensor add(double s) {
        return Pointwise.addScalar(this, s);
    }

    public Tensor sub(double s) {
        return Pointwise.addScalar(this, -s);
    }

    public Tensor mul(double s) {
        return Pointwise.mulScalar(this, s);
    }

    public Tensor div(double s) {
        return Pointwise.mulScalar(this, 1 / s);
    }

    /** {@code s - this}. */
    public Tensor rsub(double s) {
        return Pointwise.addScalar(Pointwise.neg(this), s);
    }

    public Tensor neg() {
        return Pointwise.neg(this);
    }

    /** Elementwise power with a constant exponent. */
    public Tensor pow(double exponent) {
        return Pointwise.pow(this, exponent);
    }

    public Tensor sqrt() {
        return Pointwise.sqrt(this);
    }

    public Tensor exp() {
        return Pointwise.exp(this);
    }

    public Tensor log() {
        return Pointwise.log(this);
    }

    public Tensor abs() {
        return Pointwise.abs(this);
    }

    // ---------------------------------------------------------------- activations

    public Tensor relu() {
        return Pointwise.relu(this);
    }

    public Tensor leakyRelu(double negativeSlope) {
        return Pointwise.leakyRelu(this, negativeSlope);
    }

    public Tensor sigmoid() {
        return Pointwise.sigmoid(this);
    }

    public Tensor tanh() {
        return Pointwise.tanh(this);
    }

    /** GELU, exact (erf) form, PyTorch's default. */
    public Tensor gelu() {
        return Pointwise.gelu(this, false);
    }

    /** GELU; {@code approximate} = "tanh" for the tanh form, "none" for the exact one. */
    public Tensor gelu(String approximate) {
        return switch (approximate) {
            case "none" -> Pointwise.gelu(this, false);
            case "tanh" -> Pointwise.gelu(this, true);
            default -> throw new IllegalArgumentException("gelu: approximate must be 'none' or 'tanh', got '" + approximate + "'");
        };
    }

    /** Elementwise clamp to [lo, hi]. */
    public Tensor clamp(double lo, double hi) {
        return Pointwise.clamp(this, lo, hi);
    }

    /**
     * Inverted dropout: in training, zeroes each element with probability p and scales the
     * rest by 1 / (1 - p); otherwise the identity.
     */
    public Tensor dropout(double p, boolean training, Random rng) {
        return Pointwise.dropout(this, p, training, rng);
    }

    // ---------------------------------------------------------------- linear algebra

    /** Matrix product: 2-D x 2-D, batched 3-D x 3-D, or 3-D x 2-D (shared right operand). */
    public Tensor matmul(Tensor other) {
        return LinAlg.matmul(this, other);
    }

    // ---------------------------------------------------------------- shape

    /** Swaps two dimensions (a view). */
    public Tensor transpose(int dim0, int dim1) {
        return Views.transpose(this, dim0, dim1);
    }

    /** The transpose of a 2-D tensor (a view). */
    public Tensor t() {
        if (shape.length != 2) {
            throw new IllegalArgumentException("t: expects a 2-D tensor, got " + Shapes.str(shape));
        }
        return Views.transpose(this, 0, 1);
    }

    /** The same elements in a new shape; one size may be -1 (inferred). Copies when not contiguous. */
    public Tensor reshape(int... newShape) {
        return Views.reshape(this, newShape, false);
    }

    /**
     * The same storage in a new shape; one size may be -1.
     *
     * @throws IllegalStateException if the tensor is not contiguous (use reshape)
     */
    public Tensor view(int... newShape) {
        return Views.reshape(this, newShape, true);
    }

    /** All dimensions into one. */
    public Tensor flatten() {
        return Views.reshape(this, new int[] {-1}, false);
    }

    /** Dimensions startDim..end into one (like torch.flatten(x, start_dim)). */
    public Tensor flatten(int startDim) {
        int s = Shapes.dim(startDim, shape.length, "flatten");
        int[] ns = Arrays.copyOf(shape, s + 1);
        ns[s] = -1;
        return Views.reshape(this, ns, false);
    }

    /** Elements start..end-1 along {@code dim} (a view); like {@code x.narrow(dim, start, end - start)}. */
    public Tensor slice(int dim, int start, int end) {
        return Views.slice(this, dim, start, end);
    }

    /** Rows (entries along {@code dim}) picked by {@code index}, which may repeat. */
    public Tensor indexSelect(int dim, int[] index) {
        return Views.indexSelect(this, dim, index);
    }

    /** Concatenation along an existing dimension. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return Views.cat(tensors, dim);
    }

    /** Stacking along a new dimension. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return Views.stack(tensors, dim);
    }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements, a 0-D tensor. */
    public Tensor sum() {
        return Reduce.sum(this, null, false);
    }

    /** Sum over the given dimensions. */
    public Tensor sum(int[] dims, boolean keepDim) {
        return Reduce.sum(this, dims, keepDim);
    }

    public Tensor sum(int dim, boolean keepDim) {
        return Reduce.sum(this, new int[] {dim}, keepDim);
    }

    public Tensor mean() {
        return Reduce.mean(this, null, false);
    }

    public Tensor mean(int[] dims, boolean keepDim) {
        return Reduce.mean(this, dims, keepDim);
    }

    public Tensor mean(int dim, boolean keepDim) {
        return Reduce.mean(this, new int[] {dim}, keepDim);
    }

    /** Largest element, a 0-D tensor (the gradient is split evenly between tied maxima, as in PyTorch). */
    public Tensor max() {
        return Reduce.max(this, null, false);
    }

    /** Largest values along a dimension (gradient to the first maximum of each slice). */
    public Tensor max(int dim, boolean keepDim) {
        return Reduce.max(this, new int[] {dim}, keepDim);
    }

    /** Indices of the largest values along a dimension (first of ties; NaN counts as largest). */
    public int[] argmax(int dim) {
        return Reduce.argmax(this, dim);
    }

    public Tensor softmax(int dim) {
        return Reduce.softmax(this, dim, false);
    }

    public Tensor logSoftmax(int dim) {
        return Reduce.softmax(this, dim, true);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("tensor(");
        int n = numel();
        if (n <= 64) {
            sb.append(Arrays.toString(toDoubleArray()));
        } else {
            sb.append("[").append(getFlat(0)).append(", ..., ").append(getFlat(n - 1)).append("]");
        }
        sb.append(", shape=").append(Shapes.str(shape)).append(", dtype=").append(dtype.torchName());
        if (node != null) {
            sb.append(", grad_fn=").append(node.op);
        } else if (requiresGrad) {
            sb.append(", requires_grad=true");
        }
        return sb.append(')').toString();
    }
}
