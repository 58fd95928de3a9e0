// GENERATED from FloatScalar.java by kernels/gen/microkernels.py -- edit that file, then rerun.
package dev.vecgrad.kernels;

/**
 * The scalar reference of every {@link DoubleSimd} kernel: the definitions in plain Java, the
 * test oracle, and the {@link DoubleKernels} that {@link Backend} picks when the Vector API is
 * unavailable. Transcendental functions are evaluated in double and rounded once, so as an
 * oracle they are within half an ulp of the exact result wherever {@link Math} is.
 */
final class DoubleScalar implements DoubleKernels {

    /** The one instance ({@link Backend#DOUBLE} when it is this implementation). */
    static final DoubleScalar INSTANCE = new DoubleScalar();

    private static final double SQRT1_2 = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double GELU_K0 = Math.sqrt(2 / Math.PI);
    private static final double GELU_K1 = 0.044715;

    private DoubleScalar() {}

    @Override
    public void add(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] + b[bo + i];
        }
    }

    @Override
    public void sub(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] - b[bo + i];
        }
    }

    @Override
    public void mul(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] * b[bo + i];
        }
    }

    @Override
    public void div(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] / b[bo + i];
        }
    }

    @Override
    public void maximum(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.max(a[ao + i], b[bo + i]);
        }
    }

    @Override
    public void fma(double[] a, int ao, double[] b, int bo, double[] c, int co, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.fma(a[ao + i], b[bo + i], c[co + i]);
        }
    }

    @Override
    public void mulAdd(double[] a, int ao, double[] b, int bo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = Math.fma(a[ao + i], b[bo + i], y[yo + i]);
        }
    }

    @Override
    public void scale(double alpha, double[] x, int xo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] * alpha;
        }
    }

    @Override
    public void axpy(double alpha, double[] x, int xo, double[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = Math.fma(x[xo + i], alpha, y[yo + i]);
        }
    }

    @Override
    public void addScalar(double[] x, int xo, double s, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] + s;
        }
    }

    @Override
    public void clamp(double[] x, int xo, double lo, double hi, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.max(lo, Math.min(hi, x[xo + i]));
        }
    }

    @Override
    public void leakyRelu(double[] x, int xo, double slope, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xo + i];
            out[oo + i] = v < 0 ? v * slope : v;
        }
    }

    @Override
    public void neg(double[] x, int xo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = -x[xo + i];
        }
    }

    @Override
    public void abs(double[] x, int xo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.abs(x[xo + i]);
        }
    }

    @Override
    public void sqrt(double[] x, int xo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (double) Math.sqrt(x[xo + i]);
        }
    }

    @Override
    public void exp(double[] x, int xo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (double) Math.exp(x[xo + i]);
        }
    }

    @Override
    public void log(double[] x, int xo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (double) Math.log(x[xo + i]);
        }
    }

    @Override
    public void tanh(double[] x, int xo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (double) Math.tanh(x[xo + i]);
        }
    }

    @Override
    public void sigmoid(double[] x, int xo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (double) sigmoid((double) x[xo + i]);
        }
    }

    /** Stable in both tails: e / (1 + e) with e = exp(-|x|) for x < 0. */
    private static double sigmoid(double v) {
        double e = Math.exp(-Math.abs(v));
        return v >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    @Override
    public void relu(double[] x, int xo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.max(x[xo + i], 0.0);
        }
    }

    @Override
    public void gelu(double[] x, int xo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xo + i];
            out[oo + i] = (double) (0.5 * v * ErfcCoefficients.erfc(-v * SQRT1_2));
        }
    }

    @Override
    public void geluTanh(double[] x, int xo, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xo + i];
            out[oo + i] = (double) (v * sigmoid(2 * GELU_K0 * (v + GELU_K1 * v * v * v)));
        }
    }

    @Override
    public void reluBackward(double[] x, int xo, double[] g, int go, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] > 0 ? g[go + i] : 0.0;
        }
    }

    @Override
    public void leakyReluBackward(double[] x, int xo, double slope, double[] g, int go, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] > 0 ? g[go + i] : g[go + i] * slope;
        }
    }

    @Override
    public void sigmoidBackward(double[] y, int yo, double[] g, int go, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double v = y[yo + i];
            out[oo + i] = g[go + i] * v * (1 - v);
        }
    }

    @Override
    public void tanhBackward(double[] y, int yo, double[] g, int go, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double v = y[yo + i];
            out[oo + i] = g[go + i] * Math.fma(-v, v, 1.0);
        }
    }

    @Override
    public void geluBackward(double[] x, int xo, double[] g, int go, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xo + i];
            double d = 0.5 * ErfcCoefficients.erfc(-v * SQRT1_2)
                    + v * INV_SQRT_2PI * ErfcCoefficients.expMinusSquare(v * SQRT1_2);
            out[oo + i] = (double) (g[go + i] * d);
        }
    }

    @Override
    public void geluTanhBackward(double[] x, int xo, double[] g, int go, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xo + i];
            double s = sigmoid(2 * GELU_K0 * (v + GELU_K1 * v * v * v));
            double d = s + v * s * (1 - s) * 2 * GELU_K0 * (1 + 3 * GELU_K1 * v * v);
            out[oo + i] = (double) (g[go + i] * d);
        }
    }

    @Override
    public void adamStep(double[] p, int po, double[] g, int go, double[] m, int mo, double[] v, int vo, double stepSize,
                         double beta1, double beta2, double invSqrtBc2, double eps, double weightDecay, double pScale, int n) {
        for (int i = 0; i < n; i++) {
            double g2 = p[po + i] * weightDecay + g[go + i];
            double m2 = m[mo + i] * beta1 + g2 * (1 - beta1);
            double v2 = v[vo + i] * beta2 + g2 * g2 * (1 - beta2);
            m2 = Math.abs(m2) < Double.MIN_NORMAL ? 0 : m2; // see DoubleSimd.adamStep
            v2 = v2 < Double.MIN_NORMAL ? 0 : v2;
            double denom = (double) Math.sqrt(v2) * invSqrtBc2 + eps;
            p[po + i] = p[po + i] * pScale - m2 * stepSize / denom;
            m[mo + i] = m2;
            v[vo + i] = v2;
        }
    }

    @Override
    public void addRow(double[] x, int xo, int rows, int cols, double[] v, int vo, boolean relu, double[] out, int oo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                double s = x[xo + r * cols + j] + v[vo + j];
                out[oo + r * cols + j] = relu ? Math.max(s, 0.0) : s;
            }
        }
    }

    @Override
    public void mulRow(double[] x, int xo, int rows, int cols, double[] v, int vo, double[] out, int oo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                out[oo + r * cols + j] = x[xo + r * cols + j] * v[vo + j];
            }
        }
    }

    @Override
    public void columnSums(double[] x, int xo, int rows, int cols, int j0, int j1, double[] out, int oo, boolean accumulate) {
        for (int j = j0; j < j1; j++) {
            double acc = accumulate ? out[oo + j] : 0.0;
            for (int r = 0; r < rows; r++) {
                acc += x[xo + r * cols + j];
            }
            out[oo + j] = acc;
        }
    }

    @Override
    public double sum(double[] x, int xo, int n) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += x[xo + i];
        }
        return acc;
    }

    @Override
    public double dot(double[] a, int ao, double[] b, int bo, int n) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += (double) a[ao + i] * b[bo + i];
        }
        return acc;
    }

    @Override
    public double max(double[] x, int xo, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x[xo + i]);
        }
        return m;
    }

    @Override
    public int indexOf(double[] x, int xo, int n, double value) {
        boolean nan = Double.isNaN(value);
        for (int i = 0; i < n; i++) {
            double v = x[xo + i];
            if (nan ? Double.isNaN(v) : v == value) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void rowSoftmax(double[] x, int xo, int rows, int cols, double[] out, int oo, boolean log) {
        for (int r = 0; r < rows; r++) {
            int xr = xo + r * cols;
            int or = oo + r * cols;
            double mx = max(x, xr, cols);
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[xr + j] - mx);
            }
            for (int j = 0; j < cols; j++) {
                double z = x[xr + j] - mx;
                out[or + j] = (double) (log ? z - Math.log(sum) : Math.exp(z) / sum);
            }
        }
    }
}
