package dev.vecgrad.autograd;

import dev.vecgrad.kernels.Elementwise;
import dev.vecgrad.kernels.Gemm;
import dev.vecgrad.kernels.Reductions;
import dev.vecgrad.kernels.RowOps;
import java.util.Arrays;

/**
 * The elements of a tensor, {@code float[]} or {@code double[]}, and the one place where
 * autograd chooses between the float32 and float64 kernels: every op asks its storage to run
 * a kernel ({@link #map}, {@link #zip}, {@link #gemm}, ...) and the storage calls the typed
 * overload. Ops never branch on the dtype. Scalar parameters arrive as double and are
 * rounded to float by the float32 storage, as the kernels' float overloads expect.
 *
 * <p>Also holds the version counter shared by all views of the storage: every in-place
 * write bumps it, and backward refuses a saved tensor whose storage changed since it was
 * saved (as PyTorch's {@code _version}).
 */
abstract sealed class Storage permits Storage.F32, Storage.F64 {

    /** Elementwise maps f(x), some with scalar parameters p and q. */
    enum Unary { NEG, EXP, LOG, SQRT, ABS, RELU, SIGMOID, TANH, GELU, GELU_TANH, LEAKY_RELU, CLAMP, ADD_SCALAR, SCALE }

    /** Elementwise f(a, b); the *_BACKWARD maps take (input or saved output, gradient), LEAKY_RELU_BACKWARD a slope p. */
    enum Binary { ADD, SUB, MUL, DIV, MAXIMUM, RELU_BACKWARD, LEAKY_RELU_BACKWARD, SIGMOID_BACKWARD, TANH_BACKWARD,
        GELU_BACKWARD, GELU_TANH_BACKWARD }

    /** Incremented by every in-place write to this storage. */
    int version;

    abstract DType dtype();

    abstract int length();

    /** Element i, widened to double. */
    abstract double get(int i);

    /** Sets element i (rounded to float for float32); does not bump the version. */
    abstract void set(int i, double v);

    /** A new zeroed storage of the same dtype. */
    abstract Storage zeros(int n);

    static Storage zeros(DType dtype, int n) {
        return dtype == DType.F32 ? new F32(new float[n]) : new F64(new double[n]);
    }

    abstract void fill(int from, int to, double v);

    /** dst[to + i] = this[from + i] for i < n, converting when dst has the other dtype. */
    abstract void copyTo(int from, Storage dst, int to, int n);

    /** dst[to + i] = this[from + i * stride] for i < n, same dtype. */
    abstract void copyStrided(int from, int stride, Storage dst, int to, int n);

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

    /** c = op(a) op(b) with this as a, BLAS semantics, alpha 1, beta 0. */
    abstract void gemm(boolean ta, boolean tb, int m, int n, int k, int ao, int lda, Storage b, int bo, int ldb, Storage c,
            int co, int ldc);

    /** The fused Adam update of {@link Elementwise#adamStep(float[], int, float[], int, float[], int, float[], int, float, float, float, float, float, float, float, int)}. */
    abstract void adamStep(int po, Storage g, int go, Storage m, int mo, Storage v, int vo, double stepSize, double beta1,
            double beta2, double invSqrtBc2, double eps, double weightDecay, double pScale, int n);

    static final class F32 extends Storage {
        final float[] a;

        F32(float[] a) {
            this.a = a;
        }

        @Override
        DType dtype() {
            return DType.F32;
        }

        @Override
        int length() {
            return a.length;
        }

        @Override
        double get(int i) {
            return a[i];
        }

        @Override
        void set(int i, double v) {
            a[i] = (float) v;
        }

        @Override
        Storage zeros(int n) {
            return new F32(new float[n]);
        }

        @Override
        void fill(int from, int to, double v) {
            Arrays.fill(a, from, to, (float) v);
        }

        @Override
        void copyTo(int from, Storage dst, int to, int n) {
            if (dst instanceof F32 d) {
                System.arraycopy(a, from, d.a, to, n);
            } else {
                double[] d = ((F64) dst).a;
                for (int i = 0; i < n; i++) {
                    d[to + i] = a[from + i];
                }
            }
        }

