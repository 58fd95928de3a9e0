package dev.vecgrad.models.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.ReferenceText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * MultiheadAttention and TransformerEncoderLayer against PyTorch 1.13's nn.MultiheadAttention and
 * nn.TransformerEncoderLayer in float64 (attention_reference.py): the same weights loaded by name
 * (strict), the same inputs and masks, then the outputs, the head-averaged weights and every
 * gradient compared; self- and cross-attention, key padding, a causal mask, batch first, no bias,
 * post-norm with relu and norm-first with gelu, a TransformerEncoder of two layers and a final norm, TransformerDecoderLayer with a causal target
 * mask and memory padding, and a whole Transformer.
 */
class AttentionReferenceTest {

    private record Case(String name, Map<String, String> config, Map<String, Tensor> params, Map<String, Tensor> inputs,
                        Map<String, Tensor> masks, Map<String, Tensor> outputs, Map<String, Tensor> grads) {}

    @Test
    void everyCaseAgreesWithPyTorchInValueAndGradient() throws Exception {
        List<Case> cases = load();
        assertEquals(9, cases.size());
        for (Case c : cases) {
            int e = Integer.parseInt(c.config().get("embed"));
            int heads = Integer.parseInt(c.config().get("heads"));
            boolean batchFirst = c.config().get("batch_first").equals("1");
            Map<String, Tensor> in = new LinkedHashMap<>();
            c.inputs().forEach((k, v) -> in.put(k, v.requiresGrad(true)));
            Tensor q = in.get("query");
            Map<String, Tensor> got = new LinkedHashMap<>();
            dev.vecgrad.models.Module m;
            if (c.name().startsWith("transformer")) {
                Transformer t = new Transformer(e, heads, Integer.parseInt(c.config().get("encoder_layers")),
                        Integer.parseInt(c.config().get("decoder_layers")), Integer.parseInt(c.config().get("feedforward")), 0, "relu", false,
                        false, DType.F64, new Random(0));
                t.loadStateDict(c.params());
                Tensor padding = c.masks().get("key_padding_mask");
                got.put("output", t.forward(q, in.get("target"), null, c.masks().get("attn_mask"), null, padding, null, padding));
                m = t;
            } else if (c.name().startsWith("decoder")) {
                TransformerDecoderLayer layer = new TransformerDecoderLayer(e, heads, Integer.parseInt(c.config().get("feedforward")), 0,
                        c.config().get("activation"), batchFirst, c.config().get("norm_first").equals("1"), DType.F64, new Random(0));
                layer.loadStateDict(c.params());
                got.put("output", layer.forward(q, in.get("memory"), c.masks().get("attn_mask"), null, null,
                        c.masks().get("memory_key_padding_mask")));
                m = layer;
            } else if (c.name().startsWith("stack")) {
                int ff = Integer.parseInt(c.config().get("feedforward"));
                TransformerEncoder encoder = new TransformerEncoder(i -> new TransformerEncoderLayer(e, heads, ff, 0, "relu", false, false,
                        DType.F64, new Random(i)), Integer.parseInt(c.config().get("layers")),
                        new dev.vecgrad.models.norm.LayerNorm(e, 1e-5, DType.F64));
                encoder.loadStateDict(c.params());
                got.put("output", encoder.forward(q, c.masks().get("attn_mask"), null));
                m = encoder;
            } else if (c.name().startsWith("encoder")) {
                TransformerEncoderLayer layer = new TransformerEncoderLayer(e, heads, Integer.parseInt(c.config().get("feedforward")), 0,
                        c.config().get("activation"), batchFirst, c.config().get("norm_first").equals("1"), DType.F64, new Random(0));
                layer.loadStateDict(c.params());
                got.put("output", layer.forward(q, c.masks().get("attn_mask"), c.masks().get("key_padding_mask")));
                m = layer;
            } else {
                MultiheadAttention mha = new MultiheadAttention(e, heads, c.config().get("bias").equals("1"), batchFirst, DType.F64,
                        new Random(0));
                mha.loadStateDict(c.params());
                Tensor k = in.getOrDefault("key", q);
                Tensor v = in.getOrDefault("value", q);
                boolean needWeights = c.config().get("need_weights").equals("1");
                MultiheadAttention.Output o = mha.forward(q, k, v, c.masks().get("key_padding_mask"), c.masks().get("attn_mask"),
                        needWeights);
                got.put("output", o.output());
                if (needWeights) {
                    got.put("weights", o.weights());
                }
                m = mha;
            }
            ReferenceText.compare(c.name(), c.outputs(), got, c.grads(), m.namedParameters(), in, 1e-12);
        }
    }

    /** nn.Transformer's init: Xavier-uniform on every parameter of more than one dimension; and its causal mask as 0/1. */
    @Test
    void aTransformerStartsAsPyTorchsDoes() {
        Transformer t = new Transformer(8, 2, 1, 1, 16, 0, "relu", false, false, DType.F64, new Random(0));
        Tensor w = t.stateDict().get("encoder.layers.0.linear1.weight");   // [16, 8]: Linear's own bound 1/sqrt(8) replaced
        double bound = Math.sqrt(6.0 / (16 + 8));
        assertEquals(true, Arrays.stream(w.toDoubleArray()).allMatch(x -> Math.abs(x) <= bound));
        assertEquals(true, Arrays.stream(w.toDoubleArray()).anyMatch(x -> Math.abs(x) > 0.8 * bound), "spread over the Xavier range");
        assertArrayEquals(new double[] {0, 1, 1, 0, 0, 1, 0, 0, 0}, Transformer.squareSubsequentMask(3, DType.F64).toDoubleArray(), 0);
        assertEquals(List.of("decoder.norm.weight", "decoder.norm.bias"), t.stateDict().keySet().stream()
                .filter(k -> k.startsWith("decoder.norm")).toList());
    }

    @Test
    void parametersAreNamedAndShapedAsPyTorchsAndBadInputsAreNamed() {
        MultiheadAttention m = new MultiheadAttention(8, 2, new Random(0));
        Map<String, Tensor> s = m.stateDict();
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"), new ArrayList<>(s.keySet()));
        assertArrayEquals(new int[] {24, 8}, s.get("in_proj_weight").shape());
        assertEquals(0, Arrays.stream(s.get("in_proj_bias").toDoubleArray()).map(Math::abs).sum(), "biases start at 0");
        assertEquals(0, Arrays.stream(s.get("out_proj.bias").toDoubleArray()).map(Math::abs).sum());
        double bound = Math.sqrt(6.0 / (8 + 24));   // Xavier-uniform over [3E, E]
        assertEquals(true, Arrays.stream(s.get("in_proj_weight").toDoubleArray()).allMatch(x -> Math.abs(x) <= bound));
        assertArrayEquals(new int[] {5, 3, 8}, m.forward(Tensor.zeros(5, 3, 8)).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MultiheadAttention(6, 4, new Random(0)));
        assertEquals("MultiheadAttention: embed_dim 6 must be divisible by num_heads 4 (both >= 1)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(5, 3, 7)));
        assertThrows(IllegalArgumentException.class,
                () -> m.forward(Tensor.zeros(5, 3, 8), Tensor.zeros(4, 3, 8), Tensor.zeros(4, 3, 8), Tensor.zeros(3, 5), null, false));
    }


    private static List<Case> load() throws Exception {
        return ReferenceText.cases("/attention_reference.txt").stream().map(c -> new Case(c.name(), c.config(), c.section("param"),
                c.section("in"), c.section("mask"), c.section("out"), c.section("grad"))).toList();
    }
}
