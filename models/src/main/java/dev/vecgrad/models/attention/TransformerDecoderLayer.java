package dev.vecgrad.models.attention;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.data.Seeds;
import dev.vecgrad.models.dropout.Dropout;
import dev.vecgrad.models.linear.Linear;
import dev.vecgrad.models.norm.LayerNorm;
import java.util.Random;

/**
 * One Transformer decoder layer, as {@code torch.nn.TransformerDecoderLayer(d_model, nhead,
 * dim_feedforward, dropout, activation, batch_first=..., norm_first=...)}: masked self-attention,
 * attention over the encoder's output (the memory), and a feed-forward block, each with a residual
 * connection and a LayerNorm after it (post-norm, PyTorch's default) or before it ({@code
 * normFirst}). PyTorch's parameter names ({@code self_attn.*}, {@code multihead_attn.*}, {@code
 * linear1}, {@code linear2}, {@code norm1} to {@code norm3}); dropout in training mode only, from
 * vecgrad's own generator.
 */
public final class TransformerDecoderLayer extends Module {

    public final MultiheadAttention selfAttn;
    public final MultiheadAttention multiheadAttn;
    public final Linear linear1;
    public final Linear linear2;
    public final LayerNorm norm1;
    public final LayerNorm norm2;
    public final LayerNorm norm3;
    public final boolean normFirst;
    private final String activation;
    private final Dropout dropout;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Dropout dropout3;

    /** {@code nn.TransformerDecoderLayer(dModel, nhead)}: feed-forward 2048, dropout 0.1, relu, sequence first, post-norm. */
    public TransformerDecoderLayer(int dModel, int nhead, Random rng) {
        this(dModel, nhead, 2048, 0.1, "relu", false, false, DType.F32, rng);
    }

    /** Every setting, as {@link TransformerEncoderLayer}'s. */
    public TransformerDecoderLayer(int dModel, int nhead, int dimFeedforward, double dropout, String activation, boolean batchFirst,
                                   boolean normFirst, DType dtype, Random rng) {
        TransformerEncoderLayer.checkSettings("TransformerDecoderLayer", activation, dimFeedforward);
        this.selfAttn = register("self_attn", new MultiheadAttention(dModel, nhead, true, batchFirst, dtype, rng));
        this.multiheadAttn = register("multihead_attn", new MultiheadAttention(dModel, nhead, true, batchFirst, dtype, rng));
        this.linear1 = register("linear1", new Linear(dModel, dimFeedforward, true, dtype, rng));
        this.dropout = register("dropout", new Dropout(dropout, new Seeds.Generator(rng.nextLong())));
        this.linear2 = register("linear2", new Linear(dimFeedforward, dModel, true, dtype, rng));
        this.norm1 = register("norm1", new LayerNorm(dModel, 1e-5, dtype));
        this.norm2 = register("norm2", new LayerNorm(dModel, 1e-5, dtype));
        this.norm3 = register("norm3", new LayerNorm(dModel, 1e-5, dtype));
        this.dropout1 = register("dropout1", new Dropout(dropout, new Seeds.Generator(rng.nextLong())));
        this.dropout2 = register("dropout2", new Dropout(dropout, new Seeds.Generator(rng.nextLong())));
        this.dropout3 = register("dropout3", new Dropout(dropout, new Seeds.Generator(rng.nextLong())));
        this.normFirst = normFirst;
        this.activation = activation;
    }

    /** The decoder layer needs the encoder's output: see {@link #forward(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor)}. */
    @Override
    public Tensor forward(Tensor tgt) {
        throw new UnsupportedOperationException("TransformerDecoderLayer: call forward(tgt, memory, ...) with the encoder's output");
    }

    /**
     * {@code layer(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask,
     * memory_key_padding_mask)}: the masks 0/1 with 1 masked out, or null. A causal {@code tgtMask}
     * [T, T] has 1s above the diagonal.
     */
    public Tensor forward(Tensor tgt, Tensor memory, Tensor tgtMask, Tensor memoryMask, Tensor tgtKeyPaddingMask,
                          Tensor memoryKeyPaddingMask) {
        Tensor x = tgt;
        if (normFirst) {
            x = x.add(selfBlock(norm1.forward(x), tgtMask, tgtKeyPaddingMask));
            x = x.add(memoryBlock(norm2.forward(x), memory, memoryMask, memoryKeyPaddingMask));
            return x.add(feedForward(norm3.forward(x)));
        }
        x = norm1.forward(x.add(selfBlock(x, tgtMask, tgtKeyPaddingMask)));
        x = norm2.forward(x.add(memoryBlock(x, memory, memoryMask, memoryKeyPaddingMask)));
        return norm3.forward(x.add(feedForward(x)));
    }

    private Tensor selfBlock(Tensor x, Tensor mask, Tensor padding) {
        return dropout1.forward(selfAttn.forward(x, x, x, padding, mask, false).output());
    }

    private Tensor memoryBlock(Tensor x, Tensor memory, Tensor mask, Tensor padding) {
        return dropout2.forward(multiheadAttn.forward(x, memory, memory, padding, mask, false).output());
    }

    private Tensor feedForward(Tensor x) {
        return dropout3.forward(TransformerEncoderLayer.feedForward(x, linear1, activation, dropout, linear2));
    }
}