        @Override
        void copyStrided(int from, int stride, Storage dst, int to, int n) {
            float[] d = ((F32) dst).a;
            for (int i = 0, p = from; i < n; i++, p += stride) {
                d[to + i] = a[p];
            }
        }

        @Override
        void accumulate(int from, Storage dst, int to) {
            ((F32) dst).a[to] += a[from];
        }

        @Override
        void map(Unary op, double p, double q, int xo, Storage out, int oo, int n) {
            float[] o = ((F32) out).a;
            switch (op) {
                case NEG -> Elementwise.neg(a, xo, o, oo, n);
                case EXP -> Elementwise.exp(a, xo, o, oo, n);
                case LOG -> Elementwise.log(a, xo, o, oo, n);
                case SQRT -> Elementwise.sqrt(a, xo, o, oo, n);
                case ABS -> Elementwise.abs(a, xo, o, oo, n);
                case RELU -> Elementwise.relu(a, xo, o, oo, n);
                case SIGMOID -> Elementwise.sigmoid(a, xo, o, oo, n);
                case TANH -> Elementwise.tanh(a, xo, o, oo, n);
                case GELU -> Elementwise.gelu(a, xo, o, oo, n);
                case GELU_TANH -> Elementwise.geluTanh(a, xo, o, oo, n);
                case LEAKY_RELU -> Elementwise.leakyRelu(a, xo, (float) p, o, oo, n);
                case CLAMP -> Elementwise.clamp(a, xo, (float) p, (float) q, o, oo, n);
                case ADD_SCALAR -> Elementwise.addScalar(a, xo, (float) p, o, oo, n);
                case SCALE -> Elementwise.scale((float) p, a, xo, o, oo, n);
            }
        }

        @Override
        void zip(Binary op, double p, int ao, Storage b, int bo, Storage out, int oo, int n) {
            float[] x = ((F32) b).a;
            float[] o = ((F32) out).a;
            switch (op) {
                case ADD -> Elementwise.add(a, ao, x, bo, o, oo, n);
                case SUB -> Elementwise.sub(a, ao, x, bo, o, oo, n);
                case MUL -> Elementwise.mul(a, ao, x, bo, o, oo, n);
                case DIV -> Elementwise.div(a, ao, x, bo, o, oo, n);
                case MAXIMUM -> Elementwise.maximum(a, ao, x, bo, o, oo, n);
                case RELU_BACKWARD -> Elementwise.reluBackward(a, ao, x, bo, o, oo, n);
                case LEAKY_RELU_BACKWARD -> Elementwise.leakyReluBackward(a, ao, (float) p, x, bo, o, oo, n);
                case SIGMOID_BACKWARD -> Elementwise.sigmoidBackward(a, ao, x, bo, o, oo, n);
                case TANH_BACKWARD -> Elementwise.tanhBackward(a, ao, x, bo, o, oo, n);
                case GELU_BACKWARD -> Elementwise.geluBackward(a, ao, x, bo, o, oo, n);
                case GELU_TANH_BACKWARD -> Elementwise.geluTanhBackward(a, ao, x, bo, o, oo, n);
            }
        }

        @Override
        void axpy(double alpha, int xo, Storage y, int yo, int n) {
            Elementwise.axpy((float) alpha, a, xo, ((F32) y).a, yo, n);
        }

        @Override
        void mulAdd(int ao, Storage b, int bo, Storage y, int yo, int n) {
            Elementwise.mulAdd(a, ao, ((F32) b).a, bo, ((F32) y).a, yo, n);
        }

        @Override
        void rowVector(boolean add, int xo, int rows, int cols, Storage v, int vo, Storage out, int oo) {
            if (add) {
                RowOps.addRowVector(a, xo, rows, cols, ((F32) v).a, vo, ((F32) out).a, oo);
            } else {
                RowOps.mulRowVector(a, xo, rows, cols, ((F32) v).a, vo, ((F32) out).a, oo);
            }
        }

