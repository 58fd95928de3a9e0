package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.vecgrad.kernels.Parallelism;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * conv2d and convTranspose2d run a few batch elements at a time on the kernel threads and sum
 * the weight gradient over the chunks in a fixed order, pooling splits its planes over the
 * threads: outputs and every gradient are the same bits on 1, 2 and 3 threads, for batches of
 * one chunk (13x11 images: 25 elements a chunk) and of several (40x40: one element a chunk).
 */
class ConvolutionThreadsTest {

    @AfterEach
    void restore() {
        Parallelism.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private interface Op {
        Tensor apply(Tensor x, Tensor w, Tensor b);
    }

    /** Output, then the gradients of input, weight and bias, of sum(op(x) * r). */
    private static float[][] run(int threads, int[] xShape, int[] wShape, Op op) {
        Parallelism.setThreads(threads);
        Random rng = new Random(11);
        Tensor x = Tensor.randn(rng, DType.F32, xShape).requiresGrad(true);
        Tensor w = Tensor.randn(rng, DType.F32, wShape).requiresGrad(true);
        Tensor b = Tensor.randn(rng, DType.F32, 12).requiresGrad(true);
        Tensor y = op.apply(x, w, b);
        Tensor r = Tensor.randn(rng, DType.F32, y.shape());
        y.mul(r).sum().backward();
        return new float[][] {y.toFloatArray(), x.grad().toFloatArray(), w.grad().toFloatArray(), b.grad().toFloatArray()};
    }

    private static void check(int[] xShape, int[] wShape, Op op) {
        float[][] one = run(1, xShape, wShape, op);
        for (int threads : new int[] {2, 3}) {
            float[][] many = run(threads, xShape, wShape, op);
            String[] what = {"output", "d input", "d weight", "d bias"};
            for (int i = 0; i < one.length; i++) {
                assertArrayEquals(one[i], many[i], 0f, what[i] + " on " + threads + " threads");
            }
        }
    }

    @Test
    void conv2dGivesTheSameBitsOnAnyThreadCount() {
        // 4 groups, stride 2 and padding; then stride 1 on 40x40 images, one element a chunk
        check(new int[] {7, 8, 13, 11}, new int[] {12, 2, 3, 3},
                (x, w, b) -> Tensor.conv2d(x, w, b, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, 4));
        check(new int[] {5, 3, 40, 40}, new int[] {12, 3, 3, 3},
                (x, w, b) -> Tensor.conv2d(x, w, b, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1).maxPool2d(2));
    }

    @Test
    void convTranspose2dGivesTheSameBitsOnAnyThreadCount() {
        check(new int[] {7, 8, 13, 11}, new int[] {8, 3, 3, 3},
                (x, w, b) -> Tensor.convTranspose2d(x, w, b, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 4));
        check(new int[] {5, 6, 40, 40}, new int[] {6, 12, 2, 2},
                (x, w, b) -> Tensor.convTranspose2d(x, w, b, new int[] {2, 2}, new int[] {0, 0}, new int[] {0, 0}, new int[] {1, 1}, 1)
                        .avgPool2d(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}));
    }
}
