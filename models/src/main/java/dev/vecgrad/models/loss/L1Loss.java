package dev.vecgrad.models.loss;

import dev.vecgrad.autograd.Losses;
import dev.vecgrad.autograd.Losses.Reduction;
import dev.vecgrad.autograd.Tensor;

/** Mean absolute error, as {@code torch.nn.L1Loss}. */
public record L1Loss(Reduction reduction) implements Criterion {
    public L1Loss() {
        this(Reduction.MEAN);
    }

    public Tensor forward(Tensor input, Tensor target) {
        return Losses.l1(input, target, reduction);
    }
}
