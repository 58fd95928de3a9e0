package dev.vecgrad.models.attention;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.linear.Linear;
import java.util.Random;

/**
 * Additive (Bahdanau) attention, the course's: score(q, k) = v^T tanh(W_q q + W_k k), softmax over
 * the keys that are not padding, and the context as the weighted sum of the keys. Its parameters
 * are {@code query.weight} [A, Dq], {@code key.weight} [A, Dk] and {@code v.weight} [1, A] (Linear
 * layers without bias), the names {@code zoo.Seq2Seq} gives them under {@code attention}. The key
 * projections do not depend on the query, so a decoder computes them once per source ({@link
 * #projectKeys}) and attends at every step.
 */
public final class AdditiveAttention extends Module {

    public final Linear query;
    public final Linear key;
    public final Linear v;

    /** Attention weights [B, S] and the context [B, Dk]. */
    public record Output(Tensor weights, Tensor context) {}

    /**
     * @param queryDim the query's width Dq (the decoder state)
     * @param keyDim the keys' width Dk (the encoder outputs)
     * @param attentionDim the width A of the space scores are taken in
     */
    public AdditiveAttention(int queryDim, int keyDim, int attentionDim, DType dtype, Random rng) {
        this.query = register("query", new Linear(queryDim, attentionDim, false, dtype, rng));
        this.key = register("key", new Linear(keyDim, attentionDim, false, dtype, rng));
        this.v = register("v", new Linear(attentionDim, 1, false, dtype, rng));
    }

    /** W_k k for keys [B, S, Dk]: [B, S, A]. */
    public Tensor projectKeys(Tensor keys) {
        return key.forward(keys);
    }

    /**
     * Attends from q [B, Dq] over keys [B, S, Dk] whose projections ({@link #projectKeys}) are given.
     * {@code padding} [B, S] is 1 where a key is padding (or null): its score is set to -1e9 rather
     * than -infinity, so that a row of padding alone gives uniform weights, not NaN.
     */
    public Output attend(Tensor q, Tensor keys, Tensor projectedKeys, Tensor padding) {
        Tensor scores = v.forward(projectedKeys.add(query.forward(q).unsqueeze(1)).tanh()).squeeze(-1);
        Tensor weights = (padding == null ? scores : scores.maskedFill(padding, -1e9)).softmax(-1);
        Tensor context = weights.unsqueeze(1).matmul(keys).squeeze(1);
        return new Output(weights, context);
    }

    /** Attention needs a query and keys: see {@link #attend}. */
    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("AdditiveAttention: call attend(query, keys, projectKeys(keys), padding)");
    }
}
