package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vecgrad.kernels.Parallelism;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * upsampleNearest on its own kernel: the output is the expand-and-reshape definition bit for
 * bit, the gradient each s x s block's sum (rows of the block in order, then cells), in both
 * dtypes, for scales 1 to 3, non-contiguous input, and on 1 and 2 threads (2 x 40 x 16 x 26
 * cells: enough to split over the threads from scale 1 on).
 */
class UpsampleTest {

    @AfterEach
    void restore() {
        Parallelism.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void matchesTheDefinitionForwardAndBackward() {
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            for (int s = 1; s <= 3; s++) {
                for (int threads = 1; threads <= 2; threads++) {
                    Parallelism.setThreads(threads);
                    Random rng = new Random(5);
                    int n = 2;
                    int c = 40;
                    int h = 16;
                    int w = 26;
                    Tensor x = Tensor.randn(rng, dtype, n, c, w, h).transpose(2, 3).requiresGrad(false);   // [n, c, h, w], strided
                    Tensor xl = x.contiguous().requiresGrad(true);
                    Tensor y = xl.upsampleNearest(s);
                    Tensor want = x.reshape(n, c, h, 1, w, 1).expand(n, c, h, s, w, s).reshape(n, c, h * s, w * s);
                    assertArrayEquals(want.toDoubleArray(), y.toDoubleArray(), 0, "forward, scale " + s + ", " + dtype);
                    assertArrayEquals(want.toDoubleArray(), x.upsampleNearest(s).toDoubleArray(), 0, "strided input");
                    Tensor g = Tensor.randn(rng, dtype, n, c, h * s, w * s);
                    y.backward(g);
                    double[] gv = g.toDoubleArray();
                    double[] gx = new double[n * c * h * w];
                    for (int p = 0; p < n * c; p++) {
                        for (int i = 0; i < h; i++) {
                            for (int j = 0; j < w; j++) {
                                double sum = 0;
                                for (int a = 0; a < s; a++) {
                                    for (int b = 0; b < s; b++) {
                                        double v = gv[((p * h + i) * s + a) * w * s + j * s + b];
                                        sum = dtype == DType.F32 ? (float) sum + (float) v : sum + v;
                                    }
                                }
                                gx[(p * h + i) * w + j] = sum;
                            }
                        }
                    }
                    assertArrayEquals(gx, xl.grad().toDoubleArray(), 0, "backward, scale " + s + ", " + dtype + ", " + threads);
                }
            }
        }
    }

    @Test
    void refusesOtherShapesAndScales() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3, 4).upsampleNearest(2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1, 1, 2, 2).upsampleNearest(0));
    }
}
