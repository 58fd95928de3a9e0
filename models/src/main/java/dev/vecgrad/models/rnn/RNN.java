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

    /**
     * {@code nn.RNN(inputSize, hiddenSize, ...)} with its settings by name: {@code RNN.options(8,
     * 16).nonlinearity("relu").batchFirst(true).build()} (see {@link RNNBase.Options}).
     */
    public static RNNBase.Options<RNN> options(int inputSize, int hiddenSize) {
        return new RNNBase.Options<>("RNN", inputSize, hiddenSize, o -> new RNN(o.inputSize, o.hiddenSize, o.numLayers,
                o.nonlinearity == null ? "tanh" : o.nonlinearity, o.bias, o.batchFirst, o.dropout, o.bidirectional, o.dtype, o.generator()));
    }

    /** Every setting, by position (see {@link #options} for them by name). */
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
