package dev.vecgrad.models.rnn;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.RecurrentOps;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Init;
import dev.vecgrad.models.Module;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The recurrent layers {@link RNN}, {@link LSTM} and {@link GRU}, as PyTorch's {@code RNNBase}:
 * {@code numLayers} stacked layers, each one or two directions, over an input
 * [T, B, inputSize] ([B, T, inputSize] with {@code batchFirst}, or unbatched [T, inputSize]).
 * Parameters are named and shaped as PyTorch's ({@code weight_ih_l0} [G * H, inputSize],
 * {@code weight_hh_l0} [G * H, H], {@code bias_ih_l0}, {@code bias_hh_l0}, {@code ..._reverse}
 * for the second direction; G = 1, 4 or 3 gates in PyTorch's order: LSTM i, f, g, o and GRU
 * r, z, n) and initialized as PyTorch does (uniform in +-1/sqrt(H)), so state dicts load both
 * ways by name.
 *
 * <p>Each layer computes its input projection for all time steps in one GEMM, then one GEMM
 * per step for the recurrence; LSTM and GRU run their recurrence as one fused op
 * ({@link RecurrentOps#lstm}, {@link RecurrentOps#gru}), the Elman RNN as composed tensor ops. The output is [T, B, D * H] (D = 2 when bidirectional), the
 * final state [numLayers * D, B, H] (LSTM: and the cell state). Dropout between layers acts in
 * training mode only.
 *
 * <p>Variable-length batches: {@link #forward(Tensor, State, int[])} takes each sequence's
 * length; a sequence's padded steps change neither its outputs (zeros there, as PyTorch's
 * {@code pad_packed_sequence} gives) nor its final state nor any gradient, which is what
 * packing gives a PyTorch user. Truncated BPTT is the usual pattern: carry the state across
 * chunks of a long sequence with {@code state.detach()} between them.
 */
public abstract class RNNBase extends Module {

    /** The hidden state [layers * directions, B, H], and for an LSTM the cell state (null otherwise). */
    public record State(Tensor h, Tensor c) {
        /** The same values cut from the graph: truncated BPTT carries this across chunks. */
        public State detach() {
            return new State(h.detach(), c == null ? null : c.detach());
        }
    }

    /** The top layer's output at every step, and the final state. */
    public record Output(Tensor output, State state) {}

    enum Mode {
        RNN_TANH(1), RNN_RELU(1), LSTM(4), GRU(3);

        final int gates;

        Mode(int gates) {
            this.gates = gates;
        }
    }

    final Mode mode;
    public final int inputSize;
    public final int hiddenSize;
    public final int numLayers;
    public final boolean bias;
    public final boolean batchFirst;
    public final double dropout;
    public final boolean bidirectional;
    private final Random rng;
    /** [layer][direction] -> {weight_ih, weight_hh, bias_ih, bias_hh} (biases null without bias). */
    private final Tensor[][][] weights;

    /**
     * A recurrent layer's settings by name, with PyTorch's defaults, for {@code RNN.options},
     * {@code LSTM.options} and {@code GRU.options}: {@code LSTM.options(32, 128).numLayers(2)
     * .bidirectional(true).build()} is {@code nn.LSTM(32, 128, num_layers=2, bidirectional=True)}.
     * The positional constructors take the same settings as a row of booleans (batchFirst and
     * bidirectional compile swapped); here each has its name. Without {@link #rng} the weights are
     * drawn from a generator seeded with 0, so that a layer whose weights are then loaded needs
     * none.
     *
     * @param <M> the layer it builds
     */
    public static final class Options<M extends RNNBase> {
        private final String layer;
        private final java.util.function.Function<Options<M>, M> make;
        final int inputSize;
        final int hiddenSize;
        int numLayers = 1;
        String nonlinearity;
        boolean bias = true;
        boolean batchFirst;
        double dropout;
        boolean bidirectional;
        DType dtype = DType.F32;
        Random rng;

        Options(String layer, int inputSize, int hiddenSize, java.util.function.Function<Options<M>, M> make) {
            this.layer = layer;
            this.inputSize = inputSize;
            this.hiddenSize = hiddenSize;
            this.make = make;
        }

        /** {@code num_layers} (default 1). */
        public Options<M> numLayers(int n) {
            this.numLayers = n;
            return this;
        }

        /** RNN's {@code nonlinearity}, "tanh" (the default) or "relu"; LSTM and GRU have none and refuse it. */
        public Options<M> nonlinearity(String name) {
            if (!layer.equals("RNN")) {
                throw new IllegalArgumentException(layer + " has no nonlinearity option (only RNN has: tanh or relu)");
            }
            this.nonlinearity = name;
            return this;
        }

        /** {@code bias} (default true). */
        public Options<M> bias(boolean on) {
            this.bias = on;
            return this;
        }

        /** {@code batch_first}: inputs and outputs [batch, time, features] (default false: [time, batch, features]). */
        public Options<M> batchFirst(boolean on) {
            this.batchFirst = on;
            return this;
        }

        /** {@code dropout} between layers, in training mode (default 0). */
        public Options<M> dropout(double p) {
            this.dropout = p;
            return this;
        }

        /** {@code bidirectional} (default false). */
        public Options<M> bidirectional(boolean on) {
            this.bidirectional = on;
            return this;
        }

        /** The parameters' dtype (default float32). */
        public Options<M> dtype(DType type) {
            this.dtype = type;
            return this;
        }

        /** The generator of the initial weights (default: one seeded with 0). */
        public Options<M> rng(Random generator) {
            this.rng = generator;
            return this;
        }

        /** The generator {@link #build} draws from. */
        Random generator() {
            return rng != null ? rng : new Random(0);
        }

        /** The layer with these settings. */
        public M build() {
            return make.apply(this);
        }
    }

    RNNBase(Mode mode, int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst, double dropout,
            boolean bidirectional, DType dtype, Random rng) {
        String name = getClass().getSimpleName();
        if (inputSize < 1 || hiddenSize < 1 || numLayers < 1) {
            throw new IllegalArgumentException(name + ": inputSize, hiddenSize and numLayers must be >= 1, got " + inputSize + ", "
                    + hiddenSize + ", " + numLayers);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException(name + ": dropout must be in [0, 1), got " + dropout);
        }
        this.mode = mode;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.bias = bias;
        this.batchFirst = batchFirst;
        this.dropout = dropout;
        this.bidirectional = bidirectional;
        this.rng = rng;
        int dirs = bidirectional ? 2 : 1;
        double bound = 1 / Math.sqrt(hiddenSize);
        int g = mode.gates * hiddenSize;
        weights = new Tensor[numLayers][dirs][];
        for (int l = 0; l < numLayers; l++) {
            int in = l == 0 ? inputSize : hiddenSize * dirs;
            for (int d = 0; d < dirs; d++) {
                String suffix = "_l" + l + (d == 1 ? "_reverse" : "");
                Tensor wih = registerParameter("weight_ih" + suffix, Init.uniform(Tensor.zeros(dtype, g, in), bound, rng));
                Tensor whh = registerParameter("weight_hh" + suffix, Init.uniform(Tensor.zeros(dtype, g, hiddenSize), bound, rng));
                Tensor bih = bias ? registerParameter("bias_ih" + suffix, Init.uniform(Tensor.zeros(dtype, g), bound, rng)) : null;
                Tensor bhh = bias ? registerParameter("bias_hh" + suffix, Init.uniform(Tensor.zeros(dtype, g), bound, rng)) : null;
                weights[l][d] = new Tensor[] {wih, whh, bih, bhh};
            }
        }
    }

    /** The output and final state; a null initial state is zeros, as PyTorch's {@code lstm(x)}. */
    public Output forward(Tensor input, State initial) {
        return forward(input, initial, null);
    }

    /**
     * The layers over the input.
     *
     * @param initial the initial state [layers * directions, B, H] (unbatched: without B), or null for zeros
     * @param lengths each sequence's length (1 to T), or null when all have T steps
     * @throws IllegalArgumentException naming the shapes when the input, the state or the lengths do not fit
     */
    public Output forward(Tensor input, State initial, int[] lengths) {
        String name = getClass().getSimpleName();
        boolean unbatched = input.dim() == 2;
        if (input.dim() != 3 && !unbatched) {
            throw new IllegalArgumentException(name + ": expects input [T, B, " + inputSize + "]" + (batchFirst ? " (batchFirst: [B, T, "
                    + inputSize + "])" : "") + " or unbatched [T, " + inputSize + "], got " + Arrays.toString(input.shape()));
        }
        Tensor x = unbatched ? input.unsqueeze(1) : batchFirst ? input.transpose(0, 1) : input;
        int steps = x.size(0);
        int batch = x.size(1);
        if (x.size(2) != inputSize) {
            throw new IllegalArgumentException(name + "(" + inputSize + " -> " + hiddenSize + "): the input has " + x.size(2)
                    + " features (shape " + Arrays.toString(input.shape()) + "), expected " + inputSize);
        }
        int dirs = bidirectional ? 2 : 1;
        Tensor h0 = initial == null ? null : stateTensor("h", initial.h(), unbatched, batch, dirs);
        Tensor c0 = initial == null || mode != Mode.LSTM ? null : stateTensor("c", initial.c(), unbatched, batch, dirs);
        if (initial != null && mode != Mode.LSTM && initial.c() != null) {
            throw new IllegalArgumentException(name + ": has no cell state; pass State(h, null)");
        }
        Tensor[] masks = lengths == null ? null : masks(lengths, steps, batch, x.dtype());
        List<Tensor> hs = new ArrayList<>();
        List<Tensor> cs = new ArrayList<>();
        Tensor layerInput = x;
        for (int l = 0; l < numLayers; l++) {
            Tensor[] outs = new Tensor[dirs];
            for (int d = 0; d < dirs; d++) {
                int k = l * dirs + d;
                Tensor h = h0 != null ? h0.slice(0, k, k + 1).squeeze(0) : Tensor.zeros(x.dtype(), batch, hiddenSize);
                Tensor c = mode != Mode.LSTM ? null : c0 != null ? c0.slice(0, k, k + 1).squeeze(0)
                        : Tensor.zeros(x.dtype(), batch, hiddenSize);
                Tensor[] w = weights[l][d];
                // one GEMM for the input projection of every step: [T * B, in] x [in, G * H]
                Tensor proj = layerInput.reshape(steps * batch, layerInput.size(2)).matmul(w[0].t());
                if (w[2] != null) {
                    proj = proj.add(w[2]);
                }
                proj = proj.reshape(steps, batch, mode.gates * hiddenSize);
                if (mode == Mode.LSTM) {
                    // the fused LSTM: one node for the whole sequence, gates and cell update fused
                    Tensor packed = RecurrentOps.lstm(proj, w[1], w[3], h, c, lengths, d == 1);
                    outs[d] = packed.slice(0, 0, steps);
                    hs.add(packed.slice(0, steps, steps + 1).squeeze(0));
                    cs.add(packed.slice(0, steps + 1, steps + 2).squeeze(0));
                    continue;
                }
                if (mode == Mode.GRU) {
                    Tensor packed = RecurrentOps.gru(proj, w[1], w[3], h, lengths, d == 1);
                    outs[d] = packed.slice(0, 0, steps);
                    hs.add(packed.slice(0, steps, steps + 1).squeeze(0));
                    continue;
                }
                Tensor[] out = new Tensor[steps];
                for (int s = 0; s < steps; s++) {
                    int t = d == 0 ? s : steps - 1 - s;
                    Tensor[] next = step(proj.slice(0, t, t + 1).squeeze(0), h, c, w[1], w[3]);
                    if (masks != null) {
                        Tensor m = masks[t];
                        next[0] = Tensor.where(m, next[0], h);
                        if (c != null) {
                            next[1] = Tensor.where(m, next[1], c);
                        }
                        out[t] = Tensor.where(m, next[0], Tensor.zeros(x.dtype()));
                    } else {
                        out[t] = next[0];
                    }
                    h = next[0];
                    c = next[1];
                }
                outs[d] = Tensor.stack(List.of(out), 0);
                hs.add(h);
                if (c != null) {
                    cs.add(c);
                }
            }
            layerInput = dirs == 1 ? outs[0] : Tensor.cat(List.of(outs), 2);
            if (dropout > 0 && l + 1 < numLayers) {
                layerInput = layerInput.dropout(dropout, isTraining(), rng);
            }
        }
        Tensor output = unbatched ? layerInput.squeeze(1) : batchFirst ? layerInput.transpose(0, 1) : layerInput;
        Tensor hN = Tensor.stack(hs, 0);
        Tensor cN = cs.isEmpty() ? null : Tensor.stack(cs, 0);
        if (unbatched) {
            hN = hN.squeeze(1);
            cN = cN == null ? null : cN.squeeze(1);
        }
        return new Output(output, new State(hN, cN));
    }

    /** One step of one direction: the new h (and c for an LSTM) from the projected input xp [B, G * H]. */
    Tensor[] step(Tensor xp, Tensor h, Tensor c, Tensor whh, Tensor bhh) {
        Tensor hp = h.matmul(whh.t());
        if (bhh != null) {
            hp = hp.add(bhh);
        }
        return switch (mode) {
            // h' = tanh(W_ih x + b_ih + W_hh h + b_hh), or relu
            case RNN_TANH -> new Tensor[] {xp.add(hp).tanh(), null};
            case RNN_RELU -> new Tensor[] {xp.add(hp).relu(), null};
            case LSTM -> lstm(xp.add(hp), c, hiddenSize);
            case GRU -> gru(xp, hp, h, hiddenSize);
        };
    }

    /** i, f, g, o = sigma, sigma, tanh, sigma of the gate pre-activations; c' = f c + i g; h' = o tanh(c'). */
    static Tensor[] lstm(Tensor gates, Tensor c, int hidden) {
        List<Tensor> q = gates.split(hidden, 1);
        Tensor i = q.get(0).sigmoid();
        Tensor f = q.get(1).sigmoid();
        Tensor g = q.get(2).tanh();
        Tensor o = q.get(3).sigmoid();
        Tensor c2 = f.mul(c).add(i.mul(g));
        return new Tensor[] {o.mul(c2.tanh()), c2};
    }

    /** r = sigma(x_r + h_r), z = sigma(x_z + h_z), n = tanh(x_n + r h_n), h' = (1 - z) n + z h. */
    static Tensor[] gru(Tensor xp, Tensor hp, Tensor h, int hidden) {
        List<Tensor> x = xp.split(hidden, 1);
        List<Tensor> hh = hp.split(hidden, 1);
        Tensor r = x.get(0).add(hh.get(0)).sigmoid();
        Tensor z = x.get(1).add(hh.get(1)).sigmoid();
        Tensor n = x.get(2).add(r.mul(hh.get(2))).tanh();
        return new Tensor[] {n.add(z.mul(h.sub(n))), null};
    }

    private Tensor stateTensor(String which, Tensor s, boolean unbatched, int batch, int dirs) {
        if (s == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the initial state has no " + which);
        }
        Tensor t = unbatched ? s.unsqueeze(1) : s;
        int[] want = {numLayers * dirs, batch, hiddenSize};
        if (!Arrays.equals(t.shape(), want)) {
            int[] shown = unbatched ? new int[] {numLayers * dirs, hiddenSize} : want;
            throw new IllegalArgumentException(getClass().getSimpleName() + ": the initial " + which + " is "
                    + Arrays.toString(s.shape()) + ", expected " + Arrays.toString(shown) + " (layers * directions, batch, hidden)");
        }
        return t;
    }

    /** masks[t] [B, 1]: 1 where step t is within the sequence's length. */
    private static Tensor[] masks(int[] lengths, int steps, int batch, DType dtype) {
        if (lengths.length != batch) {
            throw new IllegalArgumentException("lengths: " + lengths.length + " lengths for a batch of " + batch);
        }
        for (int b = 0; b < batch; b++) {
            if (lengths[b] < 1 || lengths[b] > steps) {
                throw new IllegalArgumentException("lengths: sequence " + b + " has length " + lengths[b] + ", the input has "
                        + steps + " steps (lengths must be 1 to " + steps + ")");
            }
        }
        Tensor[] m = new Tensor[steps];
        for (int t = 0; t < steps; t++) {
            double[] v = new double[batch];
            for (int b = 0; b < batch; b++) {
                v[b] = t < lengths[b] ? 1 : 0;
            }
            m[t] = Tensor.of(v, batch, 1).to(dtype);
        }
        return m;
    }

    @Override
    protected String extraRepr() {
        return inputSize + ", " + hiddenSize + (numLayers != 1 ? ", num_layers=" + numLayers : "") + (bias ? "" : ", bias=False")
                + (batchFirst ? ", batch_first=True" : "") + (dropout != 0 ? ", dropout=" + repr(dropout) : "")
                + (bidirectional ? ", bidirectional=True" : "");
    }
}
