package dev.vecgrad.models.loss;

import dev.vecgrad.autograd.Losses;
import dev.vecgrad.autograd.Losses.Reduction;
import dev.vecgrad.autograd.Tensor;

/** Mean squared error, as {@code torch.nn.MSELoss}. */
public record MSELoss(Reduction reduction) implements Criterion {
    public MSELoss() {
        this(Reduction.MEAN);
    }

    public Tensor forward(Tensor input, Tensor target) {
        return Losses.mse(input, target, reduction);
    }
}
