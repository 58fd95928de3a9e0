package dev.vecgrad.models.activation;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;

/** x for x >= 0, slope * x below. */
public final class LeakyReLU extends Module {
    private final double slope;

    public LeakyReLU(double slope) {
        this.slope = slope;
    }

    public LeakyReLU() {
        this(0.01);
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.leakyRelu(slope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + repr(slope);
    }
}
