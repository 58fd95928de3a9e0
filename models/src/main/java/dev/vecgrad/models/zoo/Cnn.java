package dev.vecgrad.models.zoo;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.Sequential;
import dev.vecgrad.models.activation.ReLU;
import dev.vecgrad.models.conv.Conv2d;
import dev.vecgrad.models.linear.Flatten;
import dev.vecgrad.models.linear.Linear;
import dev.vecgrad.models.pool.MaxPool2d;
import java.util.Random;

/**
 * A LeNet-like convolutional network for square one-channel images (Fashion-MNIST):
 * {@code features} = conv 3x3 (padding 1) to c1 channels, ReLU, max-pool 2, conv 3x3 to c2,
 * ReLU, max-pool 2; {@code classifier} = flatten, linear to hidden, ReLU, linear to the classes.
 * Names as the same {@code nn.Sequential} pair in PyTorch ({@code features.0.weight},
 * {@code classifier.1.weight}, ...). Takes [N, side * side], [N, side, side] or [N, 1, side, side].
 */
public final class Cnn extends Module {

    public final int side;
    private final Sequential features;
    private final Sequential classifier;

    public Cnn(int side, int c1, int c2, int hidden, int classes, Random rng) {
        if (side < 4 || side % 4 != 0) {
            throw new IllegalArgumentException("Cnn: the image side must be a multiple of 4 (two 2x2 poolings), got " + side);
        }
        this.side = side;
        int[] k3 = {3, 3};
        int[] one = {1, 1};
        features = register("features", new Sequential(
                new Conv2d(1, c1, k3, one, one, one, 1, true, DType.F32, rng), new ReLU(), new MaxPool2d(2),
                new Conv2d(c1, c2, k3, one, one, one, 1, true, DType.F32, rng), new ReLU(), new MaxPool2d(2)));
        int flat = c2 * (side / 4) * (side / 4);
        classifier = register("classifier", new Sequential(new Flatten(), new Linear(flat, hidden, rng),
                new ReLU(), new Linear(hidden, classes, rng)));
    }

    @Override
    public Tensor forward(Tensor x) {
        int n = x.size(0);
        if (x.numel() != n * side * side) {
            throw new IllegalArgumentException("Cnn(" + side + "x" + side + "): the input " + java.util.Arrays.toString(x.shape())
                    + " does not hold " + n + " images of " + side + "x" + side);
        }
        return classifier.forward(features.forward(x.reshape(n, 1, side, side)));
    }
}
