package dev.vecgrad.models;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.activation.Tanh;
import dev.vecgrad.models.conv.Conv2d;
import dev.vecgrad.models.conv.ConvTranspose2d;
import dev.vecgrad.models.norm.BatchNorm2d;
import dev.vecgrad.models.pool.AdaptiveAvgPool2d;
import dev.vecgrad.models.pool.AvgPool2d;
import dev.vecgrad.models.pool.MaxPool2d;
import dev.vecgrad.models.pool.Upsample;
import dev.vecgrad.models.zoo.Cnn;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conv2d, pooling and BatchNorm2d as modules: gradients, PyTorch's names, init and printing, errors. */
class ConvLayersTest {

    @Test
    void convolutionAndBatchNormPassGradCheckThroughInputAndParameters() {
        Random rng = new Random(2);
        Conv2d conv = new Conv2d(4, 6, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 1}, new int[] {1, 2}, 2, true, DType.F64, rng);
        ModuleGradCheck.check(conv, Tensor.randn(3, DType.F64, 2, 4, 6, 5));
        BatchNorm2d bn = new BatchNorm2d(3, 1e-5, 0.1, DType.F64);
        ModuleGradCheck.check(bn, Tensor.randn(4, DType.F64, 2, 3, 4, 3));
        bn.eval();
        ModuleGradCheck.check(bn, Tensor.randn(5, DType.F64, 2, 3, 4, 3));
        Sequential block = new Sequential(new Conv2d(1, 2, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1,
                true, DType.F64, rng), new Tanh(), new AvgPool2d(2), new MaxPool2d(2, 1, 0));
        ModuleGradCheck.check(block, Tensor.randn(6, DType.F64, 1, 1, 6, 6));
        Sequential decoder = new Sequential(new ConvTranspose2d(2, 3, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {1, 1}, 1, true, DType.F64, rng), new Upsample(2), new AdaptiveAvgPool2d(3, 4));
        ModuleGradCheck.check(decoder, Tensor.randn(7, DType.F64, 1, 2, 3, 2));
        assertArrayEquals(new int[] {1, 3, 6, 4}, new ConvTranspose2d(2, 3, 3, 2, 1, 1, rng).forward(Tensor.zeros(1, 2, 3, 2)).shape(),
                "(H - 1) s - 2 p + k + output_padding");
        assertEquals("ConvTranspose2d(2, 3, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))",
                new ConvTranspose2d(2, 3, 3, 2, 1, 1, rng).toString());
        assertEquals("Upsample(scale_factor=2.0, mode=nearest)", new Upsample(2).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=(3, 4))", new AdaptiveAvgPool2d(3, 4).toString());
        assertEquals("AvgPool2d(kernel_size=2, stride=2, padding=0)", new AvgPool2d(2).toString());
    }

    @Test
    void theCnnIsNamedAndPrintedAsTheSamePyTorchModules() {
        Cnn cnn = new Cnn(28, 32, 64, 128, 10, new Random(0));
        assertEquals(List.of("features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias", "classifier.1.weight",
                "classifier.1.bias", "classifier.3.weight", "classifier.3.bias"), List.copyOf(cnn.stateDict().keySet()));
        assertArrayEquals(new int[] {64, 32, 3, 3}, cnn.stateDict().get("features.3.weight").shape());
        assertArrayEquals(new int[] {128, 3136}, cnn.stateDict().get("classifier.1.weight").shape());
        assertEquals("Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))", ((Sequential) cnn.children().get("features")).get(0)
                .toString());
        assertEquals("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", new MaxPool2d(2).toString());
        assertEquals("BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", new BatchNorm2d(8).toString());
        double bound = 1 / Math.sqrt(32 * 9);
        for (float v : cnn.stateDict().get("features.3.weight").toFloatArray()) {
            assertTrue(Math.abs(v) <= bound, "PyTorch's init: uniform in +-1/sqrt(fan_in)");
        }
        assertArrayEquals(new int[] {5, 10}, cnn.forward(Tensor.zeros(5, 784)).shape());
    }

    @Test
    void badShapesAreNamed() {
        Conv2d conv = new Conv2d(3, 4, 3, new Random(0));
        var a = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(1, 2, 8, 8)));
        assertEquals("conv2d: the weight [4, 3, 3, 3] expects 3 input channels (groups 1), the input [1, 2, 8, 8] has 2", a.getMessage());
        var b = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(1, 3, 2, 8)));
        assertEquals("conv2d: the kernel 3x3 (dilation 1x1) is larger than the padded input 2x8", b.getMessage());
        var c = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, new int[] {3, 3}, new int[] {1, 1},
                new int[] {0, 0}, new int[] {1, 1}, 2, true, DType.F32, new Random(0)));
        assertEquals("Conv2d: groups 2 must divide the channels 3 and 4 (all >= 1)", c.getMessage());
        var d = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(4).forward(Tensor.zeros(2, 3, 4, 4)));
        assertEquals("BatchNorm2d(4): expects [N, 4, H, W], got [2, 3, 4, 4]", d.getMessage());
    }

    @Test
    void theLiveHeapStaysFlatWhileACnnTrains() {
        Cnn cnn = new Cnn(12, 4, 8, 16, 3, new Random(3));
        var opt = new dev.vecgrad.models.optim.Optimizers.Adam(cnn.parameters(), 0.001);
        Tensor x = Tensor.randn(4, DType.F32, 16, 1, 12, 12);
        int[] y = new int[16];
        long before = 0;
        for (int step = 0; step < 120; step++) {
            if (step == 20) {
                before = LiveHeap.bytes();
            }
            opt.zeroGrad();
            dev.vecgrad.autograd.Losses.crossEntropy(cnn.forward(x), y).backward();
            opt.step();
        }
        long after = LiveHeap.bytes();
        assertTrue(after - before < 4 << 20, "live heap grew from " + before + " to " + after + " over 100 steps");
    }
}
