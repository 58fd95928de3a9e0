package dev.vecgrad.models.activation;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;

/** GELU, exact (erf) form by default, "tanh" for the approximation. */
public final class GELU extends Module {
    private final String approximate;

    public GELU() {
        this("none");
    }

    public GELU(String approximate) {
        this.approximate = approximate;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.gelu(approximate);
    }

    @Override
    protected String extraRepr() {
        return "approximate='" + approximate + "'";
    }
}
