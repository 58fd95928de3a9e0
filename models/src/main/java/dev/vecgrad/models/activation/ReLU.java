package dev.vecgrad.models.activation;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;

/** max(0, x). */
public final class ReLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
