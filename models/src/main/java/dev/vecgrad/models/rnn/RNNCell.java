package dev.vecgrad.models.rnn;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import java.util.Random;

/** One step of an Elman RNN, as {@code torch.nn.RNNCell}: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu). */
public final class RNNCell extends RNNCellBase {

    private final boolean relu;

    public RNNCell(int inputSize, int hiddenSize, Random rng) {
        this(inputSize, hiddenSize, true, "tanh", DType.F32, rng);
    }

    public RNNCell(int inputSize, int hiddenSize, boolean bias, String nonlinearity, DType dtype, Random rng) {
        super(1, inputSize, hiddenSize, bias, dtype, rng);
        if (!nonlinearity.equals("tanh") && !nonlinearity.equals("relu")) {
            throw new IllegalArgumentException("RNNCell: nonlinearity must be 'tanh' or 'relu', got '" + nonlinearity + "'");
        }
        this.relu = nonlinearity.equals("relu");
    }

    /** From a zero state. */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, zeros(x));
    }

    public Tensor forward(Tensor x, Tensor h) {
        Tensor[] p = projections(x, h);
        Tensor z = p[0].add(p[1]);
        return relu ? z.relu() : z.tanh();
    }

    @Override
    protected String extraRepr() {
        return super.extraRepr() + (relu ? ", nonlinearity=relu" : "");
    }
}
