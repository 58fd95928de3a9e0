package dev.vecgrad.models.attention;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.Sequential;
import dev.vecgrad.models.norm.LayerNorm;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A stack of decoder layers, as {@code torch.nn.TransformerDecoder(decoder_layer, num_layers,
 * norm)}: PyTorch's names ({@code layers.0.self_attn.in_proj_weight}, ..., {@code norm.weight});
 * {@code layer} makes each layer (PyTorch deep-copies one, see {@link TransformerEncoder}).
 */
public final class TransformerDecoder extends Module {

    private final List<TransformerDecoderLayer> layers = new ArrayList<>();
    public final LayerNorm norm;

    /**
     * @param layer makes layer i (0-based) of {@code numLayers}
     * @param norm the final LayerNorm, or null for none
     */
    public TransformerDecoder(IntFunction<TransformerDecoderLayer> layer, int numLayers, LayerNorm norm) {
        if (numLayers < 1) {
            throw new IllegalArgumentException("TransformerDecoder: num_layers must be >= 1, got " + numLayers);
        }
        Sequential stack = register("layers", new Sequential());
        for (int i = 0; i < numLayers; i++) {
            TransformerDecoderLayer l = layer.apply(i);
            stack.add(l);
            layers.add(l);
        }
        this.norm = norm == null ? null : register("norm", norm);
    }

    /** The layers, in order. */
    public List<TransformerDecoderLayer> layers() {
        return List.copyOf(layers);
    }

    /** The decoder needs the encoder's output: see {@link #forward(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor)}. */
    @Override
    public Tensor forward(Tensor tgt) {
        throw new UnsupportedOperationException("TransformerDecoder: call forward(tgt, memory, ...) with the encoder's output");
    }

    /** {@code decoder(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask)}, masks 0/1 with 1 masked out. */
    public Tensor forward(Tensor tgt, Tensor memory, Tensor tgtMask, Tensor memoryMask, Tensor tgtKeyPaddingMask,
                          Tensor memoryKeyPaddingMask) {
        Tensor x = tgt;
        for (TransformerDecoderLayer l : layers) {
            x = l.forward(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
        }
        return norm == null ? x : norm.forward(x);
    }
}
