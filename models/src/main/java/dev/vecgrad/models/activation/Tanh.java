package dev.vecgrad.models.activation;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;

public final class Tanh extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
