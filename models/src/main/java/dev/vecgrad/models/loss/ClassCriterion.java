package dev.vecgrad.models.loss;

import dev.vecgrad.autograd.Tensor;

/** A loss against class indices. */
public interface ClassCriterion {
    Tensor forward(Tensor scores, int[] targets);
}
