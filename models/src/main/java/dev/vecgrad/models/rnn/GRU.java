package dev.vecgrad.models.rnn;

import dev.vecgrad.autograd.DType;
import java.util.Random;

/**
 * Gated recurrent unit, as {@code torch.nn.GRU}: gates r, z, n (in that order in the weights),
 * r = sigma(W_ir x + b_ir + W_hr h + b_hr), z likewise, n = tanh(W_in x + b_in + r (W_hn h + b_hn)),
 * h_t = (1 - z) n + z h_(t-1). See {@link RNNBase}.
 */
public final class GRU extends RNNBase {

    /** One layer, bias, float32, time-major. */
    public GRU(int inputSize, int hiddenSize, Random rng) {
        this(inputSize, hiddenSize, 1, true, false, 0, false, DType.F32, rng);
    }

    /**
     * {@code nn.GRU(inputSize, hiddenSize, ...)} with its settings by name: {@code GRU.options(32,
     * 128).numLayers(2).bidirectional(true).build()} (see {@link RNNBase.Options}).
     */
    public static RNNBase.Options<GRU> options(int inputSize, int hiddenSize) {
        return new RNNBase.Options<>("GRU", inputSize, hiddenSize, o -> new GRU(o.inputSize, o.hiddenSize, o.numLayers, o.bias,
                o.batchFirst, o.dropout, o.bidirectional, o.dtype, o.generator()));
    }

    /** Every setting, by position (see {@link #options} for them by name). */
    public GRU(int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst, double dropout, boolean bidirectional,
            DType dtype, Random rng) {
        super(Mode.GRU, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, rng);
    }
}
