package dev.vecgrad.models.norm;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;

/** Batch normalization over [N, C], as {@code torch.nn.BatchNorm1d}; see {@link BatchNorm}. */
public final class BatchNorm1d extends BatchNorm {
    public BatchNorm1d(int features) {
        this(features, 1e-5, 0.1, DType.F32);
    }

    public BatchNorm1d(int features, double eps, double momentum, DType dtype) {
        super(features, eps, momentum, dtype);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 2 || x.size(1) != channels) {
            throw new IllegalArgumentException("BatchNorm1d(" + channels + "): expects [N, " + channels + "], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        return normalize(x);
    }
}
