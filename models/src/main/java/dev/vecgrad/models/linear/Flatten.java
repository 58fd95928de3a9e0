package dev.vecgrad.models.linear;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;

/** [N, d1, d2, ...] to [N, d1 * d2 * ...]. */
public final class Flatten extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.dim() <= 2 ? x : x.flatten(1);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=1, end_dim=-1";
    }
}
