package dev.vecgrad.models.attention;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.Sequential;
import dev.vecgrad.models.norm.LayerNorm;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A stack of encoder layers, as {@code torch.nn.TransformerEncoder(encoder_layer, num_layers,
 * norm)}: the layers run in order with the same masks, then the optional final LayerNorm. The
 * parameters have PyTorch's names ({@code layers.0.self_attn.in_proj_weight}, ..., {@code
 * norm.weight}). PyTorch deep-copies one layer {@code num_layers} times, so every layer starts with
 * the same weights; here {@code layer} makes each one (give it the same seed to match, or
 * different ones), since a Java module has no copy.
 */
public final class TransformerEncoder extends Module {

    private final List<TransformerEncoderLayer> layers = new ArrayList<>();
    public final LayerNorm norm;

    /**
     * @param layer makes layer i (0-based) of {@code numLayers}
     * @param norm the final LayerNorm, or null for none
     */
    public TransformerEncoder(IntFunction<TransformerEncoderLayer> layer, int numLayers, LayerNorm norm) {
        if (numLayers < 1) {
            throw new IllegalArgumentException("TransformerEncoder: num_layers must be >= 1, got " + numLayers);
        }
        Sequential stack = register("layers", new Sequential());
        for (int i = 0; i < numLayers; i++) {
            TransformerEncoderLayer l = layer.apply(i);
            stack.add(l);
            layers.add(l);
        }
        this.norm = norm == null ? null : register("norm", norm);
    }

    /** The layers, in order. */
    public List<TransformerEncoderLayer> layers() {
        return List.copyOf(layers);
    }

    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null, null);
    }

    /** {@code encoder(src, mask, src_key_padding_mask)}: the masks as {@link TransformerEncoderLayer#forward(Tensor, Tensor, Tensor)}'s. */
    public Tensor forward(Tensor src, Tensor mask, Tensor keyPaddingMask) {
        Tensor x = src;
        for (TransformerEncoderLayer l : layers) {
            x = l.forward(x, mask, keyPaddingMask);
        }
        return norm == null ? x : norm.forward(x);
    }
}
