package dev.vecgrad.autograd;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every op's gradient against central differences in float64 (GradCheck, PyTorch's tolerances). */
class OpGradientsTest {

    private final Random rnd = new Random(42);

    /** Uniform in [lo, hi], float64. */
    private Tensor in(double lo, double hi, int... shape) {
        int n = Shapes.numel(shape);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return Tensor.of(v, shape);
    }

    /** Values away from 0 (kinks of relu, abs): magnitude in [0.1, 2], random sign. */
    private Tensor awayFromZero(int... shape) {
        Tensor t = in(0.1, 2, shape);
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextBoolean() ? v[i] : -v[i];
        }
        return Tensor.of(v, shape);
    }

    private static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        GradCheck.check(f, inputs);
    }

    @Test
    void arithmeticWithBroadcasting() {
        int[][][] pairs = {{{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{4}, {3, 4}}, {{3, 4}, {}}, {{3, 1}, {1, 4}}, {{2, 3, 4}, {3, 1}}};
        for (int[][] p : pairs) {
            check(x -> x[0].add(x[1]), in(-1, 1, p[0]), in(-1, 1, p[1]));
            check(x -> x[0].sub(x[1]), in(-1, 1, p[0]), in(-1, 1, p[1]));
            check(x -> x[0].mul(x[1]), in(-1, 1, p[0]), in(-1, 1, p[1]));
            check(x -> x[0].div(x[1]), in(-1, 1, p[0]), in(0.5, 2, p[1]));
        }
        check(x -> x[0].add(2.5).mul(-1.5).sub(0.25).div(4).rsub(1), in(-1, 1, 5));
    }

    @Test
    void unaryMathAndActivations() {
        check(x -> x[0].neg(), in(-1, 1, 2, 3));
        check(x -> x[0].pow(3), in(-1, 1, 2, 3));
        check(x -> x[0].pow(-0.5), in(0.5, 2, 2, 3));
        check(x -> x[0].sqrt(), in(0.1, 2, 2, 3));
        check(x -> x[0].exp(), in(-2, 2, 2, 3));
        check(x -> x[0].log(), in(0.1, 2, 2, 3));
        check(x -> x[0].abs(), awayFromZero(2, 3));
        check(x -> x[0].relu(), awayFromZero(3, 5));
        check(x -> x[0].leakyRelu(0.1), awayFromZero(3, 5));
        check(x -> x[0].sigmoid(), in(-4, 4, 3, 5));
        check(x -> x[0].tanh(), in(-3, 3, 3, 5));
        check(x -> x[0].gelu(), in(-4, 4, 3, 5));
        check(x -> x[0].gelu("tanh"), in(-4, 4, 3, 5));
        check(x -> x[0].clamp(-0.5, 0.5), in(-0.45, 0.45, 4));
    }

    @Test
    void matmulInEveryLayout() {
        check(x -> x[0].matmul(x[1]), in(-1, 1, 3, 4), in(-1, 1, 4, 5));
        check(x -> x[0].t().matmul(x[1]), in(-1, 1, 4, 3), in(-1, 1, 4, 5));
        check(x -> x[0].matmul(x[1].t()), in(-1, 1, 3, 4), in(-1, 1, 5, 4));
        check(x -> x[0].t().matmul(x[1].t()), in(-1, 1, 4, 3), in(-1, 1, 5, 4));
        check(x -> x[0].matmul(x[1]), in(-1, 1, 2, 3, 4), in(-1, 1, 2, 4, 5));
        check(x -> x[0].matmul(x[1]), in(-1, 1, 2, 3, 4), in(-1, 1, 4, 5));
        check(x -> x[0].transpose(1, 2).matmul(x[1]), in(-1, 1, 2, 4, 3), in(-1, 1, 2, 4, 5));
        check(x -> x[0].slice(1, 1, 4).matmul(x[1]), in(-1, 1, 3, 6), in(-1, 1, 3, 2));
    }

    @Test
    void shapeOps() {
        check(x -> x[0].transpose(0, 1).mul(x[1]), in(-1, 1, 3, 4), in(-1, 1, 4, 3));
        check(x -> x[0].reshape(6, 2).mul(x[1]), in(-1, 1, 3, 4), in(-1, 1, 6, 2));
        check(x -> x[0].view(2, -1).mul(x[1]), in(-1, 1, 3, 4), in(-1, 1, 2, 6));
        check(x -> x[0].t().reshape(-1), in(-1, 1, 3, 4));
        check(x -> x[0].flatten(1), in(-1, 1, 2, 3, 4));
        check(x -> x[0].slice(0, 1, 3).mul(x[0].slice(0, 0, 2)), in(-1, 1, 4, 3));
        check(x -> Tensor.cat(List.of(x[0], x[1], x[0]), 1), in(-1, 1, 2, 3), in(-1, 1, 2, 4));
        check(x -> Tensor.stack(List.of(x[0], x[1]), 1), in(-1, 1, 2, 3), in(-1, 1, 2, 3));
        check(x -> x[0].indexSelect(0, new int[] {2, 0, 2}), in(-1, 1, 3, 4));
        check(x -> x[0].indexSelect(1, new int[] {1, 1}), in(-1, 1, 3, 4));
        check(x -> x[0].to(DType.F32).to(DType.F64).mul(0).add(x[0]), in(-1, 1, 3));
    }

    @Test
    void reductions() {
        check(x -> x[0].sum(), in(-1, 1, 3, 4));
        check(x -> x[0].sum(0, false), in(-1, 1, 3, 4));
        check(x -> x[0].sum(1, true), in(-1, 1, 3, 4));
        check(x -> x[0].sum(new int[] {0, 2}, false), in(-1, 1, 2, 3, 4));
        check(x -> x[0].mean(), in(-1, 1, 3, 4));
        check(x -> x[0].mean(new int[] {1}, true), in(-1, 1, 2, 3, 4));
        check(x -> x[0].max(), in(-1, 1, 3, 4));
        check(x -> x[0].max(1, false), in(-1, 1, 3, 4));
        check(x -> x[0].max(0, true), in(-1, 1, 3, 4));
        check(x -> x[0].softmax(1), in(-2, 2, 3, 5));
        check(x -> x[0].softmax(0), in(-2, 2, 3, 5));
        check(x -> x[0].logSoftmax(1), in(-2, 2, 3, 5));
        check(x -> x[0].logSoftmax(-3), in(-2, 2, 4, 2, 3));
    }

    @Test
    void lossesEveryReduction() {
        for (Losses.Reduction r : Losses.Reduction.values()) {
            check(x -> Losses.mse(x[0], x[1], r), in(-1, 1, 4, 3), in(-1, 1, 4, 3));
            check(x -> Losses.l1(x[0], x[1], r), in(-1, -0.5, 4, 3), in(0, 1, 4, 3));
            check(x -> Losses.bce(x[0], x[1], r), in(0.1, 0.9, 4, 3), in(0, 1, 4, 3));
            check(x -> Losses.bceWithLogits(x[0], x[1], r), in(-3, 3, 4, 3), in(0, 1, 4, 3));
            check(x -> Losses.crossEntropy(x[0], new int[] {0, 2, 1, 2}, r), in(-2, 2, 4, 3));
            check(x -> Losses.nll(x[0].logSoftmax(1), new int[] {1, 1, 0, 2}, r), in(-2, 2, 4, 3));
        }
    }

    @Test
    void dropoutWithAFixedMask() {
        check(x -> x[0].dropout(0.3, true, new Random(7)), in(-1, 1, 5, 4));
        check(x -> x[0].dropout(0.3, false, new Random(7)), in(-1, 1, 5, 4));
    }

    @Test
    void aLeafUsedOnSeveralPathsGetsTheSumOfTheirGradients() {
        check(x -> x[0].mul(x[1]).add(x[0].sigmoid().mul(x[0])).sum().add(x[1].matmul(x[0].t()).sum()),
                in(-1, 1, 2, 3), in(-1, 1, 2, 3));
    }
}
