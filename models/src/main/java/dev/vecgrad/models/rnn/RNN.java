package dev.vecgrad.models.rnn;

import dev.vecgrad.autograd.DType;
import java.util.Random;

/**
 * Elman RNN, as {@code torch.nn.RNN}: h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh), or relu
 * with {@code nonlinearity = "relu"}. See {@link RNNBase} for shapes, names and options.
 */
public final class RNN extends RNNBase {

    /** One layer, tanh, bias, float32, time-major. */
    public RNN(int inputSize, int hiddenSize, Random rng) {
        this(inputSize, hiddenSize, 1, "tanh", true, false, 0, false, DType.F32, rng);
    }

    public RNN(int inputSize, int hiddenSize, int numLayers, String nonlinearity, boolean bias, boolean batchFirst, double dropout,
            boolean bidirectional, DType dtype, Random rng) {
        super(mode(nonlinearity), inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, rng);
    }

    private static Mode mode(String nonlinearity) {
        return switch (nonlinearity) {
            case "tanh" -> Mode.RNN_TANH;
            case "relu" -> Mode.RNN_RELU;
            default -> throw new IllegalArgumentException("RNN: nonlinearity must be 'tanh' or 'relu', got '" + nonlinearity + "'");
        };
    }

    @Override
    protected String extraRepr() {
        return super.extraRepr() + (mode == Mode.RNN_RELU ? ", nonlinearity=relu" : "");
    }
}
