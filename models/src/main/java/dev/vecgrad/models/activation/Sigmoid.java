package dev.vecgrad.models.activation;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;

public final class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
