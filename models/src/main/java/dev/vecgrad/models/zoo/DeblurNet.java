package dev.vecgrad.models.zoo;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.Sequential;
import dev.vecgrad.models.activation.ReLU;
import dev.vecgrad.models.conv.Conv2d;
import java.util.Random;

/**
 * A small residual network that restores blurred one-channel images without being told the
 * blur (seed 004): {@code body} = conv 5x5 to c channels, ReLU, two conv 3x3 c to c with ReLU,
 * conv 3x3 to 1; the output is the input plus the body's correction. Input [N, 1, H, W].
 */
public final class DeblurNet extends Module {

    private final Sequential body;

    public DeblurNet(int channels, Random rng) {
        int[] one = {1, 1};
        int[] k3 = {3, 3};
        body = register("body", new Sequential(
                new Conv2d(1, channels, new int[] {5, 5}, one, new int[] {2, 2}, one, 1, true, DType.F32, rng), new ReLU(),
                new Conv2d(channels, channels, k3, one, one, one, 1, true, DType.F32, rng), new ReLU(),
                new Conv2d(channels, channels, k3, one, one, one, 1, true, DType.F32, rng), new ReLU(),
                new Conv2d(channels, 1, k3, one, one, one, 1, true, DType.F32, rng)));
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 4 || x.size(1) != 1) {
            throw new IllegalArgumentException("DeblurNet: expects [N, 1, H, W], got " + java.util.Arrays.toString(x.shape()));
        }
        return x.add(body.forward(x));
    }
}
