package dev.vecgrad.models.rnn;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import java.util.Random;

/** One LSTM step, as {@code torch.nn.LSTMCell} (gates i, f, g, o; see {@link LSTM}): (h, c) to (h', c'). */
public final class LSTMCell extends RNNCellBase {

    public LSTMCell(int inputSize, int hiddenSize, Random rng) {
        this(inputSize, hiddenSize, true, DType.F32, rng);
    }

    public LSTMCell(int inputSize, int hiddenSize, boolean bias, DType dtype, Random rng) {
        super(4, inputSize, hiddenSize, bias, dtype, rng);
    }

    /**
     * The next state; a null state is zeros.
     *
     * @throws IllegalArgumentException if x is not [B, inputSize] or the state not [B, H] twice
     */
    public RNNBase.State forward(Tensor x, RNNBase.State state) {
        Tensor h = state == null ? zeros(x) : state.h();
        Tensor c = state == null ? zeros(x) : state.c();
        if (c == null || !java.util.Arrays.equals(c.shape(), h.shape())) {
            throw new IllegalArgumentException("LSTMCell: the cell state " + (c == null ? "is missing" : java.util.Arrays.toString(c.shape()))
                    + ", expected the shape of h " + java.util.Arrays.toString(h.shape()));
        }
        Tensor[] p = projections(x, h);
        Tensor[] next = RNNBase.lstm(p[0].add(p[1]), c, hiddenSize);
        return new RNNBase.State(next[0], next[1]);
    }
}
