package dev.vecgrad.models.zoo;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.InPlace;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.rnn.GRUCell;
import dev.vecgrad.models.rnn.LSTMCell;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.rnn.RNNBase;
import dev.vecgrad.models.rnn.RNNCell;
import dev.vecgrad.models.optim.Optimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The notes' picture of vanishing and exploding gradients (seed 000): recurrent cells at
 * PyTorch's initialization run over a random sequence, the loss L = w . h_T reads only the last
 * state, and the study records
 * <ul>
 *   <li>|dL/dh_t| for every step t (how much the loss still hears of step t): it shrinks
 *       geometrically towards the start for a tanh RNN, far less for an LSTM or a GRU, and
 *       grows for an RNN whose recurrent weight is scaled up (relu, W_hh x 4);
 *   <li>the norm of the parameter gradient against the sequence length, raw and after
 *       clipping to {@code maxNorm} ({@link Optimizer#clipGradNorm}).
 * </ul>
 * float64, batch 1, deterministic for a seed.
 */
public final class GradientNormStudy {

    /** The cells studied, by label. */
    public static final List<String> CELLS = List.of("rnn tanh", "rnn relu, W_hh x 4", "lstm", "gru");

    /**
     * @param stepNorms |dL/dh_t| for t = 1..steps, per cell
     * @param lengths the sequence lengths of the second measurement
     * @param rawNorms |dL/dtheta| per length, per cell
     * @param clippedNorms the same after clipping to maxNorm
     */
    public record Result(int steps, Map<String, double[]> stepNorms, int[] lengths, Map<String, double[]> rawNorms,
            Map<String, double[]> clippedNorms, double maxNorm) {}

    private GradientNormStudy() {}

    /**
     * @throws IllegalArgumentException if a size is below 1, a length above steps, or maxNorm not positive
     */
    public static Result run(int inputSize, int hidden, int steps, int[] lengths, double maxNorm, long seed) {
        if (inputSize < 1 || hidden < 1 || steps < 1 || !(maxNorm > 0)) {
            throw new IllegalArgumentException("GradientNormStudy: input, hidden and steps must be >= 1 and maxNorm > 0, got "
                    + inputSize + ", " + hidden + ", " + steps + ", " + maxNorm);
        }
        for (int t : lengths) {
            if (t < 1 || t > steps) {
                throw new IllegalArgumentException("GradientNormStudy: length " + t + " is not within 1.." + steps);
            }
        }
        Random data = new Random(seed);
        Tensor xs = Tensor.randn(data, DType.F64, steps, 1, inputSize);
        Tensor w = Tensor.randn(data, DType.F64, 1, hidden);
        Map<String, double[]> stepNorms = new LinkedHashMap<>();
        Map<String, double[]> raw = new LinkedHashMap<>();
        Map<String, double[]> clipped = new LinkedHashMap<>();
        for (String cell : CELLS) {
            Module m = cell(cell, inputSize, hidden, new Random(seed + 1));
            List<Tensor> hs = new ArrayList<>();
            Tensor last = unroll(m, xs, steps, hs);
            m.zeroGrad();
            last.mul(w).sum().backward();
            double[] norms = new double[steps];
            for (int t = 0; t < steps; t++) {
                norms[t] = Math.sqrt(InPlace.sumOfSquares(hs.get(t).grad()));
            }
            stepNorms.put(cell, norms);
            double[] r = new double[lengths.length];
            double[] c = new double[lengths.length];
            for (int i = 0; i < lengths.length; i++) {
                m.zeroGrad();
                unroll(m, xs, lengths[i], null).mul(w).sum().backward();
                r[i] = Optimizer.clipGradNorm(m.parameters(), maxNorm);
                double sq = 0;
                for (Tensor p : m.parameters()) {
                    sq += InPlace.sumOfSquares(p.grad());
                }
                c[i] = Math.sqrt(sq);
            }
            raw.put(cell, r);
            clipped.put(cell, c);
        }
        return new Result(steps, stepNorms, lengths.clone(), raw, clipped, maxNorm);
    }

    private static Module cell(String name, int in, int hidden, Random rng) {
        return switch (name) {
            case "rnn tanh" -> new RNNCell(in, hidden, true, "tanh", DType.F64, rng);
            case "rnn relu, W_hh x 4" -> {
                RNNCell c = new RNNCell(in, hidden, true, "relu", DType.F64, rng);
                InPlace.scale(4, c.weightHh);
                yield c;
            }
            case "lstm" -> new LSTMCell(in, hidden, true, DType.F64, rng);
            default -> new GRUCell(in, hidden, true, DType.F64, rng);
        };
    }

    /** h_steps from a zero state, step by step; each h_t kept with its gradient in {@code keep} when given. */
    private static Tensor unroll(Module m, Tensor xs, int steps, List<Tensor> keep) {
        Tensor h = null;
        RNNBase.State s = null;
        for (int t = 0; t < steps; t++) {
            Tensor x = xs.slice(0, t, t + 1).squeeze(0);
            if (m instanceof LSTMCell l) {
                s = l.forward(x, s);
                h = s.h();
            } else {
                h = h == null ? m.forward(x) : m instanceof RNNCell r ? r.forward(x, h) : ((GRUCell) m).forward(x, h);
            }
            if (keep != null) {
                keep.add(h.retainGrad());
            }
        }
        return h;
    }
}
