package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The graph of a step is freed by backward: the live heap does not grow with the number of steps. */
class MemoryTest {

    @Test
    void trainingStepsLeaveNoGrowingGarbage() {
        Random rnd = new Random(1);
        Tensor x = Tensor.rand(rnd, DType.F32, 32, 100);
        int[] y = new int[32];
        Tensor w1 = Tensor.randn(rnd, DType.F32, 64, 100).mul(0.05).detach().requiresGrad(true);
        Tensor w2 = Tensor.randn(rnd, DType.F32, 10, 64).mul(0.05).detach().requiresGrad(true);
        long after200 = 0;
        for (int step = 1; step <= 2000; step++) {
            w1.zeroGrad();
            w2.zeroGrad();
            Losses.crossEntropy(x.matmul(w1.t()).relu().matmul(w2.t()), y).backward();
            if (step == 200) {
                after200 = liveHeap();
            }
        }
        long after2000 = liveHeap();
        assertTrue(after2000 - after200 < 8 << 20, "live heap grew from " + after200 + " to " + after2000 + " bytes");
    }

    private static long liveHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
