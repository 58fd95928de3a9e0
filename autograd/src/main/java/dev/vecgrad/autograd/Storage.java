package dev.vecgrad.autograd;

import dev.vecgrad.kernels.Patches;
import dev.vecgrad.kernels.Pooling;


/**
 * The elements of a tensor, {@code float[]} or {@code double[]}, and the one place where
 * autograd chooses between the float32 and float64 kernels: every op asks its storage to run
 * a kernel ({@link #map}, {@link #zip}, {@link #gemm}, ...) and the storage calls the typed
 * overload. Ops never branch on the dtype. Scalar parameters arrive as double and are
 * rounded to float by the float32 storage, as the kernels' float overloads expect.
 *
 * <p>{@link FloatStorage} is written by hand; {@link DoubleStorage} is generated from it by
 * {@code autograd/gen/storage.py} (a test fails when it is stale).
 * The {@link Unary} and {@link Binary} enums and {@link ElementwiseDispatch}, which runs them on
 * the kernels, are generated from the op table of {@code kernels/gen/elementwise.py}.
 *
 * <p>Also holds the version counter shared by all views of the storage: every in-place
 * write bumps it, and backward refuses a saved tensor whose storage changed since it was
 * saved (as PyTorch's {@code _version}).
 */
abstract sealed class Storage permits FloatStorage, DoubleStorage {

    // GENERATED region: kernels/gen/elementwise.py writes it from its op table -- edit the table, then rerun.
    /** Elementwise maps f(x), some with scalar parameters p and q ({@link ElementwiseDispatch} runs them). */
    enum Unary { SCALE, ADD_SCALAR, CLAMP, LEAKY_RELU, NEG, ABS, SQRT, EXP, LOG, TANH, SIGMOID, RELU, GELU, GELU_TANH }

    /** Elementwise f(a, b); the *_BACKWARD maps take (input or saved output, gradient), LEAKY_RELU_BACKWARD a slope p. */
    enum Binary { ADD, SUB, MUL, DIV, MAXIMUM, RELU_BACKWARD, LEAKY_RELU_BACKWARD, SIGMOID_BACKWARD, TANH_BACKWARD,
        GELU_BACKWARD, GELU_TANH_BACKWARD }
    // end of GENERATED region

    /** Incremented by every in-place write to this storage. */
    int version;

    /** The last backward pass in which this storage became a leaf's gradient or was the seed (see Autograd.accumulateLeaf). */
    long heldInPass;

    abstract DType dtype();

    abstract int length();

    /** Element i, widened to double. */
    abstract double get(int i);

    /** Sets element i (rounded to float for float32); does not bump the version. */
    abstract void set(int i, double v);

    /** A new zeroed storage of the same dtype. */
    abstract Storage zeros(int n);

    static Storage zeros(DType dtype, int n) {
        return dtype == DType.F32 ? new FloatStorage(new float[n]) : new DoubleStorage(new double[n]);
    }

    abstract void fill(int from, int to, double v);

    /** dst[to + i] = this[from + i] for i < n, converting when dst has the other dtype. */
    abstract void copyTo(int from, Storage dst, int to, int n);

    /** copyTo between dtypes, element by element (rounded to float when dst is float32). */
    final void convertTo(int from, Storage dst, int to, int n) {
        for (int i = 0; i < n; i++) {
            dst.set(to + i, get(from + i));
        }
    }

    /** dst[to + i] = this[from + i * stride] for i < n, same dtype. */
    abstract void copyStrided(int from, int stride, Storage dst, int to, int n);

    /** dst[to + i * stride] += this[from + i] for i < n, same dtype. */
    abstract void addStrided(int from, Storage dst, int to, int stride, int n);

    /** dst[to + i * stride] = this[from + i] for i < n, same dtype. */
    abstract void copySpread(int from, Storage dst, int to, int stride, int n);

    /** dst[to] += this[from]. */
    abstract void accumulate(int from, Storage dst, int to);

    abstract void map(Unary op, double p, double q, int xo, Storage out, int oo, int n);

    abstract void zip(Binary op, double p, int ao, Storage b, int bo, Storage out, int oo, int n);

    /** y += alpha x. */
    abstract void axpy(double alpha, int xo, Storage y, int yo, int n);

    /** y += a * b. */
    abstract void mulAdd(int ao, Storage b, int bo, Storage y, int yo, int n);

    /** out[r, j] = x[r, j] + v[j] (add) or x[r, j] * v[j]. */
    abstract void rowVector(boolean add, int xo, int rows, int cols, Storage v, int vo, Storage out, int oo);

    abstract void columnSums(int xo, int rows, int cols, Storage out, int oo);

    abstract void rowSoftmax(boolean log, int xo, int rows, int cols, Storage out, int oo);

    abstract double sum(int off, int n);

    abstract double sumOfSquares(int off, int n);

    abstract int argmax(int off, int n);

    /** c = op(a) op(b) + beta c with this as a, BLAS semantics, alpha 1, beta 0 or 1. */
    abstract void gemm(boolean ta, boolean tb, int m, int n, int k, int ao, int lda, Storage b, int bo, int ldb, double beta,
            Storage c, int co, int ldc);

    /** c = op(a) op(b) with this as a. */
    final void gemm(boolean ta, boolean tb, int m, int n, int k, int ao, int lda, Storage b, int bo, int ldb, Storage c, int co,
            int ldc) {
        gemm(ta, tb, m, n, k, ao, lda, b, bo, ldb, 0, c, co, ldc);
    }

    /** {@code Patches.im2col} with this as x. */
    abstract void im2col(Patches.Geometry g, int xo, Storage cols, int at, int ld);

    /** {@code Patches.col2im} with this as the patches' gradient. */
    abstract void col2im(Patches.Geometry g, int at, int ld, Storage dx, int dxo);

    /** {@code Pooling.maxForward} with this as x, over planes [p0, p1). */
    abstract void maxPool(Pooling.Windows win, int xo, int p0, int p1, Storage out, int[] where);

    /** {@code Pooling.maxBackward} with this as the output gradient. */
    abstract void maxPoolBackward(Pooling.Windows win, int go, int[] where, int p0, int p1, Storage gx);

    /** {@code Pooling.avgForward} with this as x. */
    abstract void avgPool(Pooling.Windows win, double scale, int xo, int p0, int p1, Storage out);

    /** {@code Pooling.avgBackward} with this as the output gradient. */
    abstract void avgPoolBackward(Pooling.Windows win, double scale, int go, int p0, int p1, Storage gx);

    /** The fused Adam update of {@code Elementwise.adamStep}. */
    abstract void adamStep(int po, Storage g, int go, Storage m, int mo, Storage v, int vo, double stepSize, double beta1,
            double beta2, double invSqrtBc2, double eps, double weightDecay, double pScale, int n);
}
