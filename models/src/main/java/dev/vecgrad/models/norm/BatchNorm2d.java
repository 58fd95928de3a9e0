package dev.vecgrad.models.norm;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;

/** Batch normalization over the channels of [N, C, H, W], as {@code torch.nn.BatchNorm2d}; see {@link BatchNorm}. */
public final class BatchNorm2d extends BatchNorm {
    public BatchNorm2d(int channels) {
        this(channels, 1e-5, 0.1, DType.F32);
    }

    public BatchNorm2d(int channels, double eps, double momentum, DType dtype) {
        super(channels, eps, momentum, dtype);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 4 || x.size(1) != channels) {
            throw new IllegalArgumentException("BatchNorm2d(" + channels + "): expects [N, " + channels + ", H, W], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        return normalize(x);
    }
}
