package dev.vecgrad.models.rnn;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Init;
import dev.vecgrad.models.Module;
import java.util.Arrays;
import java.util.Random;

/**
 * The one-step cells {@link RNNCell}, {@link LSTMCell}, {@link GRUCell}, as PyTorch's: parameters
 * {@code weight_ih} [G * H, inputSize], {@code weight_hh} [G * H, H], {@code bias_ih}, {@code bias_hh}
 * [G * H], uniform in +-1/sqrt(H); input [B, inputSize] or unbatched [inputSize].
 */
abstract class RNNCellBase extends Module {

    public final int inputSize;
    public final int hiddenSize;
    public final Tensor weightIh;
    public final Tensor weightHh;
    public final Tensor biasIh;
    public final Tensor biasHh;

    RNNCellBase(int gates, int inputSize, int hiddenSize, boolean bias, DType dtype, Random rng) {
        if (inputSize < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": inputSize and hiddenSize must be >= 1, got "
                    + inputSize + " and " + hiddenSize);
        }
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        double bound = 1 / Math.sqrt(hiddenSize);
        weightIh = registerParameter("weight_ih", Init.uniform(Tensor.zeros(dtype, gates * hiddenSize, inputSize), bound, rng));
        weightHh = registerParameter("weight_hh", Init.uniform(Tensor.zeros(dtype, gates * hiddenSize, hiddenSize), bound, rng));
        biasIh = bias ? registerParameter("bias_ih", Init.uniform(Tensor.zeros(dtype, gates * hiddenSize), bound, rng)) : null;
        biasHh = bias ? registerParameter("bias_hh", Init.uniform(Tensor.zeros(dtype, gates * hiddenSize), bound, rng)) : null;
    }

    /** W_ih x + b_ih and W_hh h + b_hh, x and h checked ([B, in] and [B, H]). */
    Tensor[] projections(Tensor x, Tensor h) {
        String name = getClass().getSimpleName();
        if (x.dim() != 2 || x.size(1) != inputSize) {
            throw new IllegalArgumentException(name + ": expects input [B, " + inputSize + "], got " + Arrays.toString(x.shape()));
        }
        if (h.dim() != 2 || h.size(0) != x.size(0) || h.size(1) != hiddenSize) {
            throw new IllegalArgumentException(name + ": the state is " + Arrays.toString(h.shape()) + ", expected [" + x.size(0)
                    + ", " + hiddenSize + "]");
        }
        Tensor xp = x.matmul(weightIh.t());
        Tensor hp = h.matmul(weightHh.t());
        return new Tensor[] {biasIh == null ? xp : xp.add(biasIh), biasHh == null ? hp : hp.add(biasHh)};
    }

    Tensor zeros(Tensor x) {
        return Tensor.zeros(x.dtype(), x.size(0), hiddenSize);
    }

    @Override
    protected String extraRepr() {
        return inputSize + ", " + hiddenSize + (biasIh == null ? ", bias=False" : "");
    }
}
