package dev.vecgrad.models.loss;

import dev.vecgrad.autograd.Losses;
import dev.vecgrad.autograd.Losses.Reduction;
import dev.vecgrad.autograd.Tensor;

/** Cross-entropy on logits against class indices, as {@code torch.nn.CrossEntropyLoss}. */
public record CrossEntropyLoss(Reduction reduction) implements ClassCriterion {
    public CrossEntropyLoss() {
        this(Reduction.MEAN);
    }

    public Tensor forward(Tensor logits, int[] targets) {
        return Losses.crossEntropy(logits, targets, reduction);
    }
}
