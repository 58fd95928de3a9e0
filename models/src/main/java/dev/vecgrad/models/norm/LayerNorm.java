package dev.vecgrad.models.norm;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;

/** Layer normalization over the last dimension, biased variance, learnable scale and shift. */
public final class LayerNorm extends Module {
    public final Tensor weight;
    public final Tensor bias;
    private final double eps;
    private final int size;

    public LayerNorm(int size) {
        this(size, 1e-5, DType.F32);
    }

    public LayerNorm(int size, double eps, DType dtype) {
        this.size = size;
        this.eps = eps;
        weight = registerParameter("weight", Tensor.ones(dtype, size));
        bias = registerParameter("bias", Tensor.zeros(dtype, size));
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() == 0 || x.size(-1) != size) {
            throw new IllegalArgumentException("LayerNorm(" + size + "): the last dimension of "
                    + java.util.Arrays.toString(x.shape()) + " is not " + size);
        }
        Tensor centered = x.sub(x.mean(-1, true));
        Tensor var = centered.mul(centered).mean(-1, true);
        return centered.div(var.add(eps).sqrt()).mul(weight).add(bias);
    }

    @Override
    protected String extraRepr() {
        return "(" + size + ",), eps=" + repr(eps) + ", elementwise_affine=True";
    }
}
