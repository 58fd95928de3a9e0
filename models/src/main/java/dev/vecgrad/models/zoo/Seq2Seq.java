package dev.vecgrad.models.zoo;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Grad;
import dev.vecgrad.autograd.Losses;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.embedding.Embedding;
import dev.vecgrad.models.rnn.GRU;
import dev.vecgrad.models.rnn.GRUCell;
import dev.vecgrad.models.linear.Linear;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.rnn.RNNBase;
import dev.vecgrad.models.data.Translation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Sequence to sequence with additive (Bahdanau) attention, character by character (seed 000):
 * an embedding and a bidirectional GRU encode the source; a GRU cell decodes, at each step
 * attending over the encoder's outputs with score(q, k) = v^T tanh(W_q q + W_k k), softmax over
 * the source's real characters (padding masked out), and reading [embedding of the previous
 * character; context] ; the output layer sees [state; context]. Trained with teacher forcing,
 * decoded greedily. Parameters: {@code encoder.embedding.weight}, {@code encoder.rnn.weight_ih_l0}
 * ... {@code _reverse}, {@code bridge.*}, {@code decoder.embedding.weight}, {@code decoder.cell.*},
 * {@code attention.query.weight}, {@code attention.key.weight}, {@code attention.v.weight},
 * {@code out.*}.
 */
public final class Seq2Seq extends Module {

    /** Characters to ids: 0 padding, 1 start, 2 end, 3 unknown, then the alphabet in order. */
    public record Vocabulary(String alphabet) {
        public static final int PAD = 0;
        public static final int SOS = 1;
        public static final int EOS = 2;
        public static final int UNK = 3;

        /** The characters of the texts, sorted. */
        public static Vocabulary of(List<String> texts) {
            TreeSet<Character> cs = new TreeSet<>();
            for (String t : texts) {
                for (char c : t.toCharArray()) {
                    cs.add(c);
                }
            }
            StringBuilder sb = new StringBuilder();
            cs.forEach(sb::append);
            return new Vocabulary(sb.toString());
        }

        public int size() {
            return alphabet.length() + 4;
        }

        /** The ids of a text, then EOS. */
        public int[] encode(String text) {
            int[] ids = new int[text.length() + 1];
            for (int i = 0; i < text.length(); i++) {
                int k = alphabet.indexOf(text.charAt(i));
                ids[i] = k < 0 ? UNK : k + 4;
            }
            ids[text.length()] = EOS;
            return ids;
        }

        /** The text of ids up to the first EOS. */
        public String decode(int[] ids) {
            StringBuilder sb = new StringBuilder();
            for (int id : ids) {
                if (id == EOS) {
                    break;
                }
                sb.append(id >= 4 && id - 4 < alphabet.length() ? alphabet.charAt(id - 4) : id == UNK ? '?' : ' ');
            }
            return sb.toString();
        }
    }

    /** A greedy translation and its attention weights [output steps][source characters + EOS]. */
    /**
     * A greedy translation: the output, the attention weights of every output character, and the
     * model's confidence in it: the probability it gives this output, the product over the
     * steps (the end of the sequence included) of the chosen character's softmax probability.
     */
    public record Result(String output, double[][] attention, double confidence) {}

    public final Vocabulary source;
    public final Vocabulary target;
    public final int embedding;
    public final int encoderHidden;
    public final int decoderHidden;
    public final int attentionSize;
    private final Embedding srcEmbedding;
    private final GRU encoder;
    private final Linear bridge;
    private final Embedding tgtEmbedding;
    private final GRUCell cell;
    private final dev.vecgrad.models.attention.AdditiveAttention attention;
    private final Linear out;

    public Seq2Seq(Vocabulary source, Vocabulary target, int embedding, int encoderHidden, int decoderHidden, int attentionSize,
            Random rng) {
        this.source = source;
        this.target = target;
        this.embedding = embedding;
        this.encoderHidden = encoderHidden;
        this.decoderHidden = decoderHidden;
        this.attentionSize = attentionSize;
        Module enc = register("encoder", new Holder());
        srcEmbedding = ((Holder) enc).add("embedding", new Embedding(source.size(), embedding, Vocabulary.PAD, DType.F32, rng));
        encoder = ((Holder) enc).add("rnn", new GRU(embedding, encoderHidden, 1, true, false, 0, true, DType.F32, rng));
        bridge = register("bridge", new Linear(2 * encoderHidden, decoderHidden, rng));
        Module dec = register("decoder", new Holder());
        tgtEmbedding = ((Holder) dec).add("embedding", new Embedding(target.size(), embedding, Vocabulary.PAD, DType.F32, rng));
        cell = ((Holder) dec).add("cell", new GRUCell(embedding + 2 * encoderHidden, decoderHidden, rng));
        attention = register("attention", new dev.vecgrad.models.attention.AdditiveAttention(decoderHidden, 2 * encoderHidden,
                attentionSize, DType.F32, rng));
        out = register("out", new Linear(decoderHidden + 2 * encoderHidden, target.size(), rng));
    }

