package dev.vecgrad.kernels;

import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API elementwise maps, broadcasts and reductions on float: the {@link FloatKernels}
 * that {@link Backend} picks when the incubator module is there (only {@link VectorBackend}
 * names this class). {@link FloatScalar} is the reference each one is tested against.
 * Single-threaded over one range: splitting and argument checks are in {@link Elementwise}
 * and {@link Reductions}. Every loop ends with one masked step instead of a scalar tail, so
 * every element is computed the same way. exp, log, tanh and lane sums are built from IEEE
 * operations only, so results do not depend on whether the JIT has compiled a kernel yet
 * (the Vector API's EXP / LOG / TANH and reduceLanes(ADD) do).
 * {@code DoubleSimd} is generated from this file by {@code kernels/gen/microkernels.py}.
 */
final class FloatSimd implements FloatKernels {

    /** The one instance ({@link Backend#FLOAT} when it is this implementation). */
    static final FloatSimd INSTANCE = new FloatSimd();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    private static final float SQRT1_2 = (float) Math.sqrt(0.5);
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
    private static final float GELU_K0 = (float) Math.sqrt(2 / Math.PI);
    /** Constants of the tanh-form GELU, 2 * GELU_K0 folded in at use. */
    private static final float GELU_K1 = 0.044715f;

    private static final float LOG2E = (float) (1 / Math.log(2));
    /** 1.5 * 2^(p-1): adding it rounds a float of magnitude < 2^(p-2) to an integer held in the low bits. */
    private static final float ROUNDER = 1.5f * Math.scalb(1f, Float.PRECISION - 1);
    private static final IntVector ROUNDER_BITS = FloatVector.broadcast(S, ROUNDER).reinterpretAsInts();
    /** exp overflows above EXP_HI and is 0 below EXP_LO: clamping there keeps 2^n representable in two halves. */
    private static final float EXP_HI = (Float.MAX_EXPONENT + 2) * (float) Math.log(2);
    private static final float EXP_LO = -(Float.MAX_EXPONENT + Float.PRECISION + 2) * (float) Math.log(2);
    private static final IntVector SQRT_HALF_BITS = FloatVector.broadcast(S, (float) Math.sqrt(0.5)).reinterpretAsInts();
    private static final IntVector MANTISSA_MASK = FloatVector.broadcast(S, Float.MIN_NORMAL).reinterpretAsInts().sub(1);
    /** Lane permutations of a butterfly sum: lane i meets lane i ^ d for d = VL/2, ..., 1. */
    private static final List<VectorShuffle<Float>> BUTTERFLY = butterfly();

    private FloatSimd() {}

    private static List<VectorShuffle<Float>> butterfly() {
        List<VectorShuffle<Float>> out = new ArrayList<>();
        for (int d = VL / 2; d > 0; d /= 2) {
            int dist = d;
            out.add(VectorShuffle.fromOp(S, i -> i ^ dist));
        }
        return List.copyOf(out);
    }

    private static FloatVector load(float[] a, int i, VectorMask<Float> m) {
        return FloatVector.fromArray(S, a, i, m);
    }

    // ---- binary maps: out = a (op) b ----

    @Override
    public void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(a, ao + i, m).add(load(b, bo + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void sub(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(a, ao + i, m).sub(load(b, bo + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void mul(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(a, ao + i, m).mul(load(b, bo + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void div(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, a, ao + i).div(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(a, ao + i, m).div(load(b, bo + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void maximum(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, a, ao + i).max(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(a, ao + i, m).max(load(b, bo + i, m)).intoArray(out, oo + i, m);
        }
    }

    /** out = a * b + c, one rounding. */
    @Override
    public void fma(float[] a, int ao, float[] b, int bo, float[] c, int co, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), FloatVector.fromArray(S, c, co + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(a, ao + i, m).fma(load(b, bo + i, m), load(c, co + i, m)).intoArray(out, oo + i, m);
        }
    }

    /** y += a * b, one rounding. */
    @Override
    public void mulAdd(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(a, ao + i, m).fma(load(b, bo + i, m), load(y, yo + i, m)).intoArray(y, yo + i, m);
        }
    }

    // ---- maps with a scalar ----

    @Override
    public void scale(float alpha, float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, x, xo + i).mul(alpha).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(x, xo + i, m).mul(alpha).intoArray(out, oo + i, m);
        }
    }

    /** y += alpha * x, one rounding. */
    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, x, xo + i).fma(av, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(x, xo + i, m).fma(av, load(y, yo + i, m)).intoArray(y, yo + i, m);
        }
    }

    @Override
    public void addScalar(float[] x, int xo, float s, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, x, xo + i).add(s).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(x, xo + i, m).add(s).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void clamp(float[] x, int xo, float lo, float hi, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, x, xo + i).min(hi).max(lo).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(x, xo + i, m).min(hi).max(lo).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void leakyRelu(float[] x, int xo, float slope, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.blend(v.mul(slope), v.compare(VectorOperators.LT, 0f)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = load(x, xo + i, m);
            v.blend(v.mul(slope), v.compare(VectorOperators.LT, 0f)).intoArray(out, oo + i, m);
        }
    }

    // ---- unary maps ----

    // The operator is a literal in each method: passed as a parameter it is no longer a
    // constant and C2 falls back to scalar Math per lane (measured 25x slower for exp).

    @Override
    public void neg(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.NEG).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(x, xo + i, m).lanewise(VectorOperators.NEG).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void abs(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.ABS).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(x, xo + i, m).lanewise(VectorOperators.ABS).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void sqrt(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.SQRT).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(x, xo + i, m).lanewise(VectorOperators.SQRT).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void exp(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            exp(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            exp(load(x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void log(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            log(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            log(load(x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void tanh(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            tanh(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            tanh(load(x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    /** sigmoid(x) = s for x >= 0 and e * s for x < 0, e = exp(-|x|), s = 1 / (1 + e): no overflow, no flush to 0. */
    @Override
    public void sigmoid(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            sigmoid(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            sigmoid(load(x, xo + i, m)).intoArray(out, oo + i, m);
        }
    }

    private static FloatVector sigmoid(FloatVector v) {
        FloatVector e = exp(v.abs().neg());
        FloatVector s = FloatVector.broadcast(S, 1f).div(e.add(1f));
        return s.blend(e.mul(s), v.compare(VectorOperators.LT, 0f));
    }

    @Override
    public void relu(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, x, xo + i).max(0f).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(x, xo + i, m).max(0f).intoArray(out, oo + i, m);
        }
    }

    /** GELU, PyTorch's default (erf) form: x * Phi(x) = 0.5 x erfc(-x / sqrt 2). */
    @Override
    public void gelu(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(normalCdf(v)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = load(x, xo + i, m);
            v.mul(normalCdf(v)).intoArray(out, oo + i, m);
        }
    }

    /** GELU, tanh form: 0.5 x (1 + tanh(u)) = x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3); no cancellation for x << 0. */
    @Override
    public void geluTanh(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(sigmoid(geluTanhArgument(v))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = load(x, xo + i, m);
            v.mul(sigmoid(geluTanhArgument(v))).intoArray(out, oo + i, m);
        }
    }

    /** 2u = 2 sqrt(2/pi) (x + 0.044715 x^3). */
    private static FloatVector geluTanhArgument(FloatVector v) {
        return v.mul(v).fma(GELU_K1, 1f).mul(v).mul(2 * GELU_K0);
    }

    // ---- derivative maps: out = grad * f'(.) ----

    /** relu'(x) = 1 for x > 0, else 0 (PyTorch's choice at 0). */
    @Override
    public void reluBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector grad = FloatVector.fromArray(S, g, go + i);
            FloatVector.zero(S).blend(grad, FloatVector.fromArray(S, x, xo + i).compare(VectorOperators.GT, 0f)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector grad = load(g, go + i, m);
            FloatVector.zero(S).blend(grad, load(x, xo + i, m).compare(VectorOperators.GT, 0f)).intoArray(out, oo + i, m);
        }
    }

    @Override
    public void leakyReluBackward(float[] x, int xo, float slope, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector grad = FloatVector.fromArray(S, g, go + i);
            grad.mul(slope).blend(grad, FloatVector.fromArray(S, x, xo + i).compare(VectorOperators.GT, 0f)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector grad = load(g, go + i, m);
            grad.mul(slope).blend(grad, load(x, xo + i, m).compare(VectorOperators.GT, 0f)).intoArray(out, oo + i, m);
        }
    }

    /** From the output y = sigmoid(x): grad * y * (1 - y). */
    @Override
    public void sigmoidBackward(float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector yv = FloatVector.fromArray(S, y, yo + i);
            FloatVector.fromArray(S, g, go + i).mul(yv).mul(yv.neg().add(1f)).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector yv = load(y, yo + i, m);
            load(g, go + i, m).mul(yv).mul(yv.neg().add(1f)).intoArray(out, oo + i, m);
        }
    }

    /** From the output y = tanh(x): grad * (1 - y^2). */
    @Override
    public void tanhBackward(float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector yv = FloatVector.fromArray(S, y, yo + i);
            FloatVector.fromArray(S, g, go + i).mul(yv.neg().fma(yv, FloatVector.broadcast(S, 1f))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector yv = load(y, yo + i, m);
            load(g, go + i, m).mul(yv.neg().fma(yv, FloatVector.broadcast(S, 1f))).intoArray(out, oo + i, m);
        }
    }

    /** gelu'(x) = Phi(x) + x phi(x). */
    @Override
    public void geluBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, g, go + i).mul(geluDerivative(FloatVector.fromArray(S, x, xo + i))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(g, go + i, m).mul(geluDerivative(load(x, xo + i, m))).intoArray(out, oo + i, m);
        }
    }

    private static FloatVector geluDerivative(FloatVector v) {
        FloatVector pdf = expMinusHalfSquare(v).mul(INV_SQRT_2PI);
        return v.fma(pdf, normalCdf(v));
    }

    /**
     * d/dx of the tanh form: s + x s (1 - s) 2u', s = sigmoid(2u), 2u' = 2 sqrt(2/pi) (1 + 3 * 0.044715 x^2).
     */
    @Override
    public void geluTanhBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector.fromArray(S, g, go + i).mul(geluTanhDerivative(FloatVector.fromArray(S, x, xo + i))).intoArray(out, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            load(g, go + i, m).mul(geluTanhDerivative(load(x, xo + i, m))).intoArray(out, oo + i, m);
        }
    }

    private static FloatVector geluTanhDerivative(FloatVector v) {
        FloatVector s = sigmoid(geluTanhArgument(v));
        FloatVector du = v.mul(v).fma(3 * GELU_K1, 1f).mul(2 * GELU_K0);
        return v.mul(s).mul(s.neg().add(1f)).fma(du, s);
    }

    // ---- optimizer updates ----

    /**
     * Adam/AdamW. Moments below the smallest normal float are stored as 0: a weight whose
     * gradient stays 0 (a dead ReLU unit) sees m shrink by beta1 each step into subnormal
     * numbers, and x86 computes with those through a microcode assist about a hundred times
     * slower, which made Adam a third of a Fashion-MNIST epoch. The flushed values are far below
     * eps, so the update does not change.
     */
    @Override
    public void adamStep(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, float stepSize,
                         float beta1, float beta2, float invSqrtBc2, float eps, float weightDecay, float pScale, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector pv = FloatVector.fromArray(S, p, po + i);
            FloatVector g2 = pv.mul(weightDecay).add(FloatVector.fromArray(S, g, go + i));
            FloatVector m2 = FloatVector.fromArray(S, m, mo + i).mul(beta1).add(g2.mul(1 - beta1));
            FloatVector v2 = FloatVector.fromArray(S, v, vo + i).mul(beta2).add(g2.mul(g2).mul(1 - beta2));
            m2 = m2.blend(0f, m2.abs().lt(Float.MIN_NORMAL));
            v2 = v2.blend(0f, v2.lt(Float.MIN_NORMAL));
            FloatVector denom = v2.lanewise(VectorOperators.SQRT).mul(invSqrtBc2).add(eps);
            pv.mul(pScale).sub(m2.mul(stepSize).div(denom)).intoArray(p, po + i);
            m2.intoArray(m, mo + i);
            v2.intoArray(v, vo + i);
        }
        if (i < n) {
            VectorMask<Float> k = S.indexInRange(i, n);
            FloatVector pv = load(p, po + i, k);
            FloatVector g2 = pv.mul(weightDecay).add(load(g, go + i, k));
            FloatVector m2 = load(m, mo + i, k).mul(beta1).add(g2.mul(1 - beta1));
            FloatVector v2 = load(v, vo + i, k).mul(beta2).add(g2.mul(g2).mul(1 - beta2));
            m2 = m2.blend(0f, m2.abs().lt(Float.MIN_NORMAL));
            v2 = v2.blend(0f, v2.lt(Float.MIN_NORMAL));
            FloatVector denom = v2.lanewise(VectorOperators.SQRT).mul(invSqrtBc2).add(eps);
            pv.mul(pScale).sub(m2.mul(stepSize).div(denom)).intoArray(p, po + i, k);
            m2.intoArray(m, mo + i, k);
            v2.intoArray(v, vo + i, k);
        }
    }

    // ---- row broadcasts on a rows x cols row-major block ----

    /** out[r][j] = x[r][j] + v[j]; with {@code relu}, max(0, that), fused. */
    @Override
    public void addRow(float[] x, int xo, int rows, int cols, float[] v, int vo, boolean relu, float[] out, int oo) {
        for (int r = 0; r < rows; r++) {
            int xr = xo + r * cols;
            int or = oo + r * cols;
            for (int j = 0; j < cols; j += VL) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector s = load(x, xr + j, m).add(load(v, vo + j, m));
                (relu ? s.max(0f) : s).intoArray(out, or + j, m);
            }
        }
    }

    /** out[r][j] = x[r][j] * v[j]. */
    @Override
    public void mulRow(float[] x, int xo, int rows, int cols, float[] v, int vo, float[] out, int oo) {
        for (int r = 0; r < rows; r++) {
            int xr = xo + r * cols;
            int or = oo + r * cols;
            for (int j = 0; j < cols; j += VL) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                load(x, xr + j, m).mul(load(v, vo + j, m)).intoArray(out, or + j, m);
            }
        }
    }

    /** out[j] (+)= sum over rows of x[r][j], rows in order, for columns [j0, j1). */
    @Override
    public void columnSums(float[] x, int xo, int rows, int cols, int j0, int j1, float[] out, int oo, boolean accumulate) {
        for (int j = j0; j < j1; j += VL) {
            VectorMask<Float> m = S.indexInRange(j, j1);
            FloatVector acc = accumulate ? load(out, oo + j, m) : FloatVector.zero(S);
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
    private static final int VIRTUAL = 1024 / Float.SIZE;
    private static final int NV = VIRTUAL / VL;

    static {
        if (NV < 2 || NV > 8) {
            throw new IllegalStateException("lane sums need 2 to 8 vectors of " + VL + " lanes for " + VIRTUAL + " virtual lanes");
        }
    }

    /** a + the lanes of x[xo + i ..] that lie below n, lanes past n unchanged. */
    private static FloatVector addTail(FloatVector a, float[] x, int xo, int i, int n) {
        if (i >= n) {
            return a;
        }
        VectorMask<Float> m = S.indexInRange(i, n);
        return a.add(load(x, xo + i, m), m);
    }

    /** a + x y for the lanes of [i, n), lanes past n unchanged. */
    private static FloatVector fmaTail(FloatVector a, float[] x, int xo, float[] y, int yo, int i, int n) {
        if (i >= n) {
            return a;
        }
        VectorMask<Float> m = S.indexInRange(i, n);
        return a.blend(load(x, xo + i, m).fma(load(y, yo + i, m), a), m);
    }

    /** The virtual lanes' sum (a0 .. a7: vectors 0 .. NV - 1 of them), in the fixed tree. */
    private static float combine(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3, FloatVector a4, FloatVector a5,
                                 FloatVector a6, FloatVector a7) {
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
    public double sum(float[] x, int xo, int n) {
        FloatVector z = FloatVector.zero(S);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
        int i = 0;
        for (; i <= n - VIRTUAL; i += VIRTUAL) {
            int at = xo + i;
            a0 = a0.add(FloatVector.fromArray(S, x, at));
            a1 = a1.add(FloatVector.fromArray(S, x, at + VL));
            if (NV >= 4) {
                a2 = a2.add(FloatVector.fromArray(S, x, at + 2 * VL));
                a3 = a3.add(FloatVector.fromArray(S, x, at + 3 * VL));
            }
            if (NV == 8) {
                a4 = a4.add(FloatVector.fromArray(S, x, at + 4 * VL));
                a5 = a5.add(FloatVector.fromArray(S, x, at + 5 * VL));
                a6 = a6.add(FloatVector.fromArray(S, x, at + 6 * VL));
                a7 = a7.add(FloatVector.fromArray(S, x, at + 7 * VL));
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
    public double dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector z = FloatVector.zero(S);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
        int i = 0;
        for (; i <= n - VIRTUAL; i += VIRTUAL) {
            a0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), a0);
            a1 = FloatVector.fromArray(S, a, ao + i + VL).fma(FloatVector.fromArray(S, b, bo + i + VL), a1);
            if (NV >= 4) {
                a2 = FloatVector.fromArray(S, a, ao + i + 2 * VL).fma(FloatVector.fromArray(S, b, bo + i + 2 * VL), a2);
                a3 = FloatVector.fromArray(S, a, ao + i + 3 * VL).fma(FloatVector.fromArray(S, b, bo + i + 3 * VL), a3);
            }
            if (NV == 8) {
                a4 = FloatVector.fromArray(S, a, ao + i + 4 * VL).fma(FloatVector.fromArray(S, b, bo + i + 4 * VL), a4);
                a5 = FloatVector.fromArray(S, a, ao + i + 5 * VL).fma(FloatVector.fromArray(S, b, bo + i + 5 * VL), a5);
                a6 = FloatVector.fromArray(S, a, ao + i + 6 * VL).fma(FloatVector.fromArray(S, b, bo + i + 6 * VL), a6);
                a7 = FloatVector.fromArray(S, a, ao + i + 7 * VL).fma(FloatVector.fromArray(S, b, bo + i + 7 * VL), a7);
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
    public float max(float[] x, int xo, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            acc = acc.max(FloatVector.fromArray(S, x, xo + i));
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            acc = acc.max(FloatVector.broadcast(S, Float.NEGATIVE_INFINITY).blend(load(x, xo + i, m), m));
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    /** Index (from 0) of the first element equal to {@code value}, or of the first NaN when value is NaN; -1 if none. */
    @Override
    public int indexOf(float[] x, int xo, int n, float value) {
        boolean nan = Float.isNaN(value);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += VL) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            VectorMask<Float> hit = nan ? v.test(VectorOperators.IS_NAN) : v.compare(VectorOperators.EQ, value);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = load(x, xo + i, m);
            VectorMask<Float> hit = (nan ? v.test(VectorOperators.IS_NAN) : v.compare(VectorOperators.EQ, value)).and(m);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        return -1;
    }

    // ---- row softmax over a rows x cols row-major block (max-subtracted) ----

    @Override
    public void rowSoftmax(float[] x, int xo, int rows, int cols, float[] out, int oo, boolean log) {
        for (int r = 0; r < rows; r++) {
            int xr = xo + r * cols;
            int or = oo + r * cols;
            float mx = max(x, xr, cols);
            for (int j = 0; j < cols; j += VL) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                exp(load(x, xr + j, m).sub(mx)).intoArray(out, or + j, m);
            }
            // summed in the virtual lanes of sum(), the same bits on any vector width; the exps in out are overwritten after
            // (out never overlaps x: the callers give a new tensor)
            float total = (float) sum(out, or, cols);
            if (log) {
                // (x - max) first: exact for the large entries, then the small log(sum)
                float logTotal = (float) Math.log(total);
                for (int j = 0; j < cols; j += VL) {
                    VectorMask<Float> m = S.indexInRange(j, cols);
                    load(x, xr + j, m).sub(mx).sub(logTotal).intoArray(out, or + j, m);
                }
            } else {
                for (int j = 0; j < cols; j += VL) {
                    VectorMask<Float> m = S.indexInRange(j, cols);
                    load(out, or + j, m).div(total).intoArray(out, or + j, m);
                }
            }
        }
    }

    // ---- exp, log, tanh and lane sums from IEEE operations (see ExpLogCoefficients) ----

    /** The lanes' sum in a fixed order: a butterfly of lane permutations, lane 0 at the end. */
    private static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> s : BUTTERFLY) {
            v = v.add(v.rearrange(s));
        }
        return v.lane(0);
    }

    /** p(t) by Horner's rule with FMA; coefficients ascending. */
    private static FloatVector horner(double[] c, FloatVector t) {
        FloatVector p = FloatVector.broadcast(S, (float) c[c.length - 1]);
        for (int k = c.length - 2; k >= 0; k--) {
            p = p.fma(t, FloatVector.broadcast(S, (float) c[k]));
        }
        return p;
    }

    /**
     * e^x: x = n ln 2 + r with n an integer and |r| <= ln(2) / 2, e^r = 1 + r + r^2 P(r), then
     * times 2^n built in the exponent bits in two halves, so that subnormal results round once
     * and n = 128 does not overflow early. NaN stays NaN, +-infinity gives infinity and 0.
     */
    private static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(EXP_LO).min(EXP_HI);
        FloatVector t = c.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUNDER));
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(S, -ExpLogCoefficients.LN2_HI_FLOAT), c);
        r = n.fma(FloatVector.broadcast(S, -ExpLogCoefficients.LN2_LO_FLOAT), r);
        FloatVector e = r.mul(r).fma(horner(ExpLogCoefficients.EXP_FLOAT, r), r).add(1f);
        IntVector ni = t.reinterpretAsInts().sub(ROUNDER_BITS);
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = half.add(Float.MAX_EXPONENT).lanewise(VectorOperators.LSHL, Float.PRECISION - 1).reinterpretAsFloats();
        FloatVector s2 = ni.sub(half).add(Float.MAX_EXPONENT).lanewise(VectorOperators.LSHL, Float.PRECISION - 1).reinterpretAsFloats();
        return e.mul(s1).mul(s2);
    }

    /**
     * log x: x = 2^k m with m in [sqrt(1/2), sqrt 2) (subnormals scaled up first), then
     * log m = log((1 + s) / (1 - s)) = 2 s + s^3 P(s^2) with s = (m - 1) / (m + 1), and
     * log x = k ln 2 + log m. log 0 = -infinity, log of a negative number NaN.
     */
    private static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(Math.scalb(1f, Float.PRECISION)), subnormal);
        IntVector ix = xs.reinterpretAsInts().sub(SQRT_HALF_BITS);
        IntVector k = ix.lanewise(VectorOperators.ASHR, Float.PRECISION - 1);
        FloatVector m = ix.and(MANTISSA_MASK).add(SQRT_HALF_BITS).reinterpretAsFloats();
        FloatVector kf = k.add(ROUNDER_BITS).reinterpretAsFloats().sub(ROUNDER)
                .sub(FloatVector.zero(S).blend(Float.PRECISION, subnormal));
        FloatVector f = m.sub(1f);
        FloatVector s = f.div(f.add(2f));
        FloatVector z = s.mul(s);
        FloatVector logM = s.mul(z).fma(horner(ExpLogCoefficients.LOG_FLOAT, z), s.add(s));
        FloatVector y = kf.fma(FloatVector.broadcast(S, ExpLogCoefficients.LN2_HI_FLOAT),
                kf.fma(FloatVector.broadcast(S, ExpLogCoefficients.LN2_LO_FLOAT), logM));
        y = y.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        y = y.blend(Float.NaN, x.compare(VectorOperators.LT, 0f));
        return y.blend(x, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY).or(x.test(VectorOperators.IS_NAN)));
    }

    /** tanh x: x + x^3 P(x^2) for |x| < 0.625 (x itself where x^2 underflows, -0 included), else sign(x) (1 - 2 / (e^(2|x|) + 1)). */
    private static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector big = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(exp(a.add(a)).add(1f)));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
        FloatVector z = x.mul(x);
        FloatVector small = x.mul(z).fma(horner(ExpLogCoefficients.TANH_FLOAT, z), x).blend(x, z.compare(VectorOperators.EQ, 0f));
        return big.blend(small, a.compare(VectorOperators.LT, ExpLogCoefficients.TANH_SMALL_FLOAT));
    }

    // ---- erfc, for GELU ----

    /**
     * exp(-x^2 / 2) without the error of rounding x^2 first, which exp multiplies by x^2 / 2
     * (50 ulp at x = 10 in float): x = h + l with h holding half of the significand bits
     * (Veltkamp's split), so h^2 is exact and exp(-x^2/2) = exp(-h^2/2) exp(-l (2h + l) / 2).
     */
    private static FloatVector expMinusHalfSquare(FloatVector x) {
        FloatVector c = x.mul(ErfcCoefficients.FLOAT_SPLITTER);
        FloatVector h = c.sub(c.sub(x));
        FloatVector l = x.sub(h);
        return exp(h.mul(h).mul(-0.5f)).mul(exp(l.mul(h.add(h).add(l)).mul(-0.5f)));
    }

    /**
     * Phi(x) = 0.5 erfc(-x / sqrt 2), with erfc(z) by erf's Taylor series for |z| < 1 and
     * erfc(z) = exp(-z^2) R(z) for |z| >= 1 (R a degree-24 Chebyshev fit on [1, 6], held at
     * R(6) beyond, where erfc < 2e-17), reflected by erfc(-z) = 2 - erfc(z). exp(-z^2) =
     * exp(-x^2 / 2) is taken from x split in halves, so that neither z = x / sqrt 2 nor z^2
     * is rounded before exp amplifies the error (see {@link ErfcCoefficients}).
     */
    private static FloatVector normalCdf(FloatVector x) {
        FloatVector z = x.mul(-SQRT1_2);
        FloatVector a = z.abs();
        FloatVector t = z.mul(z);
        double[] taylor = ErfcCoefficients.TAYLOR;
        FloatVector p = FloatVector.broadcast(S, (float) taylor[taylor.length - 1]);
        for (int k = taylor.length - 2; k >= 0; k--) {
            p = p.fma(t, FloatVector.broadcast(S, (float) taylor[k]));
        }
        FloatVector small = z.neg().fma(p, FloatVector.broadcast(S, 1f));
        FloatVector u = a.sub(3.5f).mul(0.4f).min(1f);
        FloatVector u2 = u.add(u);
        double[] cheb = ErfcCoefficients.CHEBYSHEV;
        FloatVector b1 = FloatVector.zero(S);
        FloatVector b2 = FloatVector.zero(S);
        for (int k = cheb.length - 1; k >= 1; k--) {
            FloatVector b0 = u2.fma(b1, b2.neg()).add((float) cheb[k]);
            b2 = b1;
            b1 = b0;
        }
        FloatVector r = u.fma(b1, b2.neg()).add((float) cheb[0]);
        FloatVector tail = expMinusHalfSquare(x).mul(r);
        FloatVector large = tail.blend(tail.neg().add(2f), z.compare(VectorOperators.LT, 0f));
        return small.blend(large, a.compare(VectorOperators.GE, 1f)).mul(0.5f);
    }

    // ---- float only: microkernels.py leaves this out of DoubleSimd ----

    /** The byte loads and their widening are in {@link ConversionsSimd}. */
    @Override
    public void unsignedBytesToFloats(byte[] src, int s, float[] dst, int d, int n, float scale, float shift) {
        ConversionsSimd.unsignedBytesToFloats(src, s, dst, d, n, scale, shift);
    }

    // ---- end float only ----
}
