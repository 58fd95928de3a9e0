// GENERATED from FloatSimd.java by kernels/gen/microkernels.py -- edit that file, then rerun.
package dev.vecgrad.kernels;

import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API elementwise maps, broadcasts and reductions on double: the {@link DoubleKernels}
 * that {@link Backend} picks when the incubator module is there (only {@link VectorBackend}
 * names this class). {@link DoubleScalar} is the reference each one is tested against.
 * Single-threaded over one range: splitting and argument checks are in {@link Elementwise}
 * and {@link Reductions}. Every loop ends with one masked step instead of a scalar tail, so
 * every element is computed the same way. exp, log, tanh and lane sums are built from IEEE
 * operations only, so results do not depend on whether the JIT has compiled a kernel yet
 * (the Vector API's EXP / LOG / TANH and reduceLanes(ADD) do).
 */
final class DoubleSimd implements DoubleKernels {

    /** The one instance ({@link Backend#DOUBLE} when it is this implementation). */
    static final DoubleSimd INSTANCE = new DoubleSimd();

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private static final double SQRT1_2 = (double) Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = (double) (1 / Math.sqrt(2 * Math.PI));
    private static final double GELU_K0 = (double) Math.sqrt(2 / Math.PI);
    /** Constants of the tanh-form GELU, 2 * GELU_K0 folded in at use. */
    private static final double GELU_K1 = 0.044715;

    private static final double LOG2E = (double) (1 / Math.log(2));
    /** 1.5 * 2^(p-1): adding it rounds a double of magnitude < 2^(p-2) to an integer held in the low bits. */
    private static final double ROUNDER = 1.5 * Math.scalb(1.0, Double.PRECISION - 1);
    private static final LongVector ROUNDER_BITS = DoubleVector.broadcast(S, ROUNDER).reinterpretAsLongs();
    /** exp overflows above EXP_HI and is 0 below EXP_LO: clamping there keeps 2^n representable in two halves. */
    private static final double EXP_HI = (Double.MAX_EXPONENT + 2) * (double) Math.log(2);
    private static final double EXP_LO = -(Double.MAX_EXPONENT + Double.PRECISION + 2) * (double) Math.log(2);
    private static final LongVector SQRT_HALF_BITS = DoubleVector.broadcast(S, (double) Math.sqrt(0.5)).reinterpretAsLongs();
    private static final LongVector MANTISSA_MASK = DoubleVector.broadcast(S, Double.MIN_NORMAL).reinterpretAsLongs().sub(1);
    /** Lane permutations of a butterfly sum: lane i meets lane i ^ d for d = VL/2, ..., 1. */
    private static final List<VectorShuffle<Double>> BUTTERFLY = butterfly();

    private DoubleSimd() {}

    private static List<VectorShuffle<Double>> butterfly() {
        List<VectorShuffle<Double>> out = new ArrayList<>();
        for (int d = VL / 2; d > 0; d /= 2) {
            int dist = d;
            out.add(VectorShuffle.fromOp(S, i -> i ^ dist));
        }
        return List.copyOf(out);
    }

    private static DoubleVector load(double[] a, int i, VectorMask<Double> m) {
        return DoubleVector.fromArray(S, a, i, m);
    }

    // ---- binary maps: out = a (op) b ----

    @Override
    public void add(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, a, ao + i).add(DoubleVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(a, ao + i, m).add(load(b, bo + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void sub(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, a, ao + i).sub(DoubleVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(a, ao + i, m).sub(load(b, bo + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void mul(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, a, ao + i).mul(DoubleVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(a, ao + i, m).mul(load(b, bo + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void div(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, a, ao + i).div(DoubleVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(a, ao + i, m).div(load(b, bo + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void maximum(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, a, ao + i).max(DoubleVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(a, ao + i, m).max(load(b, bo + i, m)).intoArray(out, oo + i, m);
        }
    }

    /** out = a * b + c, one rounding. */
    @Override
    public void fma(double[] a, int ao, double[] b, int bo, double[] c, int co, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, a, ao + i).fma(DoubleVector.fromArray(S, b, bo + i), DoubleVector.fromArray(S, c, co + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(a, ao + i, m).fma(load(b, bo + i, m), load(c, co + i, m)).intoArray(out, oo + i, m);
        }
    }

    /** y += a * b, one rounding. */
    @Override
    public void mulAdd(double[] a, int ao, double[] b, int bo, double[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, a, ao + i).fma(DoubleVector.fromArray(S, b, bo + i), DoubleVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(a, ao + i, m).fma(load(b, bo + i, m), load(y, yo + i, m)).intoArray(y, yo + i, m);
        }
    }

    // ---- maps with a scalar ----

    @Override
    public void scale(double alpha, double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, x, xo + i).mul(alpha).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(x, xo + i, m).mul(alpha).intoArray(out, oo + i, m);
        }
    }

    /** y += alpha * x, one rounding. */
    @Override
    public void axpy(double alpha, double[] x, int xo, double[] y, int yo, int n) {
        DoubleVector av = DoubleVector.broadcast(S, alpha);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, x, xo + i).fma(av, DoubleVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(x, xo + i, m).fma(av, load(y, yo + i, m)).intoArray(y, yo + i, m);
        }
    }

    @Override
    public void addScalar(double[] x, int xo, double s, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, x, xo + i).add(s).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(x, xo + i, m).add(s).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void clamp(double[] x, int xo, double lo, double hi, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, x, xo + i).min(hi).max(lo).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(x, xo + i, m).min(hi).max(lo).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void leakyRelu(double[] x, int xo, double slope, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector v = DoubleVector.fromArray(S, x, xo + i);
            v.blend(v.mul(slope), v.compare(VectorOperators.LT, 0.0)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector v = load(x, xo + i, m);
            v.blend(v.mul(slope), v.compare(VectorOperators.LT, 0.0)).intoArray(out, oo + i, m);
        }
    }

    // ---- unary maps ----

    // The operator is a literal in each method: passed as a parameter it is no longer a
    // constant and C2 falls back to scalar Math per lane (measured 25x slower for exp).

    @Override
    public void neg(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, x, xo + i).lanewise(VectorOperators.NEG).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(x, xo + i, m).lanewise(VectorOperators.NEG).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void abs(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, x, xo + i).lanewise(VectorOperators.ABS).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(x, xo + i, m).lanewise(VectorOperators.ABS).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void sqrt(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, x, xo + i).lanewise(VectorOperators.SQRT).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(x, xo + i, m).lanewise(VectorOperators.SQRT).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void exp(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            exp(DoubleVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            exp(load(x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void log(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            log(DoubleVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            log(load(x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void tanh(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            tanh(DoubleVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            tanh(load(x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    /** sigmoid(x) = s for x >= 0 and e * s for x < 0, e = exp(-|x|), s = 1 / (1 + e): no overflow, no flush to 0. */
    @Override
    public void sigmoid(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            sigmoid(DoubleVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            sigmoid(load(x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    private static DoubleVector sigmoid(DoubleVector v) {
        DoubleVector e = exp(v.abs().neg());
        DoubleVector s = DoubleVector.broadcast(S, 1.0).div(e.add(1.0));
        return s.blend(e.mul(s), v.compare(VectorOperators.LT, 0.0));
    }

    @Override
    public void relu(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, x, xo + i).max(0.0).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(x, xo + i, m).max(0.0).intoArray(out, oo + i, m);
        }
    }

    /** GELU, PyTorch's default (erf) form: x * Phi(x) = 0.5 x erfc(-x / sqrt 2). */
    @Override
    public void gelu(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector v = DoubleVector.fromArray(S, x, xo + i);
            v.mul(normalCdf(v)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector v = load(x, xo + i, m);
            v.mul(normalCdf(v)).intoArray(out, oo + i, m);
        }
    }

    /** GELU, tanh form: 0.5 x (1 + tanh(u)) = x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3); no cancellation for x << 0. */
    @Override
    public void geluTanh(double[] x, int xo, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector v = DoubleVector.fromArray(S, x, xo + i);
            v.mul(sigmoid(geluTanhArgument(v))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector v = load(x, xo + i, m);
            v.mul(sigmoid(geluTanhArgument(v))).intoArray(out, oo + i, m);
        }
    }

    /** 2u = 2 sqrt(2/pi) (x + 0.044715 x^3). */
    private static DoubleVector geluTanhArgument(DoubleVector v) {
        return v.mul(v).fma(GELU_K1, 1.0).mul(v).mul(2 * GELU_K0);
    }

    // ---- derivative maps: out = grad * f'(.) ----

    /** relu'(x) = 1 for x > 0, else 0 (PyTorch's choice at 0). */
    @Override
    public void reluBackward(double[] x, int xo, double[] g, int go, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector grad = DoubleVector.fromArray(S, g, go + i);
            DoubleVector.zero(S).blend(grad, DoubleVector.fromArray(S, x, xo + i).compare(VectorOperators.GT, 0.0)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector grad = load(g, go + i, m);
            DoubleVector.zero(S).blend(grad, load(x, xo + i, m).compare(VectorOperators.GT, 0.0)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void leakyReluBackward(double[] x, int xo, double slope, double[] g, int go, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector grad = DoubleVector.fromArray(S, g, go + i);
            grad.mul(slope).blend(grad, DoubleVector.fromArray(S, x, xo + i).compare(VectorOperators.GT, 0.0)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector grad = load(g, go + i, m);
            grad.mul(slope).blend(grad, load(x, xo + i, m).compare(VectorOperators.GT, 0.0)).intoArray(out, oo + i, m);
        }
    }

    /** From the output y = sigmoid(x): grad * y * (1 - y). */
    @Override
    public void sigmoidBackward(double[] y, int yo, double[] g, int go, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector yv = DoubleVector.fromArray(S, y, yo + i);
            DoubleVector.fromArray(S, g, go + i).mul(yv).mul(yv.neg().add(1.0)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector yv = load(y, yo + i, m);
            load(g, go + i, m).mul(yv).mul(yv.neg().add(1.0)).intoArray(out, oo + i, m);
        }
    }

    /** From the output y = tanh(x): grad * (1 - y^2). */
    @Override
    public void tanhBackward(double[] y, int yo, double[] g, int go, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector yv = DoubleVector.fromArray(S, y, yo + i);
            DoubleVector.fromArray(S, g, go + i).mul(yv.neg().fma(yv, DoubleVector.broadcast(S, 1.0))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector yv = load(y, yo + i, m);
            load(g, go + i, m).mul(yv.neg().fma(yv, DoubleVector.broadcast(S, 1.0))).intoArray(out, oo + i, m);
        }
    }

    /** gelu'(x) = Phi(x) + x phi(x). */
    @Override
    public void geluBackward(double[] x, int xo, double[] g, int go, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, g, go + i).mul(geluDerivative(DoubleVector.fromArray(S, x, xo + i))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(g, go + i, m).mul(geluDerivative(load(x, xo + i, m))).intoArray(out, oo + i, m);
        }
    }

    private static DoubleVector geluDerivative(DoubleVector v) {
        DoubleVector pdf = expMinusHalfSquare(v).mul(INV_SQRT_2PI);
        return v.fma(pdf, normalCdf(v));
    }

    /**
     * d/dx of the tanh form: s + x s (1 - s) 2u', s = sigmoid(2u), 2u' = 2 sqrt(2/pi) (1 + 3 * 0.044715 x^2).
     */
    @Override
    public void geluTanhBackward(double[] x, int xo, double[] g, int go, double[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector.fromArray(S, g, go + i).mul(geluTanhDerivative(DoubleVector.fromArray(S, x, xo + i))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            load(g, go + i, m).mul(geluTanhDerivative(load(x, xo + i, m))).intoArray(out, oo + i, m);
        }
    }

    private static DoubleVector geluTanhDerivative(DoubleVector v) {
        DoubleVector s = sigmoid(geluTanhArgument(v));
        DoubleVector du = v.mul(v).fma(3 * GELU_K1, 1.0).mul(2 * GELU_K0);
        return v.mul(s).mul(s.neg().add(1.0)).fma(du, s);
    }

    // ---- optimizer updates ----

    /**
     * Adam/AdamW. Moments below the smallest normal double are stored as 0: a weight whose
     * gradient stays 0 (a dead ReLU unit) sees m shrink by beta1 each step into subnormal
     * numbers, and x86 computes with those through a microcode assist about a hundred times
     * slower, which made Adam a third of a Fashion-MNIST epoch. The flushed values are far below
     * eps, so the update does not change.
     */
    @Override
    public void adamStep(double[] p, int po, double[] g, int go, double[] m, int mo, double[] v, int vo, double stepSize,
                         double beta1, double beta2, double invSqrtBc2, double eps, double weightDecay, double pScale, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector pv = DoubleVector.fromArray(S, p, po + i);
            DoubleVector g2 = pv.mul(weightDecay).add(DoubleVector.fromArray(S, g, go + i));
            DoubleVector m2 = DoubleVector.fromArray(S, m, mo + i).mul(beta1).add(g2.mul(1 - beta1));
            DoubleVector v2 = DoubleVector.fromArray(S, v, vo + i).mul(beta2).add(g2.mul(g2).mul(1 - beta2));
            m2 = m2.blend(0.0, m2.abs().lt(Double.MIN_NORMAL));
            v2 = v2.blend(0.0, v2.lt(Double.MIN_NORMAL));
            DoubleVector denom = v2.lanewise(VectorOperators.SQRT).mul(invSqrtBc2).add(eps);
            pv.mul(pScale).sub(m2.mul(stepSize).div(denom)).intoArray(p, po + i);
            m2.intoArray(m, mo + i);
            v2.intoArray(v, vo + i);
        }
        if (i < n) {
            VectorMask<Double> k = S.indexInRange(i, n);
            DoubleVector pv = load(p, po + i, k);
            DoubleVector g2 = pv.mul(weightDecay).add(load(g, go + i, k));
            DoubleVector m2 = load(m, mo + i, k).mul(beta1).add(g2.mul(1 - beta1));
            DoubleVector v2 = load(v, vo + i, k).mul(beta2).add(g2.mul(g2).mul(1 - beta2));
            m2 = m2.blend(0.0, m2.abs().lt(Double.MIN_NORMAL));
            v2 = v2.blend(0.0, v2.lt(Double.MIN_NORMAL));
            DoubleVector denom = v2.lanewise(VectorOperators.SQRT).mul(invSqrtBc2).add(eps);
            pv.mul(pScale).sub(m2.mul(stepSize).div(denom)).intoArray(p, po + i, k);
            m2.intoArray(m, mo + i, k);
            v2.intoArray(v, vo + i, k);
        }
    }

    // ---- row broadcasts on a rows x cols row-major block ----

    /** out[r][j] = x[r][j] + v[j]; with {@code relu}, max(0, that), fused. */
    @Override
    public void addRow(double[] x, int xo, int rows, int cols, double[] v, int vo, boolean relu, double[] out, int oo) {
        for (int r = 0; r < rows; r++) {
            int xr = xo + r * cols;
            int or = oo + r * cols;
            for (int j = 0; j < cols; j += VL) {
                VectorMask<Double> m = S.indexInRange(j, cols);
                DoubleVector s = load(x, xr + j, m).add(load(v, vo + j, m));
                (relu ? s.max(0.0) : s).intoArray(out, or + j, m);
            }
        }
    }

    /** out[r][j] = x[r][j] * v[j]. */
    @Override
    public void mulRow(double[] x, int xo, int rows, int cols, double[] v, int vo, double[] out, int oo) {
        for (int r = 0; r < rows; r++) {
            int xr = xo + r * cols;
            int or = oo + r * cols;
            for (int j = 0; j < cols; j += VL) {
                VectorMask<Double> m = S.indexInRange(j, cols);
                load(x, xr + j, m).mul(load(v, vo + j, m)).intoArray(out, or + j, m);
            }
        }
    }

    /** out[j] (+)= sum over rows of x[r][j], rows in order, for columns [j0, j1). */
    @Override
    public void columnSums(double[] x, int xo, int rows, int cols, int j0, int j1, double[] out, int oo, boolean accumulate) {
        for (int j = j0; j < j1; j += VL) {
            VectorMask<Double> m = S.indexInRange(j, j1);
            DoubleVector acc = accumulate ? load(out, oo + j, m) : DoubleVector.zero(S);
            for (int r = 0, xi = xo + j; r < rows; r++, xi += cols) {
                acc = acc.add(load(x, xi, m));
            }
            acc.intoArray(out, oo + j, m);
        }
    }

    // ---- reductions over one chunk; Reductions combines chunks in order ----

    /*
     * Lane sums that give the same bits on any vector width: element i of a reduction goes to virtual lane i mod
     * VIRTUAL (32 floats, 16 doubles: 1024 bits), each virtual lane summed in element order, and the virtual lanes are
     * combined in one fixed tree (lane l meets lane l + d for d = VIRTUAL / 2, ..., 1). They live in NV = VIRTUAL / VL
     * vectors: two at 512 bits (two chains, as the sums had before), four at 256, eight at 128. Before, the lanes were
     * the hardware's, and a sum on an AVX2 machine differed from the same sum on an AVX-512 one.
     */
    private static final int VIRTUAL = 1024 / Double.SIZE;
    private static final int NV = VIRTUAL / VL;

    static {
        if (NV < 2 || NV > 8) {
            throw new IllegalStateException("lane sums need 2 to 8 vectors of " + VL + " lanes for " + VIRTUAL + " virtual lanes");
        }
    }

    /** a + the lanes of x[xo + i ..] that lie below n, lanes past n unchanged. */
    private static DoubleVector addTail(DoubleVector a, double[] x, int xo, int i, int n) {
        if (i >= n) {
            return a;
        }
        VectorMask<Double> m = S.indexInRange(i, n);
        return a.add(load(x, xo + i, m), m);
    }

    /** a + x y for the lanes of [i, n), lanes past n unchanged. */
    private static DoubleVector fmaTail(DoubleVector a, double[] x, int xo, double[] y, int yo, int i, int n) {
        if (i >= n) {
            return a;
        }
        VectorMask<Double> m = S.indexInRange(i, n);
        return a.blend(load(x, xo + i, m).fma(load(y, yo + i, m), a), m);
    }

    /** The virtual lanes' sum (a0 .. a7: vectors 0 .. NV - 1 of them), in the fixed tree. */
    private static double combine(DoubleVector a0, DoubleVector a1, DoubleVector a2, DoubleVector a3, DoubleVector a4, DoubleVector a5,
                                 DoubleVector a6, DoubleVector a7) {
        if (NV == 8) {
            a0 = a0.add(a4);
            a1 = a1.add(a5);
            a2 = a2.add(a6);
            a3 = a3.add(a7);
        }
        if (NV >= 4) {
            a0 = a0.add(a2);
            a1 = a1.add(a3);
        }
        return sumLanes(a0.add(a1));
    }

    @Override
    public double sum(double[] x, int xo, int n) {
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
        int i = 0;
        for (; i <= n - VIRTUAL; i += VIRTUAL) {
            int at = xo + i;
            a0 = a0.add(DoubleVector.fromArray(S, x, at));
            a1 = a1.add(DoubleVector.fromArray(S, x, at + VL));
            if (NV >= 4) {
                a2 = a2.add(DoubleVector.fromArray(S, x, at + 2 * VL));
                a3 = a3.add(DoubleVector.fromArray(S, x, at + 3 * VL));
            }
            if (NV == 8) {
                a4 = a4.add(DoubleVector.fromArray(S, x, at + 4 * VL));
                a5 = a5.add(DoubleVector.fromArray(S, x, at + 5 * VL));
                a6 = a6.add(DoubleVector.fromArray(S, x, at + 6 * VL));
                a7 = a7.add(DoubleVector.fromArray(S, x, at + 7 * VL));
            }
        }
        a0 = addTail(a0, x, xo, i, n);
        a1 = addTail(a1, x, xo, i + VL, n);
        if (NV >= 4) {
            a2 = addTail(a2, x, xo, i + 2 * VL, n);
            a3 = addTail(a3, x, xo, i + 3 * VL, n);
        }
        if (NV == 8) {
            a4 = addTail(a4, x, xo, i + 4 * VL, n);
            a5 = addTail(a5, x, xo, i + 5 * VL, n);
            a6 = addTail(a6, x, xo, i + 6 * VL, n);
            a7 = addTail(a7, x, xo, i + 7 * VL, n);
        }
        return combine(a0, a1, a2, a3, a4, a5, a6, a7);
    }

    @Override
    public double dot(double[] a, int ao, double[] b, int bo, int n) {
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
        int i = 0;
        for (; i <= n - VIRTUAL; i += VIRTUAL) {
            a0 = DoubleVector.fromArray(S, a, ao + i).fma(DoubleVector.fromArray(S, b, bo + i), a0);
            a1 = DoubleVector.fromArray(S, a, ao + i + VL).fma(DoubleVector.fromArray(S, b, bo + i + VL), a1);
            if (NV >= 4) {
                a2 = DoubleVector.fromArray(S, a, ao + i + 2 * VL).fma(DoubleVector.fromArray(S, b, bo + i + 2 * VL), a2);
                a3 = DoubleVector.fromArray(S, a, ao + i + 3 * VL).fma(DoubleVector.fromArray(S, b, bo + i + 3 * VL), a3);
            }
            if (NV == 8) {
                a4 = DoubleVector.fromArray(S, a, ao + i + 4 * VL).fma(DoubleVector.fromArray(S, b, bo + i + 4 * VL), a4);
                a5 = DoubleVector.fromArray(S, a, ao + i + 5 * VL).fma(DoubleVector.fromArray(S, b, bo + i + 5 * VL), a5);
                a6 = DoubleVector.fromArray(S, a, ao + i + 6 * VL).fma(DoubleVector.fromArray(S, b, bo + i + 6 * VL), a6);
                a7 = DoubleVector.fromArray(S, a, ao + i + 7 * VL).fma(DoubleVector.fromArray(S, b, bo + i + 7 * VL), a7);
            }
        }
        a0 = fmaTail(a0, a, ao, b, bo, i, n);
        a1 = fmaTail(a1, a, ao, b, bo, i + VL, n);
        if (NV >= 4) {
            a2 = fmaTail(a2, a, ao, b, bo, i + 2 * VL, n);
            a3 = fmaTail(a3, a, ao, b, bo, i + 3 * VL, n);
        }
        if (NV == 8) {
            a4 = fmaTail(a4, a, ao, b, bo, i + 4 * VL, n);
            a5 = fmaTail(a5, a, ao, b, bo, i + 5 * VL, n);
            a6 = fmaTail(a6, a, ao, b, bo, i + 6 * VL, n);
            a7 = fmaTail(a7, a, ao, b, bo, i + 7 * VL, n);
        }
        return combine(a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /** Largest element, NaN when any is NaN, -infinity for n = 0. */
    @Override
    public double max(double[] x, int xo, int n) {
        DoubleVector acc = DoubleVector.broadcast(S, Double.NEGATIVE_INFINITY);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            acc = acc.max(DoubleVector.fromArray(S, x, xo + i));
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            acc = acc.max(DoubleVector.broadcast(S, Double.NEGATIVE_INFINITY).blend(load(x, xo + i, m), m));
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    /** Index (from 0) of the first element equal to {@code value}, or of the first NaN when value is NaN; -1 if none. */
    @Override
    public int indexOf(double[] x, int xo, int n, double value) {
        boolean nan = Double.isNaN(value);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            DoubleVector v = DoubleVector.fromArray(S, x, xo + i);
            VectorMask<Double> hit = nan ? v.test(VectorOperators.IS_NAN) : v.compare(VectorOperators.EQ, value);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        if (i < n) {
            VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector v = load(x, xo + i, m);
            VectorMask<Double> hit = (nan ? v.test(VectorOperators.IS_NAN) : v.compare(VectorOperators.EQ, value)).and(m);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        return -1;
    }

    // ---- row softmax over a rows x cols row-major block (max-subtracted) ----

    @Override
    public void rowSoftmax(double[] x, int xo, int rows, int cols, double[] out, int oo, boolean log) {
        for (int r = 0; r < rows; r++) {
            int xr = xo + r * cols;
            int or = oo + r * cols;
            double mx = max(x, xr, cols);
            for (int j = 0; j < cols; j += VL) {
                VectorMask<Double> m = S.indexInRange(j, cols);
                exp(load(x, xr + j, m).sub(mx)).intoArray(out, or + j, m);
            }
            // summed in the virtual lanes of sum(), the same bits on any vector width; the exps in out are overwritten after
            // (out never overlaps x: the callers give a new tensor)
            double total = (double) sum(out, or, cols);
            if (log) {
                // (x - max) first: exact for the large entries, then the small log(sum)
                double logTotal = (double) Math.log(total);
                for (int j = 0; j < cols; j += VL) {
                    VectorMask<Double> m = S.indexInRange(j, cols);
                    load(x, xr + j, m).sub(mx).sub(logTotal).intoArray(out, or + j, m);
                }
            } else {
                for (int j = 0; j < cols; j += VL) {
                    VectorMask<Double> m = S.indexInRange(j, cols);
                    load(out, or + j, m).div(total).intoArray(out, or + j, m);
                }
            }
        }
    }

    // ---- exp, log, tanh and lane sums from IEEE operations (see ExpLogCoefficients) ----

    /** The lanes' sum in a fixed order: a butterfly of lane permutations, lane 0 at the end. */
    private static double sumLanes(DoubleVector v) {
        for (VectorShuffle<Double> s : BUTTERFLY) {
            v = v.add(v.rearrange(s));
        }
        return v.lane(0);
    }

    /** p(t) by Horner's rule with FMA; coefficients ascending. */
    private static DoubleVector horner(double[] c, DoubleVector t) {
        DoubleVector p = DoubleVector.broadcast(S, (double) c[c.length - 1]);
        for (int k = c.length - 2; k >= 0; k--) {
            p = p.fma(t, DoubleVector.broadcast(S, (double) c[k]));
        }
        return p;
    }

    /**
     * e^x: x = n ln 2 + r with n an integer and |r| <= ln(2) / 2, e^r = 1 + r + r^2 P(r), then
     * times 2^n built in the exponent bits in two halves, so that subnormal results round once
     * and n = 128 does not overflow early. NaN stays NaN, +-infinity gives infinity and 0.
     */
    private static DoubleVector exp(DoubleVector x) {
        DoubleVector c = x.max(EXP_LO).min(EXP_HI);
        DoubleVector t = c.fma(DoubleVector.broadcast(S, LOG2E), DoubleVector.broadcast(S, ROUNDER));
        DoubleVector n = t.sub(ROUNDER);
        DoubleVector r = n.fma(DoubleVector.broadcast(S, -ExpLogCoefficients.LN2_HI_DOUBLE), c);
        r = n.fma(DoubleVector.broadcast(S, -ExpLogCoefficients.LN2_LO_DOUBLE), r);
        DoubleVector e = r.mul(r).fma(horner(ExpLogCoefficients.EXP_DOUBLE, r), r).add(1.0);
        LongVector ni = t.reinterpretAsLongs().sub(ROUNDER_BITS);
        LongVector half = ni.lanewise(VectorOperators.ASHR, 1);
        DoubleVector s1 = half.add(Double.MAX_EXPONENT).lanewise(VectorOperators.LSHL, Double.PRECISION - 1).reinterpretAsDoubles();
        DoubleVector s2 = ni.sub(half).add(Double.MAX_EXPONENT).lanewise(VectorOperators.LSHL, Double.PRECISION - 1).reinterpretAsDoubles();
        return e.mul(s1).mul(s2);
    }

    /**
     * log x: x = 2^k m with m in [sqrt(1/2), sqrt 2) (subnormals scaled up first), then
     * log m = log((1 + s) / (1 - s)) = 2 s + s^3 P(s^2) with s = (m - 1) / (m + 1), and
     * log x = k ln 2 + log m. log 0 = -infinity, log of a negative number NaN.
     */
    private static DoubleVector log(DoubleVector x) {
        VectorMask<Double> subnormal = x.compare(VectorOperators.LT, Double.MIN_NORMAL);
        DoubleVector xs = x.blend(x.mul(Math.scalb(1.0, Double.PRECISION)), subnormal);
        LongVector ix = xs.reinterpretAsLongs().sub(SQRT_HALF_BITS);
        LongVector k = ix.lanewise(VectorOperators.ASHR, Double.PRECISION - 1);
        DoubleVector m = ix.and(MANTISSA_MASK).add(SQRT_HALF_BITS).reinterpretAsDoubles();
        DoubleVector kf = k.add(ROUNDER_BITS).reinterpretAsDoubles().sub(ROUNDER)
                .sub(DoubleVector.zero(S).blend(Double.PRECISION, subnormal));
        DoubleVector f = m.sub(1.0);
        DoubleVector s = f.div(f.add(2.0));
        DoubleVector z = s.mul(s);
        DoubleVector logM = s.mul(z).fma(horner(ExpLogCoefficients.LOG_DOUBLE, z), s.add(s));
        DoubleVector y = kf.fma(DoubleVector.broadcast(S, ExpLogCoefficients.LN2_HI_DOUBLE),
                kf.fma(DoubleVector.broadcast(S, ExpLogCoefficients.LN2_LO_DOUBLE), logM));
        y = y.blend(Double.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0.0));
        y = y.blend(Double.NaN, x.compare(VectorOperators.LT, 0.0));
        return y.blend(x, x.compare(VectorOperators.EQ, Double.POSITIVE_INFINITY).or(x.test(VectorOperators.IS_NAN)));
    }

    /** tanh x: x + x^3 P(x^2) for |x| < 0.625 (x itself where x^2 underflows, -0 included), else sign(x) (1 - 2 / (e^(2|x|) + 1)). */
    private static DoubleVector tanh(DoubleVector x) {
        DoubleVector a = x.abs();
        DoubleVector big = DoubleVector.broadcast(S, 1.0).sub(DoubleVector.broadcast(S, 2.0).div(exp(a.add(a)).add(1.0)));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0.0));
        DoubleVector z = x.mul(x);
        DoubleVector small = x.mul(z).fma(horner(ExpLogCoefficients.TANH_DOUBLE, z), x).blend(x, z.compare(VectorOperators.EQ, 0.0));
        return big.blend(small, a.compare(VectorOperators.LT, ExpLogCoefficients.TANH_SMALL_DOUBLE));
    }

    // ---- erfc, for GELU ----

    /**
     * exp(-x^2 / 2) without the error of rounding x^2 first, which exp multiplies by x^2 / 2
     * (50 ulp at x = 10 in double): x = h + l with h holding half of the significand bits
     * (Veltkamp's split), so h^2 is exact and exp(-x^2/2) = exp(-h^2/2) exp(-l (2h + l) / 2).
     */
    private static DoubleVector expMinusHalfSquare(DoubleVector x) {
        DoubleVector c = x.mul(ErfcCoefficients.DOUBLE_SPLITTER);
        DoubleVector h = c.sub(c.sub(x));
        DoubleVector l = x.sub(h);
        return exp(h.mul(h).mul(-0.5)).mul(exp(l.mul(h.add(h).add(l)).mul(-0.5)));
    }

    /**
     * Phi(x) = 0.5 erfc(-x / sqrt 2), with erfc(z) by erf's Taylor series for |z| < 1 and
     * erfc(z) = exp(-z^2) R(z) for |z| >= 1 (R a degree-24 Chebyshev fit on [1, 6], held at
     * R(6) beyond, where erfc < 2e-17), reflected by erfc(-z) = 2 - erfc(z). exp(-z^2) =
     * exp(-x^2 / 2) is taken from x split in halves, so that neither z = x / sqrt 2 nor z^2
     * is rounded before exp amplifies the error (see {@link ErfcCoefficients}).
     */
    private static DoubleVector normalCdf(DoubleVector x) {
        DoubleVector z = x.mul(-SQRT1_2);
        DoubleVector a = z.abs();
        DoubleVector t = z.mul(z);
        double[] taylor = ErfcCoefficients.TAYLOR;
        DoubleVector p = DoubleVector.broadcast(S, (double) taylor[taylor.length - 1]);
        for (int k = taylor.length - 2; k >= 0; k--) {
            p = p.fma(t, DoubleVector.broadcast(S, (double) taylor[k]));
        }
        DoubleVector small = z.neg().fma(p, DoubleVector.broadcast(S, 1.0));
        DoubleVector u = a.sub(3.5).mul(0.4).min(1.0);
        DoubleVector u2 = u.add(u);
        double[] cheb = ErfcCoefficients.CHEBYSHEV;
        DoubleVector b1 = DoubleVector.zero(S);
        DoubleVector b2 = DoubleVector.zero(S);
        for (int k = cheb.length - 1; k >= 1; k--) {
            DoubleVector b0 = u2.fma(b1, b2.neg()).add((double) cheb[k]);
            b2 = b1;
            b1 = b0;
        }
        DoubleVector r = u.fma(b1, b2.neg()).add((double) cheb[0]);
        DoubleVector tail = expMinusHalfSquare(x).mul(r);
        DoubleVector large = tail.blend(tail.neg().add(2.0), z.compare(VectorOperators.LT, 0.0));
        return small.blend(large, a.compare(VectorOperators.GE, 1.0)).mul(0.5);
    }
}