        @Override
        void columnSums(int xo, int rows, int cols, Storage out, int oo) {
            RowOps.columnSums(a, xo, rows, cols, ((F32) out).a, oo, false);
        }

        @Override
        void rowSoftmax(boolean log, int xo, int rows, int cols, Storage out, int oo) {
            if (log) {
                RowOps.rowLogSoftmax(a, xo, rows, cols, ((F32) out).a, oo);
            } else {
                RowOps.rowSoftmax(a, xo, rows, cols, ((F32) out).a, oo);
            }
        }

        @Override
        double sum(int off, int n) {
            return Reductions.sum(a, off, n);
        }

        @Override
        double sumOfSquares(int off, int n) {
            return Reductions.sumOfSquares(a, off, n);
        }

        @Override
        int argmax(int off, int n) {
            return Reductions.argmax(a, off, n);
        }

        @Override
        void gemm(boolean ta, boolean tb, int m, int n, int k, int ao, int lda, Storage b, int bo, int ldb, Storage c, int co,
                int ldc) {
            Gemm.sgemm(ta, tb, m, n, k, 1f, a, ao, lda, ((F32) b).a, bo, ldb, 0f, ((F32) c).a, co, ldc);
        }

        @Override
        void adamStep(int po, Storage g, int go, Storage m, int mo, Storage v, int vo, double stepSize, double beta1,
                double beta2, double invSqrtBc2, double eps, double weightDecay, double pScale, int n) {
            Elementwise.adamStep(a, po, ((F32) g).a, go, ((F32) m).a, mo, ((F32) v).a, vo, (float) stepSize, (float) beta1,
                    (float) beta2, (float) invSqrtBc2, (float) eps, (float) weightDecay, (float) pScale, n);
        }
    }

    static final class F64 extends Storage {
        final double[] a;

        F64(double[] a) {
            this.a = a;
        }

        @Override
        DType dtype() {
            return DType.F64;
        }

        @Override
        int length() {
            return a.length;
        }

        @Override
        double get(int i) {
            return a[i];
        }

        @Override
        void set(int i, double v) {
            a[i] = v;
        }

        @Override
        Storage zeros(int n) {
            return new F64(new double[n]);
        }

        @Override
        void fill(int from, int to, double v) {
            Arrays.fill(a, from, to, v);
        }

        @Override
        void copyTo(int from, Storage dst, int to, int n) {
            if (dst instanceof F64 d) {
                System.arraycopy(a, from, d.a, to, n);
            } else {
                float[] d = ((F32) dst).a;
                for (int i = 0; i < n; i++) {
                    d[to + i] = (float) a[from + i];
                }
            }
        }

        @Override
        void copyStrided(int from, int stride, Storage dst, int to, int n) {
            double[] d = ((F64) dst).a;
            for (int i = 0, p = from; i < n; i++, p += stride) {
                d[to + i] = a[p];
            }
        }

        @Override
        void accumulate(int from, Storage dst, int to) {
            ((F64) dst).a[to] += a[from];
        }

        @Override
        void map(Unary op, double p, double q, int xo, Storage out, int oo, int n) {
            double[] o = ((F64) out).a;
            switch (op) {
                case NEG -> Elementwise.neg(a, xo, o, oo, n);
                case EXP -> Elementwise.exp(a, xo, o, oo, n);
                case LOG -> Elementwise.log(a, xo, o, oo, n);
                case SQRT -> Elementwise.sqrt(a, xo, o, oo, n);
                case ABS -> Elementwise.abs(a, xo, o, oo, n);
                case RELU -> Elementwise.relu(a, xo, o, oo, n);
                case SIGMOID -> Elementwise.sigmoid(a, xo, o, oo, n);
                case TANH -> Elementwise.tanh(a, xo, o, oo, n);
                case GELU -> Elementwise.gelu(a, xo, o, oo, n);
                case GELU_TANH -> Elementwise.geluTanh(a, xo, o, oo, n);
                case LEAKY_RELU -> Elementwise.leakyRelu(a, xo, p, o, oo, n);
                case CLAMP -> Elementwise.clamp(a, xo, p, q, o, oo, n);
                case ADD_SCALAR -> Elementwise.addScalar(a, xo, p, o, oo, n);
                case SCALE -> Elementwise.scale(p, a, xo, o, oo, n);
            }
        }

