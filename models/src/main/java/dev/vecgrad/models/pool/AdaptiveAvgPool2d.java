package dev.vecgrad.models.pool;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;

/** Average pooling to a fixed output size, as {@code torch.nn.AdaptiveAvgPool2d}. */
public final class AdaptiveAvgPool2d extends Module {
    private final int height;
    private final int width;

    public AdaptiveAvgPool2d(int height, int width) {
        this.height = height;
        this.width = width;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.adaptiveAvgPool2d(height, width);
    }

    @Override
    protected String extraRepr() {
        return "output_size=(" + height + ", " + width + ")";
    }
}
