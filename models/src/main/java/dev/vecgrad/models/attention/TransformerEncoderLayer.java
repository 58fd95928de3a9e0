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
 * One Transformer encoder layer, as {@code torch.nn.TransformerEncoderLayer(d_model, nhead,
 * dim_feedforward, dropout, activation, batch_first=..., norm_first=...)}: self-attention and a
 * two-layer feed-forward block, each with a residual connection and a LayerNorm, after the block
 * (post-norm, PyTorch's default) or before it ({@code normFirst}). The parameters have PyTorch's
 * names ({@code self_attn.in_proj_weight}, {@code linear1.weight}, {@code norm1.weight}, ...), so
 * state dicts load both ways. Dropout (after the attention, inside and after the feed-forward
 * block) acts in training mode only; its masks come from vecgrad's own generator, not PyTorch's.
 */
public final class TransformerEncoderLayer extends Module {

    public final MultiheadAttention selfAttn;
    public final Linear linear1;
    public final Linear linear2;
    public final LayerNorm norm1;
    public final LayerNorm norm2;
    public final boolean normFirst;
    private final String activation;
    private final Dropout dropout;
    private final Dropout dropout1;
    private final Dropout dropout2;

    /** {@code nn.TransformerEncoderLayer(dModel, nhead)}: feed-forward 2048, dropout 0.1, relu, sequence first, post-norm. */
    public TransformerEncoderLayer(int dModel, int nhead, Random rng) {
        this(dModel, nhead, 2048, 0.1, "relu", false, false, DType.F32, rng);
    }

    /**
     * Every setting: {@code activation} "relu" or "gelu"; {@code batchFirst} takes [N, T, E]
     * instead of [T, N, E]; {@code normFirst} puts each LayerNorm before its block.
     */
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward, double dropout, String activation, boolean batchFirst,
                                   boolean normFirst, DType dtype, Random rng) {
        checkSettings("TransformerEncoderLayer", activation, dimFeedforward);
        this.selfAttn = register("self_attn", new MultiheadAttention(dModel, nhead, true, batchFirst, dtype, rng));
        this.linear1 = register("linear1", new Linear(dModel, dimFeedforward, true, dtype, rng));
        this.dropout = register("dropout", new Dropout(dropout, new Seeds.Generator(rng.nextLong())));
        this.linear2 = register("linear2", new Linear(dimFeedforward, dModel, true, dtype, rng));
        this.norm1 = register("norm1", new LayerNorm(dModel, 1e-5, dtype));
        this.norm2 = register("norm2", new LayerNorm(dModel, 1e-5, dtype));
        this.dropout1 = register("dropout1", new Dropout(dropout, new Seeds.Generator(rng.nextLong())));
        this.dropout2 = register("dropout2", new Dropout(dropout, new Seeds.Generator(rng.nextLong())));
        this.normFirst = normFirst;
        this.activation = activation;
    }

    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null, null);
    }

    /**
     * {@code layer(src, src_mask, src_key_padding_mask)}: masks as {@link MultiheadAttention}'s,
     * 0/1 with 1 masked out ({@code srcMask} [T, T], {@code keyPaddingMask} [N, T]), or null.
     */
    public Tensor forward(Tensor src, Tensor srcMask, Tensor keyPaddingMask) {
        Tensor x = src;
        if (normFirst) {
            x = x.add(attention(norm1.forward(x), srcMask, keyPaddingMask));
            return x.add(feedForward(norm2.forward(x)));
        }
        x = norm1.forward(x.add(attention(x, srcMask, keyPaddingMask)));
        return norm2.forward(x.add(feedForward(x)));
    }

    private Tensor attention(Tensor x, Tensor mask, Tensor padding) {
        return dropout1.forward(selfAttn.forward(x, x, x, padding, mask, false).output());
    }

    private Tensor feedForward(Tensor x) {
        return dropout2.forward(feedForward(x, linear1, activation, dropout, linear2));
    }

    /** The settings both layers check: the activation, relu or gelu, and a feed-forward width of at least 1. */
    static void checkSettings(String layer, String activation, int dimFeedforward) {
        if (!activation.equals("relu") && !activation.equals("gelu")) {
            throw new IllegalArgumentException(layer + ": activation must be relu or gelu, got '" + activation + "'");
        }
        if (dimFeedforward < 1) {
            throw new IllegalArgumentException(layer + ": dim_feedforward must be >= 1, got " + dimFeedforward);
        }
    }

    /** The feed-forward block both layers share: linear2(dropout(activation(linear1(x)))). */
    static Tensor feedForward(Tensor x, Linear linear1, String activation, Dropout dropout, Linear linear2) {
        Tensor h = linear1.forward(x);
        h = activation.equals("relu") ? h.relu() : h.gelu();
        return linear2.forward(dropout.forward(h));
    }
}