        @Override
        void zip(Binary op, double p, int ao, Storage b, int bo, Storage out, int oo, int n) {
            double[] x = ((F64) b).a;
            double[] o = ((F64) out).a;
            switch (op) {
                case ADD -> Elementwise.add(a, ao, x, bo, o, oo, n);
                case SUB -> Elementwise.sub(a, ao, x, bo, o, oo, n);
                case MUL -> Elementwise.mul(a, ao, x, bo, o, oo, n);
                case DIV -> Elementwise.div(a, ao, x, bo, o, oo, n);
                case MAXIMUM -> Elementwise.maximum(a, ao, x, bo, o, oo, n);
                case RELU_BACKWARD -> Elementwise.reluBackward(a, ao, x, bo, o, oo, n);
                case LEAKY_RELU_BACKWARD -> Elementwise.leakyReluBackward(a, ao, p, x, bo, o, oo, n);
                case SIGMOID_BACKWARD -> Elementwise.sigmoidBackward(a, ao, x, bo, o, oo, n);
                case TANH_BACKWARD -> Elementwise.tanhBackward(a, ao, x, bo, o, oo, n);
                case GELU_BACKWARD -> Elementwise.geluBackward(a, ao, x, bo, o, oo, n);
                case GELU_TANH_BACKWARD -> Elementwise.geluTanhBackward(a, ao, x, bo, o, oo, n);
            }
        }

        @Override
        void axpy(double alpha, int xo, Storage y, int yo, int n) {
            Elementwise.axpy(alpha, a, xo, ((F64) y).a, yo, n);
        }

        @Override
        void mulAdd(int ao, Storage b, int bo, Storage y, int yo, int n) {
            Elementwise.mulAdd(a, ao, ((F64) b).a, bo, ((F64) y).a, yo, n);
        }

        @Override
        void rowVector(boolean add, int xo, int rows, int cols, Storage v, int vo, Storage out, int oo) {
            if (add) {
                RowOps.addRowVector(a, xo, rows, cols, ((F64) v).a, vo, ((F64) out).a, oo);
            } else {
                RowOps.mulRowVector(a, xo, rows, cols, ((F64) v).a, vo, ((F64) out).a, oo);
            }
        }

        @Override
        void columnSums(int xo, int rows, int cols, Storage out, int oo) {
            RowOps.columnSums(a, xo, rows, cols, ((F64) out).a, oo, false);
        }

        @Override
        void rowSoftmax(boolean log, int xo, int rows, int cols, Storage out, int oo) {
            if (log) {
                RowOps.rowLogSoftmax(a, xo, rows, cols, ((F64) out).a, oo);
            } else {
                RowOps.rowSoftmax(a, xo, rows, cols, ((F64) out).a, oo);
            }
        }

        @Override
        double sum(int off, int n) {
            return Reductions.sum(a, off, n);
        }

        @Override
        double sumOfSquares(int off, int n) {
            return Reductions.sumOfSquares(a, off, n);
        }

        @Override
        int argmax(int off, int n) {
            return Reductions.argmax(a, off, n);
        }

        @Override
        void gemm(boolean ta, boolean tb, int m, int n, int k, int ao, int lda, Storage b, int bo, int ldb, Storage c, int co,
                int ldc) {
            Gemm.dgemm(ta, tb, m, n, k, 1, a, ao, lda, ((F64) b).a, bo, ldb, 0, ((F64) c).a, co, ldc);
        }

        @Override
        void adamStep(int po, Storage g, int go, Storage m, int mo, Storage v, int vo, double stepSize, double beta1,
                double beta2, double invSqrtBc2, double eps, double weightDecay, double pScale, int n) {
            Elementwise.adamStep(a, po, ((F64) g).a, go, ((F64) m).a, mo, ((F64) v).a, vo, stepSize, beta1, beta2, invSqrtBc2,
                    eps, weightDecay, pScale, n);
        }
    }
}
