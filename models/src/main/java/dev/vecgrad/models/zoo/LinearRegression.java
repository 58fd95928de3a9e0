package dev.vecgrad.models.zoo;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Grad;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.linear.Linear;
import dev.vecgrad.models.data.Dataset;
import java.util.Random;

/**
 * Linear regression y = x W^T + b two ways, as in the notes: in closed form by the normal
 * equations {@code [X 1]^T [X 1] theta = [X 1]^T y} (solved by Cholesky in float64, the Gram
 * matrix by GEMM), and as a one-layer network ({@link #model}) trained by mini-batch SGD on
 * the MSE. On well-posed data the two agree.
 */
public final class LinearRegression {

    private LinearRegression() {}

    /** The network: one Linear layer, inputs to targets. */
    public static Linear model(int inputs, int targets, Random rng) {
        return new Linear(inputs, targets, rng);
    }

    /**
     * The least-squares fit of a regression dataset, as a Linear layer of float32 weights.
     *
     * @throws IllegalArgumentException if the data is not regression data, has fewer samples
     *         than unknowns, or its features are linearly dependent (singular Gram matrix)
     */
    public static Linear normalEquations(Dataset data) {
        if (data.isClassification()) {
            throw new IllegalArgumentException("normal equations need regression targets, got " + data);
        }
        int d = data.features();
        int t = data.targetWidth();
        int n = data.size();
        if (n < d + 1) {
            throw new IllegalArgumentException("normal equations: " + n + " samples for " + (d + 1) + " unknowns per target");
        }
        double[] gram = new double[(d + 1) * (d + 1)];
        double[] rhs = new double[(d + 1) * t];
        try (var g = Grad.disabled()) {
            Tensor x = data.x().to(DType.F64);
            Tensor y = data.y().to(DType.F64);
            double[] xtx = x.t().matmul(x).toDoubleArray();
            double[] xty = x.t().matmul(y).toDoubleArray();
            double[] colSums = x.sum(0, false).toDoubleArray();
            double[] ySums = y.sum(0, false).toDoubleArray();
            for (int i = 0; i < d; i++) {
                System.arraycopy(xtx, i * d, gram, i * (d + 1), d);
                gram[i * (d + 1) + d] = colSums[i];
                gram[d * (d + 1) + i] = colSums[i];
                System.arraycopy(xty, i * t, rhs, i * t, t);
            }
            gram[d * (d + 1) + d] = n;
            System.arraycopy(ySums, 0, rhs, d * t, t);
        }
        double[] theta = choleskySolve(gram, rhs, d + 1, t);
        Linear out = new Linear(d, t, new Random(0));
        float[] w = out.weight.floatData();
        float[] b = out.bias.floatData();
        for (int k = 0; k < t; k++) {
            for (int i = 0; i < d; i++) {
                w[k * d + i] = (float) theta[i * t + k];
            }
            b[k] = (float) theta[d * t + k];
        }
        return out;
    }

    /** Solves A X = B for symmetric positive definite A [m, m] and B [m, r], in place of copies. */
    static double[] choleskySolve(double[] a, double[] b, int m, int r) {
        double[] l = new double[m * m];
        double scale = 0;
        for (int i = 0; i < m; i++) {
            scale = Math.max(scale, Math.abs(a[i * m + i]));
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * m + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * m + k] * l[j * m + k];
                }
                if (i == j) {
                    if (!(s > 1e-12 * scale)) {
                        throw new IllegalArgumentException("normal equations: X^T X is singular (pivot " + s + " at column " + i
                                + "): some features are linearly dependent or constant");
                    }
                    l[i * m + i] = Math.sqrt(s);
                } else {
                    l[i * m + j] = s / l[j * m + j];
                }
            }
        }
        double[] x = b.clone();
        for (int c = 0; c < r; c++) {
            for (int i = 0; i < m; i++) {
                double s = x[i * r + c];
                for (int k = 0; k < i; k++) {
                    s -= l[i * m + k] * x[k * r + c];
                }
                x[i * r + c] = s / l[i * m + i];
            }
            for (int i = m - 1; i >= 0; i--) {
                double s = x[i * r + c];
                for (int k = i + 1; k < m; k++) {
                    s -= l[k * m + i] * x[k * r + c];
                }
                x[i * r + c] = s / l[i * m + i];
            }
        }
        return x;
    }
}
