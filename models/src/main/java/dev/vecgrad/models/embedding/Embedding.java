package dev.vecgrad.models.embedding;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Init;
import dev.vecgrad.models.Module;
import java.util.Random;

/**
 * A lookup table, as {@code torch.nn.Embedding}: {@code weight} [numEmbeddings, embeddingDim]
 * initialized N(0, 1), the padding row (if any) zeros; input whole-number indices of any shape
 * (in a float tensor: vecgrad has no integer dtype), output [indices..., embeddingDim]. Repeated
 * indices add up their gradients; the padding row gets none.
 */
public final class Embedding extends Module {

    public final int numEmbeddings;
    public final int embeddingDim;
    /** The row that gets no gradient, or -1 for none. */
    public final int paddingIdx;
    public final Tensor weight;

    public Embedding(int numEmbeddings, int embeddingDim, Random rng) {
        this(numEmbeddings, embeddingDim, null, DType.F32, rng);
    }

    /** @param paddingIdx the padding row (negative counts from the end, as in PyTorch), or null for none */
    public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx, DType dtype, Random rng) {
        if (numEmbeddings < 1 || embeddingDim < 1) {
            throw new IllegalArgumentException("Embedding: numEmbeddings and embeddingDim must be >= 1, got " + numEmbeddings + " and "
                    + embeddingDim);
        }
        if (paddingIdx != null && (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)) {
            throw new IllegalArgumentException("Embedding: paddingIdx " + paddingIdx + " is out of range for " + numEmbeddings + " rows");
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = paddingIdx == null ? -1 : paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
        Tensor w = Init.normal(Tensor.zeros(dtype, numEmbeddings, embeddingDim), 1, rng);
        if (this.paddingIdx >= 0) {
            double[] v = w.toDoubleArray();
            java.util.Arrays.fill(v, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim, 0);
            w.copyFrom(Tensor.of(v, numEmbeddings, embeddingDim));
        }
        this.weight = registerParameter("weight", w);
    }

    @Override
    public Tensor forward(Tensor indices) {
        return paddingIdx >= 0 ? Tensor.embedding(indices, weight, paddingIdx) : Tensor.embedding(indices, weight);
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx >= 0 ? ", padding_idx=" + paddingIdx : "");
    }
}
