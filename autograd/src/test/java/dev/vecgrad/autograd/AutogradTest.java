package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's semantics (accumulation, shared weights, detach, no-grad, graph freeing) and its error messages. */
class AutogradTest {

    private static Tensor scalarLeaf(double v) {
        return Tensor.scalar(v).requiresGrad(true);
    }

    /** Seed 003: a = relu(w x + b) at w = 2, x = 3, b = 1: a = 7, da/dw = x = 3, da/db = 1. */
    @Test
    void theComputationalGraphOfReluOfWxPlusB() {
        Tensor w = scalarLeaf(2);
        Tensor x = Tensor.scalar(3.0);
        Tensor b = scalarLeaf(1);
        Tensor a = w.mul(x).add(b).relu();
        assertEquals(7.0, a.item());
        a.backward();
        assertEquals(3.0, w.grad().item());
        assertEquals(1.0, b.grad().item());
        assertNull(x.grad(), "x does not require grad");
    }

    /**
     * Seed 003's shared weight: L = s3(s1(w x), s2(w x)) gets dL/dw as the sum of both paths;
     * here s1 = sigmoid, s2 = tanh, s3 = product, checked against the hand-written chain rule.
     */
    @Test
    void aSharedWeightGetsTheSumOfBothPaths() {
        double wv = 0.7;
        double xv = 1.3;
        Tensor w = scalarLeaf(wv);
        Tensor x = Tensor.scalar(xv);
        Tensor u = w.mul(x);
        Tensor l = u.sigmoid().mul(u.tanh());
        l.backward();
        double s = 1 / (1 + Math.exp(-wv * xv));
        double t = Math.tanh(wv * xv);
        double byHand = t * (s * (1 - s) * xv) + s * ((1 - t * t) * xv);
        assertEquals(byHand, w.grad().item(), 1e-12);
    }

    @Test
    void gradientsAccumulateUntilZeroed() {
        Tensor w = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        w.mul(3.0).sum().backward();
        w.mul(3.0).sum().backward();
        assertArrayEquals(new double[] {6, 6}, w.grad().toDoubleArray());
        w.zeroGrad();
        assertNull(w.grad());
        w.mul(w).sum().backward();
        assertArrayEquals(new double[] {2, 4}, w.grad().toDoubleArray());
    }

    @Test
    void detachAndNoGradCutTheGraph() {
        Tensor w = scalarLeaf(2);
        Tensor y = w.mul(w).detach().mul(w);
        y.backward();
        assertEquals(4.0, w.grad().item(), "only the last factor is differentiated");
        try (var g = Grad.disabled()) {
            Tensor z = w.mul(5.0);
            assertFalse(z.requiresGrad());
            assertNull(z.gradFn());
        }
        assertTrue(w.mul(5.0).requiresGrad(), "the scope restores grad mode");
    }

    @Test
    void aFreedGraphCannotBeUsedTwiceUnlessRetained() {
        Tensor w = scalarLeaf(2);
        Tensor y = w.mul(w).sigmoid();
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
        Tensor v = scalarLeaf(2);
        Tensor z = v.mul(v);
        z.backward(Tensor.scalar(1.0), true);
        z.backward(Tensor.scalar(1.0), true);
        assertEquals(8.0, v.grad().item());
    }

    @Test
    void errorsNameTheShapesDtypesAndOp() {
        Tensor a = Tensor.zeros(DType.F32, 64, 784);
        Tensor b = Tensor.zeros(DType.F32, 128, 10);
        assertMessage(() -> a.matmul(b), "matmul: shapes [64, 784] and [128, 10] do not align (784 != 128)");
        assertMessage(() -> a.add(Tensor.zeros(DType.F64, 64, 784)), "add: dtypes float32 and float64 differ");
        assertMessage(() -> a.add(Tensor.zeros(DType.F32, 3, 784)), "add: shapes [64, 784] and [3, 784] cannot be broadcast");
        Tensor w = Tensor.zeros(DType.F32, 3).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.mul(2.0).backward());
        assertTrue(e.getMessage().contains("only for one-element outputs"), e.getMessage());
        assertMessage(() -> a.reshape(5, -1), "reshape: cannot reshape [64, 784]");
        assertMessage(() -> Losses.crossEntropy(Tensor.zeros(DType.F32, 2, 3), new int[] {0, 3}), "target 3 (row 1) is out of bounds for 3 classes");
        assertMessage(() -> Tensor.of(new float[5], 2, 3), "shape [2, 3] holds 6 elements, the data has 5");
    }

    @Test
    void anomalyDetectionNamesTheFirstOpThatMadeANan() {
        Tensor x = Tensor.of(new double[] {-1, 4}, 2).requiresGrad(true);
        try (var a = Grad.detectAnomaly()) {
            ArithmeticException e = assertThrows(ArithmeticException.class, () -> x.sqrt());
            assertTrue(e.getMessage().contains("'sqrt' produced NaN"), e.getMessage());
            Tensor y = x.mul(0.0).add(1.0).log();
            Tensor z = y.pow(0.5).sum();
            ArithmeticException b = assertThrows(ArithmeticException.class, z::backward);
            assertTrue(b.getMessage().contains("backward of 'pow'"), b.getMessage());
        }
    }

    @Test
    void transposedOperandsReachGemmAsViews() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor at = a.t();
        assertFalse(at.isContiguous());
        assertSame(a.storage, at.storage, "t() shares storage");
        Tensor y = at.matmul(a);
        assertArrayEquals(new float[] {17, 22, 27, 22, 29, 36, 27, 36, 45}, y.toFloatArray());
    }

    @Test
    void stackCatAndIndexSelectKeepPyTorchsLayout() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.of(new float[] {5, 6, 7, 8}, 2, 2);
        assertArrayEquals(new float[] {1, 2, 5, 6, 3, 4, 7, 8}, Tensor.cat(List.of(a, b), 1).toFloatArray());
        assertArrayEquals(new int[] {2, 2, 2}, Tensor.stack(List.of(a, b), 0).shape());
        assertArrayEquals(new float[] {3, 4, 1, 2, 3, 4}, a.indexSelect(0, new int[] {1, 0, 1}).toFloatArray());
        assertArrayEquals(new int[] {1, 1}, a.argmax(1));
    }

    @Test
    void aLeafUsedOnSeveralPathsGetsTheSumOfTheirGradients() {
        java.util.Random rnd = new java.util.Random(42);
        Tensor a = Tensor.randn(rnd, DType.F64, 2, 3);
        Tensor b = Tensor.randn(rnd, DType.F64, 2, 3);
        GradCheck.check(x -> x[0].mul(x[1]).add(x[0].sigmoid().mul(x[0])).sum().add(x[1].matmul(x[0].t()).sum()), a, b);
    }

    private static void assertMessage(Runnable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should contain '" + expected + "'");
    }
}
