package dev.vecgrad.models.loss;

import dev.vecgrad.autograd.Losses;
import dev.vecgrad.autograd.Losses.Reduction;
import dev.vecgrad.autograd.Tensor;

/** Negative log-likelihood on log-probabilities against class indices, as {@code torch.nn.NLLLoss}. */
public record NLLLoss(Reduction reduction) implements ClassCriterion {
    public NLLLoss() {
        this(Reduction.MEAN);
    }

    public Tensor forward(Tensor logProbs, int[] targets) {
        return Losses.nll(logProbs, targets, reduction);
    }
}
