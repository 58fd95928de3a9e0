package dev.vecgrad.models.loss;

import dev.vecgrad.autograd.Losses;
import dev.vecgrad.autograd.Losses.Reduction;
import dev.vecgrad.autograd.Tensor;

/** Binary cross-entropy on probabilities, as {@code torch.nn.BCELoss}. */
public record BCELoss(Reduction reduction) implements Criterion {
    public BCELoss() {
        this(Reduction.MEAN);
    }

    public Tensor forward(Tensor input, Tensor target) {
        return Losses.bce(input, target, reduction);
    }
}
