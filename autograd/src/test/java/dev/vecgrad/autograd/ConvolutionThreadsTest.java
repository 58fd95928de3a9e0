package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.kernels.Parallelism;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * conv2d and convTranspose2d run a few batch elements at a time on the kernel threads and sum
 * the weight gradient over the chunks in a fixed order, pooling splits its planes over the
 * threads: outputs and every gradient are the same bits on 1, 2 and 3 threads, for batches of
 * one chunk (13x11 images: 25 elements a chunk) and of several (40x40 and 33x33: one element a
 * chunk, 5 and 20 chunks), each thread with chunks and buffers of its own.
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
        return results(x, w, b, op, rng);
    }

    /** Output, then the gradients of input, weight and bias, of sum(op(x) * r) for a random r of rng. */
    private static float[][] results(Tensor x, Tensor w, Tensor b, Op op, Random rng) {
        Tensor y = op.apply(x, w, b);
        Tensor r = Tensor.randn(rng, x.dtype(), y.shape());
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
    void aFrozenWeightOrInputGetsNoGradientAndTheOtherTheSameBits() {
        Random rng = new Random(5);
        int[] one = {1, 1};
        // im2col (stride 2), Winograd (3x3, 16 channels), 1x1, and the transposed convolution
        int[][][] cases = {{{2, 3, 9, 9}, {4, 3, 3, 3}, {2, 2}}, {{2, 16, 8, 8}, {16, 16, 3, 3}, one}, {{2, 5, 6, 6}, {7, 5, 1, 1}, one}};
        for (int[][] c : cases) {
            Tensor x = Tensor.randn(rng, DType.F32, c[0]);
            Tensor w = Tensor.randn(rng, DType.F32, c[1]);
            int[] pad = c[1][2] == 3 ? one : new int[] {0, 0};
            for (boolean transposed : new boolean[] {false, true}) {
                Tensor xt = transposed ? Tensor.randn(rng, DType.F32, c[0][0], c[1][0], 5, 5) : x;
                java.util.function.BiFunction<Tensor, Tensor, Tensor> op = transposed
                        ? (a, b) -> Tensor.convTranspose2d(a, b, null, c[2], pad, new int[] {0, 0}, one, 1)
                        : (a, b) -> Tensor.conv2d(a, b, null, c[2], pad, one, 1);
                Tensor xa = xt.detach().requiresGrad(true);
                Tensor wa = w.detach().requiresGrad(true);
                op.apply(xa, wa).pow(2).sum().backward();
                Tensor xb = xt.detach().requiresGrad(true);
                Tensor wb = w.detach();
                op.apply(xb, wb).pow(2).sum().backward();
                assertEquals(null, wb.grad(), "a frozen weight gets no gradient");
                assertArrayEquals(xa.grad().toFloatArray(), xb.grad().toFloatArray(), "the input's gradient alone, same bits");
                Tensor xc = xt.detach();
                Tensor wc = w.detach().requiresGrad(true);
                op.apply(xc, wc).pow(2).sum().backward();
                assertEquals(null, xc.grad());
                assertArrayEquals(wa.grad().toFloatArray(), wc.grad().toFloatArray(), "the weight's gradient alone, same bits");
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
        // 20 chunks of one element: the weight gradient's 8 groups hold several chunks each
        check(new int[] {20, 3, 33, 33}, new int[] {12, 3, 3, 3},
                (x, w, b) -> Tensor.conv2d(x, w, b, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1));
    }

    @Test
    void convTranspose2dGivesTheSameBitsOnAnyThreadCount() {
        check(new int[] {7, 8, 13, 11}, new int[] {8, 3, 3, 3},
                (x, w, b) -> Tensor.convTranspose2d(x, w, b, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 4));
        check(new int[] {5, 6, 40, 40}, new int[] {6, 12, 2, 2},
                (x, w, b) -> Tensor.convTranspose2d(x, w, b, new int[] {2, 2}, new int[] {0, 0}, new int[] {0, 0}, new int[] {1, 1}, 1)
                        .avgPool2d(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}));
    }

    @Test
    void aPointwiseConvolutionGivesTheGeneralPathsBits() {
        // a 1x1 kernel at stride 2 goes the general path (patches at every other cell); at stride 1 on those cells it goes
        // the pointwise one (plain GEMMs on the tensors): output, weight and bias gradients, and the input gradient at the
        // cells the kernel meets, are the same bits, with 2 groups, on 1 and 2 threads
        for (int threads : new int[] {1, 2}) {
            Parallelism.setThreads(threads);
            Random rng = new Random(3);
            int n = 3, c = 4, h = 9, w = 7, o = 6;
            Tensor x = Tensor.randn(rng, DType.F32, n, c, h, w).requiresGrad(true);
            Tensor wt = Tensor.randn(rng, DType.F32, o, c / 2, 1, 1).requiresGrad(true);
            Tensor b = Tensor.randn(rng, DType.F32, o).requiresGrad(true);
            int sh = (h + 1) / 2;
            int sw = (w + 1) / 2;
            float[] all = x.toFloatArray();
            float[] sub = new float[n * c * sh * sw];
            for (int p = 0; p < n * c; p++) {
                for (int r = 0; r < sh; r++) {
                    for (int q = 0; q < sw; q++) {
                        sub[(p * sh + r) * sw + q] = all[(p * h + 2 * r) * w + 2 * q];
                    }
                }
            }
            Tensor xs = Tensor.of(sub, n, c, sh, sw).requiresGrad(true);
            Tensor ws = Tensor.of(wt.toFloatArray(), o, c / 2, 1, 1).requiresGrad(true);
            Tensor bs = Tensor.of(b.toFloatArray(), o).requiresGrad(true);
            int[] one = {1, 1};
            int[] none = {0, 0};
            Tensor general = Tensor.conv2d(x, wt, b, new int[] {2, 2}, none, one, 2);
            Tensor pointwise = Tensor.conv2d(xs, ws, bs, one, none, one, 2);
            assertArrayEquals(general.toFloatArray(), pointwise.toFloatArray(), 0f, "output on " + threads + " threads");
            Tensor r = Tensor.randn(rng, DType.F32, general.shape());
            general.mul(r).sum().backward();
            pointwise.mul(r).sum().backward();
            assertArrayEquals(wt.grad().toFloatArray(), ws.grad().toFloatArray(), 0f, "d weight on " + threads + " threads");
            assertArrayEquals(b.grad().toFloatArray(), bs.grad().toFloatArray(), 0f, "d bias on " + threads + " threads");
            float[] dx = x.grad().toFloatArray();
            float[] dxs = xs.grad().toFloatArray();
            for (int p = 0; p < n * c; p++) {
                for (int rr = 0; rr < sh; rr++) {
                    for (int q = 0; q < sw; q++) {
                        assertEquals(dx[(p * h + 2 * rr) * w + 2 * q], dxs[(p * sh + rr) * sw + q], 0f, "d input on " + threads + " threads");
                    }
                }
            }
        }
    }

    /**
     * A float32 3x3 convolution at stride 1 with 32 to 64 channels on 14x15 planes runs as
     * Winograd's F(2x2, 3x3) (forward, input gradient as the convolution of the flipped weight,
     * weight gradient), and so does a transposed one (its forward is that input gradient): the same
     * bits on 1, 2 and 3 threads, and within float32 rounding of the float64 direct route.
     */
    @Test
    void winogradConvolutionRepeatsOnAnyThreadCountAndAgreesWithFloat64() {
        int[] one = {1, 1};
        int[] xShape = {2, 32, 14, 15};
        int[] wShape = {64, 32, 3, 3};
        Storage f32 = Tensor.zeros(DType.F32, 1).storage;
        Convolution.Geometry g = Convolution.geometry("conv2d", xShape, wShape, one, one, one, 1);
        assertNotNull(Convolution.winograd(g, f32), "the Winograd route is taken");
        assertNotNull(Convolution.winograd(g.transposed(), f32), "and for the input gradient");
        assertEquals(null, Convolution.directForward(g, f32), "rather than the direct one");
        assertEquals(null, Convolution.directForward(g.transposed(), f32));
        assertEquals(null, Convolution.directWeightGradient(g, f32));
        checkRoute(xShape, wShape, 64, (x, w, b) -> Tensor.conv2d(x, w, b, one, one, one, 1));
        // conv_transpose2d 64 -> 32 channels at stride 1: conv2d's geometry above, run the other way
        checkRoute(new int[] {2, 64, 14, 15}, new int[] {64, 32, 3, 3}, 32,
                (x, w, b) -> Tensor.convTranspose2d(x, w, b, one, one, new int[] {0, 0}, one, 1));
    }

    /**
     * With 16 to 20 channels, and with a 5x5 kernel, every pass runs as the direct convolution
     * ({@code DirectConv}), the transposed convolution's forward too: the same bits on 1, 2 and 3
     * threads, and within float32 rounding of the float64 route (im2col and GEMM).
     */
    @Test
    void directConvolutionRepeatsOnAnyThreadCountAndAgreesWithFloat64() {
        int[] one = {1, 1};
        Storage f32 = Tensor.zeros(DType.F32, 1).storage;
        int[][][] cases = {{{3, 16, 13, 14}, {20, 16, 3, 3}, one}, {{2, 8, 11, 9}, {12, 8, 5, 5}, {2, 2}}};
        for (int[][] c : cases) {
            Convolution.Geometry g = Convolution.geometry("conv2d", c[0], c[1], one, c[2], one, 1);
            assertNotNull(Convolution.directForward(g, f32), "the direct route is taken");
            assertNotNull(Convolution.directForward(g.transposed(), f32), "and for the input gradient");
            assertNotNull(Convolution.directWeightGradient(g, f32), "and the weight gradient");
            checkRoute(c[0], c[1], c[1][0], (x, w, b) -> Tensor.conv2d(x, w, b, one, c[2], one, 1));
        }
        // conv_transpose2d 20 -> 16 channels at stride 1: the first geometry run the other way
        checkRoute(new int[] {3, 20, 13, 14}, new int[] {20, 16, 3, 3}, 16,
                (x, w, b) -> Tensor.convTranspose2d(x, w, b, one, one, new int[] {0, 0}, one, 1));
    }

    private static void checkRoute(int[] xShape, int[] wShape, int biasLength, Op op) {
        float[][][] byThreads = new float[3][][];
        for (int threads = 1; threads <= 3; threads++) {
            Parallelism.setThreads(threads);
            Random rng = new Random(13);
            byThreads[threads - 1] = results(Tensor.randn(rng, DType.F32, xShape).requiresGrad(true),
                    Tensor.randn(rng, DType.F32, wShape).requiresGrad(true), Tensor.randn(rng, DType.F32, biasLength).requiresGrad(true),
                    op, rng);
        }
        String[] what = {"output", "d input", "d weight", "d bias"};
        for (int i = 0; i < what.length; i++) {
            assertArrayEquals(byThreads[0][i], byThreads[1][i], 0f, what[i] + " on 2 threads");
            assertArrayEquals(byThreads[0][i], byThreads[2][i], 0f, what[i] + " on 3 threads");
        }
        Random rng = new Random(13);
        float[][] exact = results(Tensor.randn(rng, DType.F32, xShape).to(DType.F64).requiresGrad(true),
                Tensor.randn(rng, DType.F32, wShape).to(DType.F64).requiresGrad(true),
                Tensor.randn(rng, DType.F32, biasLength).to(DType.F64).requiresGrad(true), op, new Random(99));
        // the float64 run draws r from a fresh generator: redo the float32 one with the same r
        Parallelism.setThreads(1);
        rng = new Random(13);
        float[][] single = results(Tensor.randn(rng, DType.F32, xShape).requiresGrad(true),
                Tensor.randn(rng, DType.F32, wShape).requiresGrad(true), Tensor.randn(rng, DType.F32, biasLength).requiresGrad(true),
                op, new Random(99));
        for (int i = 0; i < what.length; i++) {
            double scale = 0;
            double err = 0;
            for (int j = 0; j < exact[i].length; j++) {
                scale = Math.max(scale, Math.abs(exact[i][j]));
                err = Math.max(err, Math.abs(single[i][j] - exact[i][j]));
            }
            assertTrue(err <= 2e-6 * scale, what[i] + ": " + err + " off at a scale of " + scale);
        }
    }
}
