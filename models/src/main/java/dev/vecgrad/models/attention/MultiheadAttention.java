package dev.vecgrad.models.attention;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Init;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.linear.Linear;
import java.util.Random;

/**
 * Multi-head attention, as {@code torch.nn.MultiheadAttention(embed_dim, num_heads)}: the same
 * parameters by the same names and shapes ({@code in_proj_weight} [3E, E], {@code in_proj_bias}
 * [3E], {@code out_proj.weight} [E, E], {@code out_proj.bias} [E]), so state dicts load both ways,
 * and the same initialization (Xavier-uniform in-projection, zero biases). The query, key and
 * value are projected, split into {@code numHeads} heads of E / numHeads, attended with scaled
 * dot products, joined and projected out.
 *
 * <p>Inputs are [L, N, E] (query) and [S, N, E] (key, value), or [N, L, E] with {@code
 * batchFirst}. As in PyTorch, {@code keyPaddingMask} [N, S] and {@code attnMask} [L, S] are masks
 * of what may NOT be attended to: 1 (PyTorch's {@code True}) masks a key out, 0 keeps it; vecgrad
 * has no bool dtype, so they are 0/1 tensors. Where we differ: no dropout on the attention weights
 * (PyTorch's default is 0 too), and the key and value have the query's width ({@code kdim} and
 * {@code vdim} equal to E, PyTorch's default).
 */
public final class MultiheadAttention extends Module {

    public final int embedDim;
    public final int numHeads;
    public final boolean batchFirst;
    public final Tensor inProjWeight;
    public final Tensor inProjBias;
    public final Linear outProj;

    /** The output, [L, N, E] (or [N, L, E] with batchFirst), and the attention weights averaged over the heads, [N, L, S], or null. */
    public record Output(Tensor output, Tensor weights) {}

    /** {@code nn.MultiheadAttention(embedDim, numHeads)}: bias, float32, sequence first. */
    public MultiheadAttention(int embedDim, int numHeads, Random rng) {
        this(embedDim, numHeads, true, false, DType.F32, rng);
    }

    /** {@code nn.MultiheadAttention(embedDim, numHeads, bias=bias, batch_first=batchFirst, dtype=dtype)}. */
    public MultiheadAttention(int embedDim, int numHeads, boolean bias, boolean batchFirst, DType dtype, Random rng) {
        if (embedDim < 1 || numHeads < 1 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiheadAttention: embed_dim " + embedDim + " must be divisible by num_heads " + numHeads
                    + " (both >= 1)");
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.batchFirst = batchFirst;
        this.inProjWeight = registerParameter("in_proj_weight", Init.xavierUniform(Tensor.zeros(dtype, 3 * embedDim, embedDim), 1, rng));
        this.inProjBias = bias ? registerParameter("in_proj_bias", Tensor.zeros(dtype, 3 * embedDim)) : null;
        this.outProj = register("out_proj", new Linear(embedDim, embedDim, bias, dtype, rng));
        if (bias) {
            outProj.bias.copyFrom(Tensor.zeros(dtype, embedDim));   // PyTorch zeroes it after Linear's init
        }
    }

    /** Self-attention with no masks: {@code forward(x, x, x, null, null, false).output()}. */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, x, x, null, null, false).output();
    }

    /**
     * {@code attn(query, key, value, key_padding_mask, need_weights, attn_mask)}.
     *
     * @param keyPaddingMask [N, S], 1 where a key is padding (masked out), or null
     * @param attnMask [L, S], 1 where query i may not attend to key j (a causal mask has 1s above the diagonal), or null
     * @param needWeights whether to return the attention weights averaged over the heads
     */
    public Output forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, Tensor attnMask, boolean needWeights) {
        Tensor q0 = batchFirst ? query.transpose(0, 1) : query;
        Tensor k0 = batchFirst ? key.transpose(0, 1) : key;
        Tensor v0 = batchFirst ? value.transpose(0, 1) : value;
        if (q0.dim() != 3 || k0.dim() != 3 || v0.dim() != 3 || q0.size(2) != embedDim || k0.size(2) != embedDim
                || v0.size(2) != embedDim || k0.size(0) != v0.size(0) || q0.size(1) != k0.size(1) || k0.size(1) != v0.size(1)) {
            throw new IllegalArgumentException("MultiheadAttention(" + embedDim + ", " + numHeads + "): query [L, N, E], key and value"
                    + " [S, N, E]" + (batchFirst ? " (batch first: [N, L, E], [N, S, E])" : "") + " with E " + embedDim + " expected, got "
                    + java.util.Arrays.toString(query.shape()) + ", " + java.util.Arrays.toString(key.shape()) + ", "
                    + java.util.Arrays.toString(value.shape()));
        }
        int l = q0.size(0);
        int n = q0.size(1);
        int s = k0.size(0);
        int d = embedDim / numHeads;
        Tensor q = heads(project(q0, 0), l, n, d);   // [N H, L, d]
        Tensor k = heads(project(k0, 1), s, n, d);
        Tensor v = heads(project(v0, 2), s, n, d);
        Tensor scores = q.matmul(k.transpose(1, 2)).mul(1 / Math.sqrt(d));   // [N H, L, S]
        if (attnMask != null) {
            requireShape("attnMask", attnMask, l, s);
            scores = scores.maskedFill(attnMask.ne(0), Double.NEGATIVE_INFINITY);
        }
        if (keyPaddingMask != null) {
            requireShape("keyPaddingMask", keyPaddingMask, n, s);
            Tensor perHead = keyPaddingMask.ne(0).reshape(n, 1, 1, s).expand(n, numHeads, 1, s).reshape(n * numHeads, 1, s);
            scores = scores.maskedFill(perHead, Double.NEGATIVE_INFINITY);
        }
        Tensor weights = scores.softmax(-1);
        Tensor joined = weights.matmul(v).transpose(0, 1).reshape(l, n, embedDim);   // [L, N, E]
        Tensor out = outProj.forward(joined);
        return new Output(batchFirst ? out.transpose(0, 1) : out,
                needWeights ? weights.reshape(n, numHeads, l, s).mean(1, false) : null);
    }

    /** The i-th of the query, key and value projections of x [T, N, E]. */
    private Tensor project(Tensor x, int i) {
        Tensor w = inProjWeight.slice(0, i * embedDim, (i + 1) * embedDim);
        Tensor y = x.matmul(w.t());
        return inProjBias == null ? y : y.add(inProjBias.slice(0, i * embedDim, (i + 1) * embedDim));
    }

    /** [T, N, E] -> [N heads, T, d]. */
    private Tensor heads(Tensor x, int t, int n, int d) {
        return x.reshape(t, n * numHeads, d).transpose(0, 1);
    }

    private static void requireShape(String name, Tensor mask, int rows, int cols) {
        if (mask.dim() != 2 || mask.size(0) != rows || mask.size(1) != cols) {
            throw new IllegalArgumentException("MultiheadAttention: " + name + " must be [" + rows + ", " + cols + "], got "
                    + java.util.Arrays.toString(mask.shape()));
        }
    }

    @Override
    protected String extraRepr() {
        return "embed_dim=" + embedDim + ", num_heads=" + numHeads + (batchFirst ? ", batch_first=True" : "");
    }
}
