package dev.vecgrad.kernels;

/**
 * The scalar reference of every {@link FloatSimd} kernel: the definitions in plain Java, the
 * test oracle, and the {@link FloatKernels} that {@link Backend} picks when the Vector API is
 * unavailable. Transcendental functions are evaluated in double and rounded once, so as an
 * oracle they are within half an ulp of the exact result wherever {@link Math} is.
 * {@code DoubleScalar} is generated from this file by {@code kernels/gen/microkernels.py}.
 */
final class FloatScalar implements FloatKernels {

    /** The one instance ({@link Backend#FLOAT} when it is this implementation). */
    static final FloatScalar INSTANCE = new FloatScalar();

    private static final double SQRT1_2 = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double GELU_K0 = Math.sqrt(2 / Math.PI);
    private static final double GELU_K1 = 0.044715;

    private FloatScalar() {}

    @Override
    public void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] + b[bo + i];
        }
    }

    @Override
    public void sub(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] - b[bo + i];
        }
    }

    @Override
    public void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] * b[bo + i];
        }
    }

    @Override
    public void div(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = a[ao + i] / b[bo + i];
        }
    }

    @Override
    public void maximum(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.max(a[ao + i], b[bo + i]);
        }
    }

    @Override
    public void fma(float[] a, int ao, float[] b, int bo, float[] c, int co, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.fma(a[ao + i], b[bo + i], c[co + i]);
        }
    }

    @Override
    public void mulAdd(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = Math.fma(a[ao + i], b[bo + i], y[yo + i]);
        }
    }

    @Override
    public void scale(float alpha, float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] * alpha;
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = Math.fma(x[xo + i], alpha, y[yo + i]);
        }
    }

    @Override
    public void addScalar(float[] x, int xo, float s, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] + s;
        }
    }

    @Override
    public void clamp(float[] x, int xo, float lo, float hi, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.max(lo, Math.min(hi, x[xo + i]));
        }
    }

    @Override
    public void leakyRelu(float[] x, int xo, float slope, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            out[oo + i] = v < 0 ? v * slope : v;
        }
    }

    @Override
    public void neg(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = -x[xo + i];
        }
    }

    @Override
    public void abs(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.abs(x[xo + i]);
        }
    }

    @Override
    public void sqrt(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) Math.sqrt(x[xo + i]);
        }
    }

    @Override
    public void exp(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) Math.exp(x[xo + i]);
        }
    }

    @Override
    public void log(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) Math.log(x[xo + i]);
        }
    }

    @Override
    public void tanh(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) Math.tanh(x[xo + i]);
        }
    }

    @Override
    public void sigmoid(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) sigmoid((double) x[xo + i]);
        }
    }

    /** Stable in both tails: e / (1 + e) with e = exp(-|x|) for x < 0. */
    private static double sigmoid(double v) {
        double e = Math.exp(-Math.abs(v));
        return v >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    @Override
    public void relu(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.max(x[xo + i], 0f);
        }
    }

    @Override
    public void gelu(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xo + i];
            out[oo + i] = (float) (0.5 * v * ErfcCoefficients.erfc(-v * SQRT1_2));
        }
    }

    @Override
    public void geluTanh(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xo + i];
            out[oo + i] = (float) (v * sigmoid(2 * GELU_K0 * (v + GELU_K1 * v * v * v)));
        }
    }

    @Override
    public void reluBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] > 0 ? g[go + i] : 0f;
        }
    }

    @Override
    public void leakyReluBackward(float[] x, int xo, float slope, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] > 0 ? g[go + i] : g[go + i] * slope;
        }
    }

    @Override
    public void sigmoidBackward(float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float v = y[yo + i];
            out[oo + i] = g[go + i] * v * (1 - v);
        }
    }

    @Override
    public void tanhBackward(float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float v = y[yo + i];
            out[oo + i] = g[go + i] * Math.fma(-v, v, 1f);
        }
    }

    @Override
    public void geluBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xo + i];
            double d = 0.5 * ErfcCoefficients.erfc(-v * SQRT1_2)
                    + v * INV_SQRT_2PI * ErfcCoefficients.expMinusSquare(v * SQRT1_2);
            out[oo + i] = (float) (g[go + i] * d);
        }
    }

    @Override
    public void geluTanhBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xo + i];
            double s = sigmoid(2 * GELU_K0 * (v + GELU_K1 * v * v * v));
            double d = s + v * s * (1 - s) * 2 * GELU_K0 * (1 + 3 * GELU_K1 * v * v);
            out[oo + i] = (float) (g[go + i] * d);
        }
    }

    @Override
    public void adamStep(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, float stepSize,
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

    @Override
    public void addRow(float[] x, int xo, int rows, int cols, float[] v, int vo, boolean relu, float[] out, int oo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                float s = x[xo + r * cols + j] + v[vo + j];
                out[oo + r * cols + j] = relu ? Math.max(s, 0f) : s;
            }
        }
    }

    @Override
    public void mulRow(float[] x, int xo, int rows, int cols, float[] v, int vo, float[] out, int oo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                out[oo + r * cols + j] = x[xo + r * cols + j] * v[vo + j];
            }
        }
    }

    @Override
    public void columnSums(float[] x, int xo, int rows, int cols, int j0, int j1, float[] out, int oo, boolean accumulate) {
        for (int j = j0; j < j1; j++) {
            float acc = accumulate ? out[oo + j] : 0f;
            for (int r = 0; r < rows; r++) {
                acc += x[xo + r * cols + j];
            }
            out[oo + j] = acc;
        }
    }

    @Override
    public double sum(float[] x, int xo, int n) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += x[xo + i];
        }
        return acc;
    }

    @Override
    public double dot(float[] a, int ao, float[] b, int bo, int n) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += (double) a[ao + i] * b[bo + i];
        }
        return acc;
    }

    @Override
    public float max(float[] x, int xo, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x[xo + i]);
        }
        return m;
    }

    @Override
    public int indexOf(float[] x, int xo, int n, float value) {
        boolean nan = Float.isNaN(value);
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            if (nan ? Float.isNaN(v) : v == value) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void rowSoftmax(float[] x, int xo, int rows, int cols, float[] out, int oo, boolean log) {
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

    // ---- float only: microkernels.py leaves this out of DoubleScalar ----

    @Override
    public void unsignedBytesToFloats(byte[] src, int s, float[] dst, int d, int n, float scale, float shift) {
        for (int k = 0; k < n; k++) {
            dst[d + k] = (src[s + k] & 0xFF) * scale + shift;
        }
    }

    // ---- end float only ----
}
