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
    /** The elements (shared by views) and their version counter. */
    final Storage storage;

    private boolean requiresGrad;
    /** Set by {@link #retainGrad()}: backward keeps this non-leaf's gradient in {@link #grad}. */
    boolean retainsGrad;
    Tensor grad;
    Node node;
    /** Gradient being summed for this tensor during a backward pass. */
    Tensor pending;

    Tensor(int[] shape, int[] strides, int offset, Storage storage) {
        this.dtype = storage.dtype();
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.storage = storage;
    }

    /** A new contiguous tensor over {@code storage} from element 0. */
    static Tensor wrap(Storage storage, int... shape) {
        return new Tensor(shape, Shapes.contiguousStrides(shape), 0, storage);
    }

    /** A new contiguous tensor over {@code data} (not copied). */
    static Tensor wrap(float[] data, int... shape) {
        return wrap(new FloatStorage(data), shape);
    }

    /** A new contiguous tensor over {@code data} (not copied). */
    static Tensor wrap(double[] data, int... shape) {
        return wrap(new DoubleStorage(data), shape);
    }

    /** A new contiguous tensor of zeros. */
    static Tensor empty(DType dtype, int... shape) {
        return wrap(Storage.zeros(dtype, Shapes.numel(shape)), shape);
    }

    /** A new contiguous tensor of zeros with the dtype of {@code like}. */
    static Tensor emptyLike(Tensor like, int... shape) {
        return wrap(like.storage.zeros(Shapes.numel(shape)), shape);
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

    /** A float32 tensor of zeros (PyTorch's default dtype). */
    public static Tensor zeros(int... shape) {
        return zeros(DType.F32, shape);
    }

    /** A float32 tensor of ones. */
    public static Tensor ones(int... shape) {
        return ones(DType.F32, shape);
    }

    /** A float32 tensor filled with {@code value}. */
    public static Tensor full(double value, int... shape) {
        return full(DType.F32, value, shape);
    }

    /** A tensor of zeros of this dtype and shape ({@code torch.zeros(*shape, dtype=...)}). */
    public static Tensor zeros(DType dtype, int... shape) {
        Shapes.checkShape("zeros", shape);
        return empty(dtype, shape.clone());
    }

    /** A tensor of ones of this dtype and shape ({@code torch.ones(*shape, dtype=...)}). */
    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1, shape);
    }

    /** A tensor filled with {@code value}. */
    public static Tensor full(DType dtype, double value, int... shape) {
        Shapes.checkShape("full", shape);
        Tensor t = empty(dtype, shape.clone());
        t.storage.fill(0, t.numel(), value);
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

    /** start, start + step, ... below end, as a 1-D float32 tensor. */
    public static Tensor arange(double start, double end, double step) {
        return arange(DType.F32, start, end, step);
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
        double count = Math.max(0, Math.ceil((end - start) / step));
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("arange: " + start + " to " + end + " by " + step + " has " + (long) count
                    + " elements, more than an array holds");
        }
        int n = (int) count;
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

    /**
     * The shape as a value that prints as PyTorch prints it ({@code torch.Size([64, 10])}), as
     * {@code x.size()} and {@code x.shape} in PyTorch; {@link #shape()} gives the {@code int[]}.
     */
    public Size size() {
        return Size.of(shape);
    }

    /** Size of dimension {@code dim} (negative counts from the end). */
    public int size(int dim) {
        return shape[Shapes.realDim(dim, shape, "size")];
    }

    /** The number of dimensions ({@code x.dim()}); 0 for a scalar. */
    public int dim() {
        return shape.length;
    }

    /** The element type: float32 or float64. */
    public DType dtype() {
        return dtype;
    }

    /** The number of elements: the product of the shape. */
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
        float[] out = new float[c.numel()];
        c.storage.copyTo(c.offset, new FloatStorage(out), 0, out.length);
        return out;
    }

    /** The elements in row-major order, as double. */
    public double[] toDoubleArray() {
        Tensor c = contiguous();
        double[] out = new double[c.numel()];
        c.storage.copyTo(c.offset, new DoubleStorage(out), 0, out.length);
        return out;
    }

    /** This tensor converted to {@code target} (this when already of that dtype); differentiable. */
    public Tensor to(DType target) {
        return Pointwise.convert(this, target);
    }

    /** True when the elements are laid out row-major without gaps from {@link #offset}. */
    boolean isContiguous() {
        int expected = 1;
        for (int k = shape.length - 1; k >= 0; k--) {
            if (strides[k] != expected) {
                return false;
            }
            expected *= Math.max(1, shape[k]);
        }
        return true;
    }

    /** This tensor if contiguous, else a contiguous copy (differentiable). */
    public Tensor contiguous() {
        return isContiguous() ? this : Views.copy(this);
    }

    /** Element at flat row-major position i (for small tensors and tests; slow). */
    double getFlat(int i) {
        return storage.get(Shapes.position(i, shape, strides, offset));
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
        return storage.get(pos);
    }

    private void setFlat(int i, double v) {
        storage.set(offset + i, v);
    }

    // ---------------------------------------------------------------- direct storage access

    /**
     * The float32 storage of this contiguous tensor, element i at {@code floatData()[dataOffset() + i]}:
     * for optimizers, initializers and loaders that update parameters in place. Writing through
     * it bypasses autograd, as {@code p.data} does in PyTorch.
     *
     * <p>Handing out the array counts as an in-place write: it bumps the storage's version, so
     * a backward through an op that saved this tensor before the call refuses to run (see
     * {@link #version()}). Read elements with {@link #toFloatArray()} or {@link #get} instead.
     *
     * @throws IllegalStateException if the tensor is float64 or not contiguous
     */
    public float[] floatData() {
        requireContiguous("floatData");
        if (!(storage instanceof FloatStorage s)) {
            throw new IllegalStateException("floatData: the tensor is float64; use doubleData()");
        }
        storage.version++;
        return s.a;
    }

    /** The float64 storage of this contiguous tensor, for writing; see {@link #floatData()}. */
    public double[] doubleData() {
        requireContiguous("doubleData");
        if (!(storage instanceof DoubleStorage s)) {
            throw new IllegalStateException("doubleData: the tensor is float32; use floatData()");
        }
        storage.version++;
        return s.a;
    }

    /**
     * How many in-place writes its storage has seen ({@link #copyFrom}, {@link #floatData()},
     * the {@link InPlace} updates of optimizers), as PyTorch's {@code _version}: shared by all
     * views of one storage. Backward compares it with the version an op saw when it saved the
     * tensor, and refuses, naming the op, when they differ.
     */
    public int version() {
        return storage.version;
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
        Tensor c = src.contiguous();
        c.storage.copyTo(c.offset, storage, offset, numel());
        storage.version++;
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

    /** Whether backward computes a gradient for this tensor (a leaf that asked for one, or a result of one). */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** True for tensors not produced by a recorded op (parameters, inputs). */
    public boolean isLeaf() {
        return node == null;
    }

    /**
     * The accumulated gradient, or null before the first backward that reaches this leaf. It is
     * this leaf's own tensor, shared with no other tensor and no caller's array, so it may be
     * changed in place (gradient clipping does).
     */
    public Tensor grad() {
        return grad;
    }

    /**
     * Sets the gradient, as assigning {@code p.grad} in PyTorch; null clears it. The values
     * are copied (PyTorch would keep the tensor itself; a copy keeps the rule that a leaf's
     * gradient is shared with nothing).
     *
     * @throws IllegalArgumentException if the shape or dtype differs from this tensor's
     */
    public void setGrad(Tensor gradient) {
        if (gradient == null) {
            grad = null;
            return;
        }
        if (!Shapes.same(gradient.shape, shape) || gradient.dtype != dtype) {
            throw new IllegalArgumentException("setGrad: the gradient is " + Shapes.str(gradient.shape) + " "
                    + gradient.dtype.torchName() + ", the tensor " + Shapes.str(shape) + " " + dtype.torchName());
        }
        grad = Views.copyRaw(gradient);
    }

    /** Clears the accumulated gradient. */
    public void zeroGrad() {
        grad = null;
    }

    /** Same storage, cut from the graph: no gradient flows through the result. */
    public Tensor detach() {
        return new Tensor(shape, strides, offset, storage);
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

    /**
     * Keeps this tensor's gradient after backward even though it is not a leaf (as PyTorch's
     * {@code retain_grad()}), in {@link #grad()}; it accumulates over backward calls as a
     * leaf's does. For looking at gradients inside a network, e.g. dL/dh_t of a recurrence.
     * Returns this.
     */
    public Tensor retainGrad() {
        if (!requiresGrad) {
            throw new IllegalStateException("retainGrad: the tensor does not require grad, so backward never reaches it");
        }
        retainsGrad = true;
        return this;
    }

    /** The op that produced this tensor, or null for a leaf: for messages and debugging. */
    public String gradFn() {
        return node == null ? null : node.op;
    }

    // ---------------------------------------------------------------- arithmetic (broadcasting)

    /** {@code this + other}, elementwise with broadcasting. */
    public Tensor add(Tensor other) {
        return Pointwise.add(this, other);
    }

    /** {@code this - other}, elementwise with broadcasting. */
    public Tensor sub(Tensor other) {
        return Pointwise.sub(this, other);
    }

    /** {@code this * other}, elementwise with broadcasting. */
    public Tensor mul(Tensor other) {
        return Pointwise.mul(this, other);
    }

    /** {@code this / other}, elementwise with broadcasting. */
    public Tensor div(Tensor other) {
        return Pointwise.div(this, other);
    }

    /** {@code this + s}. */
    public Tensor add(double s) {
        return Pointwise.addScalar(this, s);
    }

    /** {@code this - s}. */
    public Tensor sub(double s) {
        return Pointwise.addScalar(this, -s);
    }

    /** {@code this * s}. */
    public Tensor mul(double s) {
        return Pointwise.mulScalar(this, s);
    }

    /** {@code this / s}. */
    public Tensor div(double s) {
        return Pointwise.mulScalar(this, 1 / s);
    }

    /** {@code s / this} (PyTorch's {@code s / x}, {@code rdiv}). */
    public Tensor rdiv(double s) {
        return Pointwise.rdiv(this, s);
    }

    /** Elementwise maximum with broadcasting; on ties the gradient is split evenly, as PyTorch. */
    public Tensor maximum(Tensor other) {
        return Pointwise.maximum(this, other);
    }

    // ---------------------------------------------------------------- comparisons and masks
    //
    // vecgrad has no bool dtype: comparisons return a mask of 0 and 1 in this tensor's dtype
    // (PyTorch returns torch.bool); where and maskedFill take such masks. Masks carry no gradient.

    /** 1 where this &gt; other (broadcasting), else 0. */
    public Tensor gt(Tensor other) {
        return Pointwise.compare("gt", this, other, (a, b) -> a > b ? 1 : 0);
    }

    /** 1 where this &lt; other (broadcasting), else 0. */
    public Tensor lt(Tensor other) {
        return Pointwise.compare("lt", this, other, (a, b) -> a < b ? 1 : 0);
    }

    /** 1 where this &gt;= other (broadcasting), else 0. */
    public Tensor ge(Tensor other) {
        return Pointwise.compare("ge", this, other, (a, b) -> a >= b ? 1 : 0);
    }

    /** 1 where this &lt;= other (broadcasting), else 0. */
    public Tensor le(Tensor other) {
        return Pointwise.compare("le", this, other, (a, b) -> a <= b ? 1 : 0);
    }

    /** 1 where this == other (broadcasting), else 0. */
    public Tensor eq(Tensor other) {
        return Pointwise.compare("eq", this, other, (a, b) -> a == b ? 1 : 0);
    }

    /** 1 where this != other (broadcasting), else 0. */
    public Tensor ne(Tensor other) {
        return Pointwise.compare("ne", this, other, (a, b) -> a != b ? 1 : 0);
    }

    /** 1 where this &gt; s, else 0. */
    public Tensor gt(double s) {
        return Pointwise.compare(this, s, v -> v > s);
    }

    /** 1 where this &lt; s, else 0. */
    public Tensor lt(double s) {
        return Pointwise.compare(this, s, v -> v < s);
    }

    /** 1 where this &gt;= s, else 0. */
    public Tensor ge(double s) {
        return Pointwise.compare(this, s, v -> v >= s);
    }

    /** 1 where this &lt;= s, else 0. */
    public Tensor le(double s) {
        return Pointwise.compare(this, s, v -> v <= s);
    }

    /** 1 where this == s, else 0. */
    public Tensor eq(double s) {
        return Pointwise.compare(this, s, v -> v == s);
    }

    /** 1 where this != s, else 0. */
    public Tensor ne(double s) {
        return Pointwise.compare(this, s, v -> v != s);
    }

    /**
     * {@code condition ? a : b} elementwise, all three broadcast together, as {@code torch.where};
     * the condition is a 0/1 mask.
     *
     * @throws IllegalArgumentException if the condition holds a value other than 0 and 1, or the shapes do not broadcast
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return Pointwise.where(condition, a, b);
    }

    /** This tensor with {@code value} where the 0/1 mask (broadcast to this shape) is 1; the gradient flows elsewhere. */
    public Tensor maskedFill(Tensor mask, double value) {
        return Pointwise.maskedFill(this, mask, value);
    }

    /** {@code s - this}. */
    public Tensor rsub(double s) {
        return Pointwise.addScalar(neg(), s);
    }

    /** {@code -this}. */
    public Tensor neg() {
        return UnaryOp.NEG.apply(this);
    }

    /** Elementwise power with a constant exponent. */
    public Tensor pow(double exponent) {
        return Pointwise.pow(this, exponent);
    }

    /** Elementwise square root. */
    public Tensor sqrt() {
        return UnaryOp.SQRT.apply(this);
    }

    /** Elementwise e<sup>x</sup>. */
    public Tensor exp() {
        return UnaryOp.EXP.apply(this);
    }

    /** Elementwise natural logarithm. */
    public Tensor log() {
        return UnaryOp.LOG.apply(this);
    }

    /** Elementwise absolute value (the gradient at 0 is 0, as in PyTorch). */
    public Tensor abs() {
        return UnaryOp.ABS.apply(this);
    }

    // ---------------------------------------------------------------- activations

    /** Elementwise max(x, 0) (the gradient at 0 is 0, as in PyTorch). */
    public Tensor relu() {
        return UnaryOp.RELU.apply(this);
    }

    /** Elementwise x for x &gt; 0, else {@code negativeSlope} x ({@code F.leaky_relu}). */
    public Tensor leakyRelu(double negativeSlope) {
        return Pointwise.leakyRelu(this, negativeSlope);
    }

    /** Elementwise 1 / (1 + e<sup>-x</sup>). */
    public Tensor sigmoid() {
        return UnaryOp.SIGMOID.apply(this);
    }

    /** Elementwise hyperbolic tangent. */
    public Tensor tanh() {
        return UnaryOp.TANH.apply(this);
    }

    /** GELU, exact (erf) form, PyTorch's default. */
    public Tensor gelu() {
        return UnaryOp.GELU.apply(this);
    }

    /** GELU; {@code approximate} = "tanh" for the tanh form, "none" for the exact one. */
    public Tensor gelu(String approximate) {
        return switch (approximate) {
            case "none" -> UnaryOp.GELU.apply(this);
            case "tanh" -> UnaryOp.GELU_TANH.apply(this);
            default -> throw new IllegalArgumentException("gelu: approximate must be 'none' or 'tanh', got '" + approximate + "'");
        };
    }

    /** log(1 + exp(x)), computed stably as max(x, 0) + log(1 + exp(-|x|)); PyTorch's softplus with beta 1. */
    public Tensor softplus() {
        return UnaryOp.SOFTPLUS.apply(this);
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

    /**
     * Matrix product with {@code torch.matmul}'s rules: 1-D x 1-D is a dot product, a 1-D
     * operand is a row (left) or a column (right), and leading batch dimensions broadcast
     * ([B, 1, m, k] x [h, k, n] is [B, h, m, n]); a 2-D right operand is shared by the batch.
     */
    public Tensor matmul(Tensor other) {
        return LinAlg.matmul(this, other);
    }

    // ---------------------------------------------------------------- shape

    /** Swaps two dimensions (a view). */
    public Tensor transpose(int dim0, int dim1) {
        return Views.transpose(this, dim0, dim1);
    }

    /** The dimensions reordered: dimension k of the result is dimension dims[k] of this (a view). */
    public Tensor permute(int... dims) {
        return Views.permute(this, dims);
    }

    /** A size-1 dimension inserted at dim (a view); dim may be negative, counting from rank + 1. */
    public Tensor unsqueeze(int dim) {
        return Views.unsqueeze(this, dim);
    }

    /** All size-1 dimensions removed (a view). */
    public Tensor squeeze() {
        return Views.squeeze(this, null);
    }

    /** The given dimensions removed where they have size 1 (others are kept, as PyTorch); a view. */
    public Tensor squeeze(int... dims) {
        return Views.squeeze(this, dims);
    }

    /**
     * This tensor repeated along its size-1 dimensions (and new leading ones) to {@code sizes},
     * -1 keeping a size, as a view with stride 0: no copy. The gradient is summed back.
     */
    public Tensor expand(int... sizes) {
        return Views.expand(this, sizes);
    }

    /** Views of consecutive pieces of {@code size} along dim, the last one smaller if needed. */
    public List<Tensor> split(int size, int dim) {
        return Views.split(this, size, dim);
    }

    /** Views of consecutive pieces with the given sizes along dim (they must add up to its size). */
    public List<Tensor> split(int[] sizes, int dim) {
        return Views.split(this, sizes, dim);
    }

    /** {@code chunks} views of (nearly) equal size along dim, as {@code torch.chunk}. */
    public List<Tensor> chunk(int chunks, int dim) {
        return Views.chunk(this, chunks, dim);
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
        return Views.reshape(this, new int[] {numel()}, false);
    }

    /** Dimensions startDim..end into one (like torch.flatten(x, start_dim)). */
    public Tensor flatten(int startDim) {
        int s = Shapes.dim(startDim, shape.length, "flatten");
        if (shape.length == 0) {
            return Views.reshape(this, new int[] {1}, false);
        }
        int[] ns = Arrays.copyOf(shape, s + 1);
        ns[s] = Shapes.numel(Arrays.copyOfRange(shape, s, shape.length));
        return Views.reshape(this, ns, false);
    }

    /**
     * Elements start..end-1 along {@code dim} (a view), as Python's {@code x[..., start:end]}: a
     * negative bound counts from the end ({@code slice(1, -1, T)} is the last step, {@code
     * slice(1, 0, -1)} all but it) and bounds past the ends are clamped. An empty range is
     * refused (vecgrad has no zero-size views).
     */
    public Tensor slice(int dim, int start, int end) {
        return Views.slice(this, dim, start, end);
    }

    /**
     * The slice at {@code index} along {@code dim}, that dimension removed, as {@code x.select(dim,
     * index)} and {@code x[:, index]}; a negative index counts from the end ({@code select(1, -1)}
     * is {@code out[:, -1]}).
     */
    public Tensor select(int dim, int index) {
        int d = Shapes.realDim(dim, shape, "select");
        int i = index < 0 ? index + shape[d] : index;
        if (i < 0 || i >= shape[d]) {
            throw new IndexOutOfBoundsException("select: index " + index + " is out of range for dimension " + d + " of size "
                    + shape[d] + " in " + Shapes.str(shape));
        }
        return slice(d, i, i + 1).squeeze(d);
    }

    /** Rows (entries along {@code dim}) picked by {@code index}, which may repeat. */
    public Tensor indexSelect(int dim, int[] index) {
        return Views.indexSelect(this, dim, index);
    }

    /**
     * Elements picked along dim by an index of the same rank: out[i][j] = this[index[i][j]][j]
     * for dim 0, as {@code torch.gather}. Index values are whole numbers held in a float
     * tensor (vecgrad has no integer dtype; PyTorch takes int64), checked to be in range. The
     * gradient is scattered back, repeats adding up.
     */
    public Tensor gather(int dim, Tensor index) {
        return Indexing.gather(this, dim, index);
    }

    /**
     * A copy of this with src added at the positions index names along dim, as
     * {@code torch.scatter_add}: out[index[i][j]][j] += src[i][j] for dim 0; differentiable in
     * this and src.
     */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
        return Indexing.scatterAdd(this, dim, index, src);
    }

    /** A copy of this with source's slices added at the positions of index along dim, as {@code torch.index_add}. */
    public Tensor indexAdd(int dim, int[] index, Tensor source) {
        return Indexing.indexAdd(this, dim, index, source);
    }

    /**
     * Rows of {@code weight} [V, D] picked by whole-number indices of any shape: the result is
     * [indices..., D], as {@code torch.nn.functional.embedding}. The gradient of weight adds
     * up over repeated indices; the row {@code paddingIdx} (negative counts from the end, as in
     * PyTorch) gets none.
     */
    public static Tensor embedding(Tensor indices, Tensor weight, int paddingIdx) {
        return Indexing.embedding(indices, weight, paddingIdx);
    }

    /** {@link #embedding(Tensor, Tensor, int)} without a padding row. */
    public static Tensor embedding(Tensor indices, Tensor weight) {
        return Indexing.embedding(indices, weight, Indexing.NO_PADDING);
    }

    /**
     * 2-D convolution (cross-correlation, as {@code torch.nn.functional.conv2d}) of input
     * [N, C, H, W] with weight [O, C / groups, kh, kw] and an optional bias [O] (null for none):
     * output [N, O, (H + 2 p - d (kh - 1) - 1) / s + 1, ...]. Computed as GEMM on unfolded patches.
     *
     * @param stride, padding, dilation two values each (height, width)
     * @throws IllegalArgumentException naming the shapes when the channels do not match, groups do
     *         not divide them, or the kernel is larger than the padded input
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return Convolution.conv2d(input, weight, bias, stride, padding, dilation, groups);
    }

    /** {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)} with stride 1, no padding, no dilation, one group. */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias) {
        return Convolution.conv2d(input, weight, bias, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1);
    }

    /**
     * Transposed 2-D convolution (as {@code F.conv_transpose2d}) of input [N, Cin, H, W] with weight
     * [Cin, Cout / groups, kh, kw] and an optional bias [Cout]: output
     * [N, Cout, (H - 1) s - 2 p + d (kh - 1) + outputPadding + 1, ...]. The gradient of conv2d with
     * respect to its input, used to upsample (decoders, U-Nets).
     */
    public static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] outputPadding,
            int[] dilation, int groups) {
        return Convolution.convTranspose2d(input, weight, bias, stride, padding, outputPadding, dilation, groups);
    }

    /** Mean over adaptive windows to an [N, C, oh, ow] output, as {@code F.adaptive_avg_pool2d}. */
    public Tensor adaptiveAvgPool2d(int oh, int ow) {
        return Convolution.adaptiveAvgPool2d(this, oh, ow);
    }

    /**
     * Batch normalization of [N, C, *] over every dimension but the channels (as {@code
     * F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)}).
     * Training: normalized by the batch mean and biased variance, and runningMean, runningVar
     * updated in place with momentum, the variance unbiased, as PyTorch does; otherwise the running
     * statistics normalize. weight and bias are [C] (PyTorch's affine; not optional here). In
     * training, inputs with dimensions past the channels ([N, C, H, W]: BatchNorm2d) run as one
     * fused op; [N, C] (BatchNorm1d) keeps the composite of broadcast ops, whose results the
     * README's ablation figures were made with.
     */
    public static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias, boolean training,
            double momentum, double eps) {
        if (input.shape.length < 2) {
            throw new IllegalArgumentException("batchNorm: expects [N, C, *], got " + Shapes.str(input.shape));
        }
        int channels = input.shape[1];
        for (Tensor t : new Tensor[] {runningMean, runningVar, weight, bias}) {
            if (t.shape.length != 1 || t.shape[0] != channels) {
                throw new IllegalArgumentException("batchNorm: weight, bias and running statistics must be [" + channels + "] for "
                        + Shapes.str(input.shape) + ", got " + Shapes.str(t.shape));
            }
        }
        int[] view = new int[input.shape.length];
        java.util.Arrays.fill(view, 1);
        view[1] = channels;
        int[] dims = new int[input.shape.length - 1];
        for (int i = 0, k = 0; i < input.shape.length; i++) {
            if (i != 1) {
                dims[k++] = i;
            }
        }
        Tensor w = weight.reshape(view);
        Tensor b = bias.reshape(view);
        if (!training) {
            return input.sub(runningMean.reshape(view)).div(runningVar.reshape(view).add(eps).sqrt()).mul(w).add(b);
        }
        int count = input.numel() / channels;
        if (count < 2) {
            throw new IllegalArgumentException("batchNorm: expected more than 1 value per channel when training, got "
                    + Shapes.str(input.shape));
        }
        double[] m = new double[channels];
        double[] v = new double[channels];
        Tensor y;
        if (input.shape.length > 2) {
            y = Normalization.batchNormTraining(input, weight, bias, eps, m, v);
        } else {
            Tensor mean = input.mean(dims, true);
            Tensor centered = input.sub(mean);
            Tensor var = centered.mul(centered).mean(dims, true);
            y = centered.div(var.add(eps).sqrt()).mul(w).add(b);
            m = mean.toDoubleArray();
            v = var.toDoubleArray();
        }
        double[] rm = runningMean.toDoubleArray();
        double[] rv = runningVar.toDoubleArray();
        for (int j = 0; j < channels; j++) {
            rm[j] = (1 - momentum) * rm[j] + momentum * m[j];
            rv[j] = (1 - momentum) * rv[j] + momentum * v[j] * count / (count - 1);
        }
        runningMean.copyFrom(Tensor.of(rm, channels));
        runningVar.copyFrom(Tensor.of(rv, channels));
        return y;
    }

    /**
     * Nearest-neighbour upsampling of [N, C, H, W] by an integer factor (as
     * {@code F.interpolate(mode="nearest", scale_factor=s)}): every pixel becomes an s x s block,
     * and the gradient sums each block.
     */
    public Tensor upsampleNearest(int scale) {
        if (shape.length != 4 || scale < 1) {
            throw new IllegalArgumentException("upsampleNearest: expects [N, C, H, W] and a scale >= 1, got " + Shapes.str(shape)
                    + " and " + scale);
        }
        return Convolution.upsampleNearest(this, scale);
    }

    /** Max over windows of [N, C, H, W] (as {@code F.max_pool2d}); the gradient goes to each window's first maximum. */
    public Tensor maxPool2d(int[] kernel, int[] stride, int[] padding) {
        return Convolution.maxPool2d(this, kernel, stride, padding);
    }

    /** Max over k x k windows with stride k. */
    public Tensor maxPool2d(int k) {
        return Convolution.maxPool2d(this, new int[] {k, k}, new int[] {k, k}, new int[] {0, 0});
    }

    /** Mean over windows of [N, C, H, W] (as {@code F.avg_pool2d}, padding counted as zeros). */
    public Tensor avgPool2d(int[] kernel, int[] stride, int[] padding) {
        return Convolution.avgPool2d(this, kernel, stride, padding);
    }

    /** Mean over k x k windows with stride k. */
    public Tensor avgPool2d(int k) {
        return Convolution.avgPool2d(this, new int[] {k, k}, new int[] {k, k}, new int[] {0, 0});
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

    /** Sum over one dimension (negative counts from the end), keeping it as size 1 when {@code keepDim}. */
    public Tensor sum(int dim, boolean keepDim) {
        return Reduce.sum(this, new int[] {dim}, keepDim);
    }

    /** Mean of all elements, a 0-D tensor. */
    public Tensor mean() {
        return Reduce.mean(this, null, false);
    }

    /** Mean over the given dimensions, keeping them as size 1 when {@code keepDim}. */
    public Tensor mean(int[] dims, boolean keepDim) {
        return Reduce.mean(this, dims, keepDim);
    }

    /** Mean over one dimension, keeping it as size 1 when {@code keepDim}. */
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

    /** Indices of the largest values along a dimension, row-major over the other dimensions (first of ties; NaN counts as largest). */
    public int[] argmax(int dim) {
        return Reduce.argmax(this, dim);
    }

    /**
     * Scaled dot-product attention, as torch 2's {@code F.scaled_dot_product_attention(q, k, v,
     * attn_mask, is_causal=causal)} without dropout: {@code softmax(q k^T / sqrt(E) + masks) v}
     * over the last two dimensions, q [..., L, E], k [..., S, E], v [..., S, Ev], giving [..., L, Ev];
     * the leading dimensions broadcast as in {@link #matmul}. {@code allowed} (may be null) is a 0/1
     * mask broadcast to [..., L, S] with 1 where a query may attend to a key (PyTorch's boolean
     * mask: vecgrad has no bool dtype); {@code causal} lets query i attend to keys 0..i only. A
     * query that may attend to nothing gets NaN, as in PyTorch. Composed of matmul, maskedFill and
     * softmax, so its gradient is theirs.
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor allowed, boolean causal) {
        if (q.dim() < 2 || k.dim() < 2 || v.dim() < 2 || q.size(-1) != k.size(-1) || k.size(-2) != v.size(-2)) {
            throw new IllegalArgumentException("scaledDotProductAttention: q [..., L, E], k [..., S, E] and v [..., S, Ev] expected, got "
                    + Shapes.str(q.shape) + ", " + Shapes.str(k.shape) + ", " + Shapes.str(v.shape));
        }
        Tensor scores = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(q.size(-1)));
        if (causal) {
            int l = q.size(-2);
            int sKeys = k.size(-2);
            double[] later = new double[l * sKeys];
            for (int i = 0; i < l; i++) {
                for (int j = i + 1; j < sKeys; j++) {
                    later[i * sKeys + j] = 1;
                }
            }
            scores = scores.maskedFill(Tensor.of(later, l, sKeys).to(scores.dtype()), Double.NEGATIVE_INFINITY);
        }
        if (allowed != null) {
            scores = scores.maskedFill(allowed.eq(0), Double.NEGATIVE_INFINITY);
        }
        return scores.softmax(-1).matmul(v);
    }

    /** Softmax along a dimension, computed stably (the maximum subtracted first). */
    public Tensor softmax(int dim) {
        return Reduce.softmax(this, dim, false);
    }

    /** Log-softmax along a dimension, computed stably ({@code F.log_softmax}). */
    public Tensor logSoftmax(int dim) {
        return Reduce.softmax(this, dim, true);
    }

    /**
     * The tensor as PyTorch prints it: {@code tensor([[1.0000, 2.5000], [3.0000, 4.0000]])} with
     * one row per line, {@code tensor(3.5000)} for a 0-d tensor, more than 1000 elements
     * summarized, and the dtype (when not float32), grad_fn or requires_grad after the values.
     */
    @Override
    public String toString() {
        return TensorFormat.format(this);
    }
}
