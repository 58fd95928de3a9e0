package dev.vecgrad.models.attention;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Init;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.norm.LayerNorm;
import java.util.Random;

/**
 * The whole encoder-decoder, as {@code torch.nn.Transformer(d_model, nhead, num_encoder_layers,
 * num_decoder_layers, dim_feedforward, dropout, activation, batch_first=..., norm_first=...)}: an
 * encoder and a decoder stack, each ending in a LayerNorm, with PyTorch's names ({@code
 * encoder.layers.0.self_attn.in_proj_weight}, ..., {@code decoder.norm.bias}) and its
 * initialization (Xavier-uniform on every parameter of more than one dimension). Masks are 0/1
 * with 1 masked out: {@link #squareSubsequentMask} is {@code generate_square_subsequent_mask} in
 * that form.
 */
public final class Transformer extends Module {

    public final TransformerEncoder encoder;
    public final TransformerDecoder decoder;
    public final int dModel;

    /** {@code nn.Transformer(dModel, nhead)} with PyTorch's defaults: 6 + 6 layers, feed-forward 2048, dropout 0.1, relu. */
    public Transformer(int dModel, int nhead, Random rng) {
        this(dModel, nhead, 6, 6, 2048, 0.1, "relu", false, false, DType.F32, rng);
    }

    /** Every setting, as the layers' ({@link TransformerEncoderLayer}). */
    public Transformer(int dModel, int nhead, int numEncoderLayers, int numDecoderLayers, int dimFeedforward, double dropout,
                       String activation, boolean batchFirst, boolean normFirst, DType dtype, Random rng) {
        this.dModel = dModel;
        this.encoder = register("encoder", new TransformerEncoder(i -> new TransformerEncoderLayer(dModel, nhead, dimFeedforward, dropout,
                activation, batchFirst, normFirst, dtype, rng), numEncoderLayers, new LayerNorm(dModel, 1e-5, dtype)));
        this.decoder = register("decoder", new TransformerDecoder(i -> new TransformerDecoderLayer(dModel, nhead, dimFeedforward, dropout,
                activation, batchFirst, normFirst, dtype, rng), numDecoderLayers, new LayerNorm(dModel, 1e-5, dtype)));
        for (Tensor p : parameters()) {   // as nn.Transformer._reset_parameters
            if (p.dim() > 1) {
                Init.xavierUniform(p, 1, rng);
            }
        }
    }

    /** A Transformer maps a source and a target: see {@link #forward(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor)}. */
    @Override
    public Tensor forward(Tensor src) {
        throw new UnsupportedOperationException("Transformer: call forward(src, tgt, ...) with a source and a target");
    }

    /** {@code transformer(src, tgt, src_mask, tgt_mask, memory_mask, src_key_padding_mask, tgt_key_padding_mask, memory_key_padding_mask)}. */
    public Tensor forward(Tensor src, Tensor tgt, Tensor srcMask, Tensor tgtMask, Tensor memoryMask, Tensor srcKeyPaddingMask,
                          Tensor tgtKeyPaddingMask, Tensor memoryKeyPaddingMask) {
        Tensor memory = encoder.forward(src, srcMask, srcKeyPaddingMask);
        return decoder.forward(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
    }

    /** A causal mask [size, size]: 1 above the diagonal (masked out), 0 elsewhere; PyTorch's has -inf and 0. */
    public static Tensor squareSubsequentMask(int size, DType dtype) {
        double[] m = new double[size * size];
        for (int i = 0; i < size; i++) {
            for (int j = i + 1; j < size; j++) {
                m[i * size + j] = 1;
            }
        }
        return Tensor.of(m, size, size).to(dtype);
    }
}
