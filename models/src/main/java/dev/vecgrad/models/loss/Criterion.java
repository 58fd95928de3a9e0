package dev.vecgrad.models.loss;

import dev.vecgrad.autograd.Tensor;

/** A loss against a target tensor. */
public interface Criterion {
    Tensor forward(Tensor input, Tensor target);
}
