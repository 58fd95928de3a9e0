package dev.vecgrad.models.rnn;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import java.util.Random;

/** One GRU step, as {@code torch.nn.GRUCell} (gates r, z, n; see {@link GRU}). */
public final class GRUCell extends RNNCellBase {

    public GRUCell(int inputSize, int hiddenSize, Random rng) {
        this(inputSize, hiddenSize, true, DType.F32, rng);
    }

    public GRUCell(int inputSize, int hiddenSize, boolean bias, DType dtype, Random rng) {
        super(3, inputSize, hiddenSize, bias, dtype, rng);
    }

    /** From a zero state. */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, zeros(x));
    }

    public Tensor forward(Tensor x, Tensor h) {
        Tensor[] p = projections(x, h);
        return RNNBase.gru(p[0], p[1], h, hiddenSize)[0];
    }
}