    /** A module that only groups children under a name (PyTorch's nested modules). */
    private static final class Holder extends Module {
        <M extends Module> M add(String name, M m) {
            return register(name, m);
        }
    }

    /** What the decoder reads: the encoder outputs [B, S, 2He], their key projections [B, S, A], the padding mask [B, S]. */
    private record Encoded(Tensor keys, Tensor projected, Tensor padding, Tensor state) {}

    private Encoded encode(List<int[]> sources) {
        int batch = sources.size();
        int steps = sources.stream().mapToInt(a -> a.length).max().orElse(1);
        float[] ids = new float[steps * batch];
        float[] pad = new float[batch * steps];
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            int[] s = sources.get(b);
            lengths[b] = s.length;
            for (int t = 0; t < steps; t++) {
                ids[t * batch + b] = t < s.length ? s[t] : Vocabulary.PAD;
                pad[b * steps + t] = t < s.length ? 0 : 1;
            }
        }
        Tensor x = srcEmbedding.forward(Tensor.fromArray(ids, steps, batch));
        RNNBase.Output o = encoder.forward(x, null, lengths);
        Tensor keys = o.output().transpose(0, 1).contiguous();                 // [B, S, 2He]
        Tensor last = Tensor.cat(List.of(o.state().h().slice(0, 0, 1).squeeze(0), o.state().h().slice(0, 1, 2).squeeze(0)), 1);
        Tensor state = bridge.forward(last).tanh();
        return new Encoded(keys, attention.projectKeys(keys), Tensor.fromArray(pad, batch, steps), state);
    }

    /** Attention weights [B, S] and context [B, 2He] for decoder state s [B, Hd]. */
    private Tensor[] attend(Encoded e, Tensor s) {
        var a = attention.attend(s, e.keys(), e.projected(), e.padding());
        return new Tensor[] {a.weights(), a.context()};
    }

    /** One decoder step: the next state and the logits, from the previous character's ids and state. */
    private Tensor[] decode(Encoded e, float[] previous, Tensor s) {
        Tensor[] att = attend(e, s);
        Tensor input = Tensor.cat(List.of(tgtEmbedding.forward(Tensor.fromArray(previous, previous.length)), att[1]), 1);
        Tensor next = cell.forward(input, s);
        Tensor logits = out.forward(Tensor.cat(List.of(next, att[1]), 1));
        return new Tensor[] {next, logits, att[0]};
    }

    /**
     * The mean cross-entropy over the target characters (EOS included, padding excluded) with
     * teacher forcing: the decoder reads the true previous character.
     */
    public Tensor loss(List<Translation.Pair> batch) {
        List<int[]> src = new ArrayList<>();
        List<int[]> tgt = new ArrayList<>();
        for (Translation.Pair p : batch) {
            src.add(source.encode(p.source()));
            tgt.add(target.encode(p.target()));
        }
        Encoded e = encode(src);
        int n = batch.size();
        int steps = tgt.stream().mapToInt(a -> a.length).max().orElse(1);
        Tensor s = e.state();
        Tensor total = null;
        int count = 0;
        float[] previous = new float[n];
        Arrays.fill(previous, Vocabulary.SOS);
        for (int t = 0; t < steps; t++) {
            Tensor[] step = decode(e, previous, s);
            s = step[0];
            int[] labels = new int[n];
            double[] mask = new double[n];
            float[] next = new float[n];
            for (int b = 0; b < n; b++) {
                int[] y = tgt.get(b);
                labels[b] = t < y.length ? y[t] : Vocabulary.PAD;
                mask[b] = t < y.length ? 1 : 0;
                count += (int) mask[b];
                next[b] = labels[b];
            }
            Tensor l = Losses.crossEntropy(step[1], labels, Losses.Reduction.NONE).mul(Tensor.of(mask, n).to(DType.F32)).sum();
            total = total == null ? l : total.add(l);
            previous = next;
        }
        return total.div(count);
    }

    /** Greedy translations of a batch (at most maxLength characters each). */
    public List<String> translate(List<String> sources, int maxLength) {
        List<String> outs = new ArrayList<>();
        try (var noGrad = Grad.disabled()) {
            List<int[]> src = new ArrayList<>();
            for (String s : sources) {
                src.add(source.encode(s));
            }
            Encoded e = encode(src);
            int n = sources.size();
            int[][] ids = new int[n][maxLength + 1];
            float[] previous = new float[n];
            Arrays.fill(previous, Vocabulary.SOS);
            Tensor s = e.state();
            for (int t = 0; t <= maxLength; t++) {
                Tensor[] step = decode(e, previous, s);
                s = step[0];
                int[] best = step[1].argmax(1);
                for (int b = 0; b < n; b++) {
                    ids[b][t] = best[b];
                    previous[b] = best[b];
                }
            }
            for (int b = 0; b < n; b++) {
                outs.add(target.decode(ids[b]));
            }
        }
        return outs;
    }

    /** One greedy translation with the attention weights of every output character. */
    public Result translate(String text, int maxLength) {
        try (var noGrad = Grad.disabled()) {
            int[] src = source.encode(text);
            Encoded e = encode(List.of(src));
            List<double[]> weights = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            double logProbability = 0;
            float[] previous = {Vocabulary.SOS};
            Tensor s = e.state();
            for (int t = 0; t <= maxLength; t++) {
                Tensor[] step = decode(e, previous, s);
                s = step[0];
                int best = step[1].argmax(1)[0];
                weights.add(step[2].toDoubleArray());
                logProbability += step[1].logSoftmax(1).toDoubleArray()[best];
                if (best == Vocabulary.EOS) {
                    break;
                }
                ids.add(best);
                previous = new float[] {best};
            }
            return new Result(target.decode(ids.stream().mapToInt(Integer::intValue).toArray()), weights.toArray(new double[0][]),
                    Math.exp(logProbability));
        }
    }

    /** What a checkpoint records to rebuild this model. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vecgrad.model", "seq2seq");
        m.put("vecgrad.seq2seq.source", source.alphabet());
        m.put("vecgrad.seq2seq.target", target.alphabet());
        m.put("vecgrad.seq2seq.sizes", embedding + "," + encoderHidden + "," + decoderHidden + "," + attentionSize);
        return m;
    }

    /** The model a checkpoint's metadata describes (weights not loaded). */
    public static Seq2Seq fromMetadata(Map<String, String> m) {
        return fromMetadata(m, Long.MAX_VALUE);
    }

    /**
     * As {@link #fromMetadata(Map)}, refused before anything is allocated when the sizes the
     * metadata gives describe another number of parameters than {@code storedValues} (the values
     * of the file's tensors, pass their count): forged sizes in a small file must not make the
     * model ask for gigabytes.
     *
     * @throws IllegalArgumentException naming the entry that is missing or malformed, or the two counts
     */
    public static Seq2Seq fromMetadata(Map<String, String> m, long storedValues) {
        String sizes = m.get("vecgrad.seq2seq.sizes");
        if (!"seq2seq".equals(m.get("vecgrad.model")) || sizes == null || m.get("vecgrad.seq2seq.source") == null
                || m.get("vecgrad.seq2seq.target") == null) {
            throw new IllegalArgumentException("the checkpoint is not a seq2seq model (its metadata lacks vecgrad.seq2seq.*)");
        }
        String[] parts = sizes.split(",", -1);
        int[] s = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                s[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                s[i] = 0;
            }
            if (s[i] < 1) {
                s = null;
                break;
            }
        }
        if (s == null || s.length != 4) {
            throw new IllegalArgumentException("vecgrad.seq2seq.sizes '" + sizes + "' is not four positive whole numbers (embedding, encoder "
                    + "hidden, decoder hidden, attention)");
        }
        Vocabulary source = new Vocabulary(m.get("vecgrad.seq2seq.source"));
        Vocabulary target = new Vocabulary(m.get("vecgrad.seq2seq.target"));
        long count = stateCount(source.size(), target.size(), s[0], s[1], s[2], s[3]);
        if (storedValues != Long.MAX_VALUE && count != storedValues) {
            throw new IllegalArgumentException("vecgrad.seq2seq.sizes '" + sizes + "' describe "
                    + (count == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(count)) + " parameters, the file's tensors hold "
                    + storedValues + " values: metadata and weights disagree");
        }
        return new Seq2Seq(source, target, s[0], s[1], s[2], s[3], new Random(0));
    }

    /**
     * The parameters of a Seq2Seq of these vocabulary sizes (specials included) and sizes, computed
     * without building it; Long.MAX_VALUE when that overflows.
     */
    static long stateCount(long vs, long vt, long e, long he, long hd, long a) {
        try {
            long gru = 2 * (3 * he * e + 3 * he * he + 6 * he);   // bidirectional, one layer, both biases
            long cell = 3 * hd * (e + 2 * he) + 3 * hd * hd + 6 * hd;
            long[] terms = {Math.multiplyExact(vs, e), gru, 2 * he * hd + hd, Math.multiplyExact(vt, e), cell, hd * a, 2 * he * a, a,
                    Math.multiplyExact(hd + 2 * he, vt) + vt};
            long n = 0;
            for (long t : terms) {
                n = Math.addExact(n, t);
            }
            return n;
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    protected String extraRepr() {
        return "characters " + source.size() + " -> " + target.size();
    }
}
