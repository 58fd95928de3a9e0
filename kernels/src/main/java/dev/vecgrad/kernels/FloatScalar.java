package dev.vecgrad.kernels;

/**
 * The scalar reference of every {@link FloatSimd} kernel: the definitions in plain Java, the
 * test oracle, and the fallback when the Vector API is unavailable. Transcendental functions
 * are evaluated in double and rounded once, so as an oracle they are within half an ulp of
 * the exact result wherever {@link Math} is. {@code DoubleScalar} is generated from this file
 * by {@code kernels/gen/microkernels.py}.
 */
final class FloatScalar {

    private static final double SQRT1_2 = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double GELU_K0 = Math.sqrt(2 / Math.PI);
    private static final double GELU_K1 = 0.044715;

    private FloatScalar() {}

    static void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] + b[bo + i];
        }
    }

    static void sub(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] - b[bo + i];
        }
    }

    static void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] * b[bo + i];
        }
    }

    static void div(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] / b[bo + i];
        }
    }

    static void maximum(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.max(a[ao + i], b[bo + i]);
        }
    }

    static void fma(float[] a, int ao, float[] b, int bo, float[] c, int co, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.fma(a[ao + i], b[bo + i], c[co + i]);
        }
    }

    static void mulAdd(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = Math.fma(a[ao + i], b[bo + i], y[yo + i]);
        }
    }

    static void scale(float alpha, float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] * alpha;
        }
    }

    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = Math.fma(x[xo + i], alpha, y[yo + i]);
        }
    }

    static void addScalar(float[] x, int xo, float s, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] + s;
        }
    }

    static void clamp(float[] x, int xo, float lo, float hi, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.max(lo, Math.min(hi, x[xo + i]));
        }
    }

    static void leakyRelu(float[] x, int xo, float slope, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            out[oo + i] = v < 0 ? v * slope : v;
        }
    }

    static void neg(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = -x[xo + i];
        }
    }

    static void abs(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.abs(x[xo + i]);
        }
    }

    static void sqrt(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) Math.sqrt(x[xo + i]);
        }
    }

    static void exp(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) Math.exp(x[xo + i]);
        }
    }

    static void log(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) Math.log(x[xo + i]);
        }
    }

    static void tanh(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) Math.tanh(x[xo + i]);
        }
    }

    static void sigmoid(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) sigmoid((double) x[xo + i]);
        }
    }

    /** Stable in both tails: e / (1 + e) with e = exp(-|x|) for x < 0. */
    private static double sigmoid(double v) {
        double e = Math.exp(-Math.abs(v));
        return v >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    static void relu(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.max(x[xo + i], 0f);
        }
    }

    static void gelu(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xo + i];
            out[oo + i] = (float) (0.5 * v * ErfcCoefficients.erfc(-v * SQRT1_2));
        }
    }

    static void geluTanh(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xo + i];
            out[oo + i] = (float) (v * sigmoid(2 * GELU_K0 * (v + GELU_K1 * v * v * v)));
        }
    }

    static void reluBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] > 0 ? g[go + i] : 0f;
        }
    }

    static void leakyReluBackward(float[] x, int xo, float slope, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] > 0 ? g[go + i] : g[go + i] * slope;
        }
    }

    static void sigmoidBackward(float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float v = y[yo + i];
            out[oo + i] = g[go + i] * v * (1 - v);
        }
    }

    static void tanhBackward(float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float v = y[yo + i];
            out[oo + i] = g[go + i] * Math.fma(-v, v, 1f);
        }
    }

    static void geluBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xo + i];
            double d = 0.5 * ErfcCoefficients.erfc(-v * SQRT1_2)
                    + v * INV_SQRT_2PI * ErfcCoefficients.expMinusSquare(v * SQRT1_2);
            out[oo + i] = (float) (g[go + i] * d);
        }
    }

    static void geluTanhBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xo + i];
            double s = sigmoid(2 * GELU_K0 * (v + GELU_K1 * v * v * v));
            double d = s + v * s * (1 - s) * 2 * GELU_K0 * (1 + 3 * GELU_K1 * v * v);
            out[oo + i] = (float) (g[go + i] * d);
        }
    }

    static void adamStep(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, float stepSize,
                         float beta1, float beta2, float invSqrtBc2, float eps, float weightDecay, float pScale, int n) {
        for (int i = 0; i < n; i++) {
            float g2 = p[po + i] * weightDecay + g[go + i];
            float m2 = m[mo + i] * beta1 + g2 * (1 - beta1);
            float v2 = v[vo + i] * beta2 + g2 * g2 * (1 - beta2);
            m2 = Math.abs(m2) < Float.MIN_NORMAL ? 0 : m2; // see FloatSimd.adamStep
            v2 = v2 < Float.MIN_NORMAL ? 0 : v2;
            float denom = (float) Math.sqrt(v2) * invSqrtBc2 + eps;
            p[po + i] = p[po + i] * pScale - m2 * stepSize / denom;
            m[mo + i] = m2;
            v[vo + i] = v2;
        }
    }

    static void addRow(float[] x, int xo, int rows, int cols, float[] v, int vo, boolean relu, float[] out, int oo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                float s = x[xo + r * cols + j] + v[vo + j];
                out[oo + r * cols + j] = relu ? Math.max(s, 0f) : s;
            }
        }
    }

    static void mulRow(float[] x, int xo, int rows, int cols, float[] v, int vo, float[] out, int oo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                out[oo + r * cols + j] = x[xo + r * cols + j] * v[vo + j];
            }
        }
    }

    static void columnSums(float[] x, int xo, int rows, int cols, int j0, int j1, float[] out, int oo, boolean accumulate) {
        for (int j = j0; j < j1; j++) {
            float acc = accumulate ? out[oo + j] : 0f;
            for (int r = 0; r < rows; r++) {
                acc += x[xo + r * cols + j];
            }
            out[oo + j] = acc;
        }
    }

    static double sum(float[] x, int xo, int n) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += x[xo + i];
        }
        return acc;
    }

    static double dot(float[] a, int ao, float[] b, int bo, int n) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += (double) a[ao + i] * b[bo + i];
        }
        return acc;
    }

    static float max(float[] x, int xo, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x[xo + i]);
        }
        return m;
    }

    static int indexOf(float[] x, int xo, int n, float value) {
        boolean nan = Float.isNaN(value);
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            if (nan ? Float.isNaN(v) : v == value) {
                return i;
            }
        }
        return -1;
    }

    static void rowSoftmax(float[] x, int xo, int rows, int cols, float[] out, int oo, boolean log) {
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
                out[or + j] = (float) (log ? z - Math.log(sum) : Math.exp(z) / sum);
            }
        }
    }
}
