package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.vecgrad.kernels.Parallelism;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * conv2d spreads its batch elements over the kernel threads (forward and the input gradient)
 * and sums the weight gradient in a fixed order: output and every gradient are the same bits on
 * 1, 2 and 3 threads.
 */
class ConvolutionThreadsTest {

    @AfterEach
    void restore() {
        Parallelism.setThreads(Runtime.getRuntime().availableProcessors());
    }

    /** Output, then the gradients of input, weight and bias, of sum(conv2d(x) * r) with 4 groups, stride 2 and padding. */
    private static float[][] run(int threads) {
        Parallelism.setThreads(threads);
        Random rng = new Random(11);
        Tensor x = Tensor.randn(rng, DType.F32, 7, 8, 13, 11).requiresGrad(true);
        Tensor w = Tensor.randn(rng, DType.F32, 12, 2, 3, 3).requiresGrad(true);
        Tensor b = Tensor.randn(rng, DType.F32, 12).requiresGrad(true);
        Tensor y = Tensor.conv2d(x, w, b, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, 4);
        Tensor r = Tensor.randn(rng, DType.F32, y.shape());
        y.mul(r).sum().backward();
        return new float[][] {y.toFloatArray(), x.grad().toFloatArray(), w.grad().toFloatArray(), b.grad().toFloatArray()};
    }

    @Test
    void theSameBitsOnAnyThreadCount() {
        float[][] one = run(1);
        for (int threads : new int[] {2, 3}) {
            float[][] many = run(threads);
            String[] what = {"output", "d input", "d weight", "d bias"};
            for (int i = 0; i < one.length; i++) {
                assertArrayEquals(one[i], many[i], 0f, what[i] + " on " + threads + " threads");
            }
        }
    }
}
