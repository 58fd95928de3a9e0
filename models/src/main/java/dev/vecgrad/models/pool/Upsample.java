package dev.vecgrad.models.pool;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;

/** Nearest-neighbour upsampling by an integer factor, as {@code torch.nn.Upsample(scale_factor=s, mode="nearest")}. */
public final class Upsample extends Module {
    private final int scale;

    public Upsample(int scale) {
        this.scale = scale;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.upsampleNearest(scale);
    }

    @Override
    protected String extraRepr() {
        return "scale_factor=" + repr(scale) + ", mode=nearest";
    }
}
