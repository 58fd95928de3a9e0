package dev.vecgrad.models.rnn;

import dev.vecgrad.autograd.DType;
import java.util.Random;

/**
 * Long short-term memory, as {@code torch.nn.LSTM}: gates i, f, g, o (in that order in the
 * weights) = sigma, sigma, tanh, sigma of W_ih x_t + b_ih + W_hh h_(t-1) + b_hh;
 * c_t = f c_(t-1) + i g; h_t = o tanh(c_t). The state carries h and c. See {@link RNNBase}.
 */
public final class LSTM extends RNNBase {

    /** One layer, bias, float32, time-major. */
    public LSTM(int inputSize, int hiddenSize, Random rng) {
        this(inputSize, hiddenSize, 1, true, false, 0, false, DType.F32, rng);
    }

    /**
     * {@code nn.LSTM(inputSize, hiddenSize, ...)} with its settings by name: {@code LSTM.options(32,
     * 128).numLayers(2).bidirectional(true).build()} (see {@link RNNBase.Options}).
     */
    public static RNNBase.Options<LSTM> options(int inputSize, int hiddenSize) {
        return new RNNBase.Options<>("LSTM", inputSize, hiddenSize, o -> new LSTM(o.inputSize, o.hiddenSize, o.numLayers, o.bias,
                o.batchFirst, o.dropout, o.bidirectional, o.dtype, o.generator()));
    }

    /** Every setting, by position (see {@link #options} for them by name). */
    public LSTM(int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst, double dropout, boolean bidirectional,
            DType dtype, Random rng) {
        super(Mode.LSTM, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, rng);
    }
}
