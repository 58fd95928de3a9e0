package dev.vecgrad.autograd;

import dev.vecgrad.kernels.Elementwise;
import dev.vecgrad.kernels.Gemm;
import dev.vecgrad.kernels.Patches;
import dev.vecgrad.kernels.Pooling;
import dev.vecgrad.kernels.Reductions;
import dev.vecgrad.kernels.RowOps;
import java.util.Arrays;

/** float32 elements: {@link Storage} on the float overloads of the kernels. */
final class FloatStorage extends Storage {
    final float[] a;

    FloatStorage(float[] a) {
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
        return new FloatStorage(new float[n]);
    }

    @Override
    void fill(int from, int to, double v) {
        Arrays.fill(a, from, to, (float) v);
    }

    @Override
    void copyTo(int from, Storage dst, int to, int n) {
        if (dst instanceof FloatStorage d) {
            System.arraycopy(a, from, d.a, to, n);
        } else {
            convertTo(from, dst, to, n);
        }
    }

    @Override
    void copyStrided(int from, int stride, Storage dst, int to, int n) {
        float[] d = ((FloatStorage) dst).a;
        if (stride == 1) {
            System.arraycopy(a, from, d, to, n);
            return;
        }
        for (int i = 0, p = from; i < n; i++, p += stride) {
            d[to + i] = a[p];
        }
    }

    @Override
    void copySpread(int from, Storage dst, int to, int stride, int n) {
        float[] d = ((FloatStorage) dst).a;
        for (int i = 0, p = to; i < n; i++, p += stride) {
            d[p] = a[from + i];
        }
    }

    @Override
    void addStrided(int from, Storage dst, int to, int stride, int n) {
        float[] d = ((FloatStorage) dst).a;
        if (stride == 1) {
            Elementwise.axpy(1f, a, from, d, to, n);   // 1 * x + y is exactly x + y
            return;
        }
        for (int i = 0, p = to; i < n; i++, p += stride) {
            d[p] += a[from + i];
        }
    }

    @Override
    void accumulate(int from, Storage dst, int to) {
        ((FloatStorage) dst).a[to] += a[from];
    }

    @Override
    void map(Unary op, double p, double q, int xo, Storage out, int oo, int n) {
        ElementwiseDispatch.map(op, (float) p, (float) q, a, xo, ((FloatStorage) out).a, oo, n);
    }

    @Override
    void zip(Binary op, double p, int ao, Storage b, int bo, Storage out, int oo, int n) {
        ElementwiseDispatch.zip(op, (float) p, a, ao, ((FloatStorage) b).a, bo, ((FloatStorage) out).a, oo, n);
    }

    @Override
    void axpy(double alpha, int xo, Storage y, int yo, int n) {
        Elementwise.axpy((float) alpha, a, xo, ((FloatStorage) y).a, yo, n);
    }

    @Override
    void mulAdd(int ao, Storage b, int bo, Storage y, int yo, int n) {
        Elementwise.mulAdd(a, ao, ((FloatStorage) b).a, bo, ((FloatStorage) y).a, yo, n);
    }

    @Override
    void rowVector(boolean add, int xo, int rows, int cols, Storage v, int vo, Storage out, int oo) {
        if (add) {
            RowOps.addRowVector(a, xo, rows, cols, ((FloatStorage) v).a, vo, ((FloatStorage) out).a, oo);
        } else {
            RowOps.mulRowVector(a, xo, rows, cols, ((FloatStorage) v).a, vo, ((FloatStorage) out).a, oo);
        }
    }

    @Override
    void columnSums(int xo, int rows, int cols, Storage out, int oo) {
        RowOps.columnSums(a, xo, rows, cols, ((FloatStorage) out).a, oo, false);
    }

    @Override
    void rowSoftmax(boolean log, int xo, int rows, int cols, Storage out, int oo) {
        if (log) {
            RowOps.rowLogSoftmax(a, xo, rows, cols, ((FloatStorage) out).a, oo);
        } else {
            RowOps.rowSoftmax(a, xo, rows, cols, ((FloatStorage) out).a, oo);
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
    void gemm(boolean ta, boolean tb, int m, int n, int k, int ao, int lda, Storage b, int bo, int ldb, double beta, Storage c,
            int co, int ldc) {
        Gemm.sgemm(ta, tb, m, n, k, 1f, a, ao, lda, ((FloatStorage) b).a, bo, ldb, (float) beta, ((FloatStorage) c).a, co, ldc);
    }

    @Override
    void im2col(Patches.Geometry g, int xo, Storage cols, int at, int ld) {
        Patches.im2col(g, a, xo, ((FloatStorage) cols).a, at, ld);
    }

    @Override
    void col2im(Patches.Geometry g, int at, int ld, Storage dx, int dxo) {
        Patches.col2im(g, a, at, ld, ((FloatStorage) dx).a, dxo);
    }

    @Override
    void maxPool(Pooling.Windows win, int xo, int p0, int p1, Storage out, int[] where) {
        Pooling.maxForward(win, a, xo, p0, p1, ((FloatStorage) out).a, 0, where);
    }

    @Override
    void maxPoolBackward(Pooling.Windows win, int go, int[] where, int p0, int p1, Storage gx) {
        Pooling.maxBackward(win, a, go, where, p0, p1, ((FloatStorage) gx).a);
    }

    @Override
    void avgPool(Pooling.Windows win, double scale, int xo, int p0, int p1, Storage out) {
        Pooling.avgForward(win, scale, a, xo, p0, p1, ((FloatStorage) out).a, 0);
    }

    @Override
    void avgPoolBackward(Pooling.Windows win, double scale, int go, int p0, int p1, Storage gx) {
        Pooling.avgBackward(win, scale, a, go, p0, p1, ((FloatStorage) gx).a);
    }

    @Override
    void adamStep(int po, Storage g, int go, Storage m, int mo, Storage v, int vo, double stepSize, double beta1,
            double beta2, double invSqrtBc2, double eps, double weightDecay, double pScale, int n) {
        Elementwise.adamStep(a, po, ((FloatStorage) g).a, go, ((FloatStorage) m).a, mo, ((FloatStorage) v).a, vo,
                (float) stepSize, (float) beta1, (float) beta2, (float) invSqrtBc2, (float) eps, (float) weightDecay,
                (float) pScale, n);
    }
}
