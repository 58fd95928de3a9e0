package dev.vecgrad.models.linear;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Init;
import dev.vecgrad.models.Module;
import java.util.Arrays;
import java.util.Random;

/**
 * y = x W^T + b, with W [out, in] and b [out] as in PyTorch (so checkpoints map one to one),
 * initialized as PyTorch does: both uniform in +-1/sqrt(in). x is [..., in]. The transpose
 * reaches GEMM as a flag, not a copy.
 */
public class Linear extends Module {

    public final int in;
    public final int out;
    public final Tensor weight;
    public final Tensor bias;

    /** {@code nn.Linear(in, out)}: with bias, float32. */
    public Linear(int in, int out, Random rng) {
        this(in, out, true, DType.F32, rng);
    }

    /** {@code nn.Linear(in, out, bias=bias, dtype=dtype)}. */
    public Linear(int in, int out, boolean bias, DType dtype, Random rng) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear: in and out must be >= 1, got " + in + " and " + out);
        }
        this.in = in;
        this.out = out;
        double bound = 1 / Math.sqrt(in);
        this.weight = registerParameter("weight", Init.uniform(Tensor.zeros(dtype, out, in), bound, rng));
        this.bias = bias ? registerParameter("bias", Init.uniform(Tensor.zeros(dtype, out), bound, rng)) : null;
    }

    /** x W^T + b for x [..., in]: [..., out]. */
    @Override
    public Tensor forward(Tensor x) {
        int[] s = x.shape();
        if (s.length == 0 || s[s.length - 1] != in) {
            throw new IllegalArgumentException("Linear(" + in + " -> " + out + "): the input has "
                    + (s.length == 0 ? 0 : s[s.length - 1]) + " features (shape " + Arrays.toString(s) + "), expected " + in);
        }
        Tensor y = x.matmul(weight.t());
        return bias == null ? y : y.add(bias);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + in + ", out_features=" + out + ", bias=" + (bias == null ? "False" : "True");
    }
}
