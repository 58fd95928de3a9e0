package dev.vecgrad.models.loss;

import dev.vecgrad.autograd.Losses;
import dev.vecgrad.autograd.Losses.Reduction;
import dev.vecgrad.autograd.Tensor;

/** Binary cross-entropy on logits (stable), as {@code torch.nn.BCEWithLogitsLoss}. */
public record BCEWithLogitsLoss(Reduction reduction) implements Criterion {
    public BCEWithLogitsLoss() {
        this(Reduction.MEAN);
    }

    public Tensor forward(Tensor input, Tensor target) {
        return Losses.bceWithLogits(input, target, reduction);
    }
}
