package dev.vecgrad.kernels;

/**
 * Runs every exactly rounded float map through the public facade and the reference on the
 * same inputs and requires the same bits (NaNs compared as NaN). Shared by the unit tests
 * and the jqwik properties.
 */
public final class ExactMaps {

    private ExactMaps() {}

    /** a, b, c hold at least off + n values; nothing is written to them. */
    public static void check(float[] a, float[] b, float[] c, int off, int n) {
        int len = off + n;
        float[] got = new float[len];
        float[] want = new float[len];
        Elementwise.add(a, off, b, off, got, off, n);
        FloatScalar.INSTANCE.add(a, off, b, off, want, off, n);
        ElementwiseTest.assertBitwise("add n=" + n, want, got);
        Elementwise.sub(a, off, b, off, got, off, n);
        FloatScalar.INSTANCE.sub(a, off, b, off, want, off, n);
        ElementwiseTest.assertBitwise("sub n=" + n, want, got);
        Elementwise.mul(a, off, b, off, got, off, n);
        FloatScalar.INSTANCE.mul(a, off, b, off, want, off, n);
        ElementwiseTest.assertBitwise("mul n=" + n, want, got);
        Elementwise.div(a, off, b, off, got, off, n);
        FloatScalar.INSTANCE.div(a, off, b, off, want, off, n);
        ElementwiseTest.assertBitwise("div n=" + n, want, got);
        Elementwise.maximum(a, off, b, off, got, off, n);
        FloatScalar.INSTANCE.maximum(a, off, b, off, want, off, n);
        ElementwiseTest.assertBitwise("maximum n=" + n, want, got);
        float[] p1 = got.clone();
        float[] p2 = got.clone();
        float[] m1 = c.clone();
        float[] m2 = c.clone();
        float[] v1 = new float[len];
        float[] v2 = new float[len];
        for (int i = 0; i < len; i++) {
            v1[i] = Math.abs(b[i]);
            v2[i] = v1[i];
        }
        Elementwise.adamStep(p1, off, a, off, m1, off, v1, off, 1e-3f, 0.9f, 0.999f, 1.3f, 1e-8f, 0.01f, 0.999f, n);
        FloatScalar.INSTANCE.adamStep(p2, off, a, off, m2, off, v2, off, 1e-3f, 0.9f, 0.999f, 1.3f, 1e-8f, 0.01f, 0.999f, n);
        ElementwiseTest.assertBitwise("adamStep p n=" + n, p2, p1);
        ElementwiseTest.assertBitwise("adamStep m n=" + n, m2, m1);
        ElementwiseTest.assertBitwise("adamStep v n=" + n, v2, v1);
        Elementwise.fma(a, off, b, off, c, off, got, off, n);
        FloatScalar.INSTANCE.fma(a, off, b, off, c, off, want, off, n);
        ElementwiseTest.assertBitwise("fma n=" + n, want, got);
        System.arraycopy(c, 0, got, 0, len);
        System.arraycopy(c, 0, want, 0, len);
        Elementwise.mulAdd(a, off, b, off, got, off, n);
        FloatScalar.INSTANCE.mulAdd(a, off, b, off, want, off, n);
        ElementwiseTest.assertBitwise("mulAdd n=" + n, want, got);
        Elementwise.axpy(-1.5f, a, off, got, off, n);
        FloatScalar.INSTANCE.axpy(-1.5f, a, off, want, off, n);
        ElementwiseTest.assertBitwise("axpy n=" + n, want, got);
        Elementwise.scale(0.3f, a, off, got, off, n);
        FloatScalar.INSTANCE.scale(0.3f, a, off, want, off, n);
        ElementwiseTest.assertBitwise("scale n=" + n, want, got);
        Elementwise.addScalar(a, off, 2.5f, got, off, n);
        FloatScalar.INSTANCE.addScalar(a, off, 2.5f, want, off, n);
        ElementwiseTest.assertBitwise("addScalar n=" + n, want, got);
        Elementwise.clamp(a, off, -1f, 2f, got, off, n);
        FloatScalar.INSTANCE.clamp(a, off, -1f, 2f, want, off, n);
        ElementwiseTest.assertBitwise("clamp n=" + n, want, got);
        Elementwise.leakyRelu(a, off, 0.01f, got, off, n);
        FloatScalar.INSTANCE.leakyRelu(a, off, 0.01f, want, off, n);
        ElementwiseTest.assertBitwise("leakyRelu n=" + n, want, got);
        Elementwise.neg(a, off, got, off, n);
        FloatScalar.INSTANCE.neg(a, off, want, off, n);
        ElementwiseTest.assertBitwise("neg n=" + n, want, got);
        Elementwise.abs(a, off, got, off, n);
        FloatScalar.INSTANCE.abs(a, off, want, off, n);
        ElementwiseTest.assertBitwise("abs n=" + n, want, got);
        Elementwise.sqrt(a, off, got, off, n);
        FloatScalar.INSTANCE.sqrt(a, off, want, off, n);
        ElementwiseTest.assertBitwise("sqrt n=" + n, want, got);
        Elementwise.relu(a, off, got, off, n);
        FloatScalar.INSTANCE.relu(a, off, want, off, n);
        ElementwiseTest.assertBitwise("relu n=" + n, want, got);
        Elementwise.reluBackward(a, off, b, off, got, off, n);
        FloatScalar.INSTANCE.reluBackward(a, off, b, off, want, off, n);
        ElementwiseTest.assertBitwise("reluBackward n=" + n, want, got);
        Elementwise.leakyReluBackward(a, off, 0.2f, b, off, got, off, n);
        FloatScalar.INSTANCE.leakyReluBackward(a, off, 0.2f, b, off, want, off, n);
        ElementwiseTest.assertBitwise("leakyReluBackward n=" + n, want, got);
        Elementwise.sigmoidBackward(a, off, b, off, got, off, n);
        FloatScalar.INSTANCE.sigmoidBackward(a, off, b, off, want, off, n);
        ElementwiseTest.assertBitwise("sigmoidBackward n=" + n, want, got);
        Elementwise.tanhBackward(a, off, b, off, got, off, n);
        FloatScalar.INSTANCE.tanhBackward(a, off, b, off, want, off, n);
        ElementwiseTest.assertBitwise("tanhBackward n=" + n, want, got);
    }
}
