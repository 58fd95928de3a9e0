package dev.vecgrad.models;

import dev.vecgrad.autograd.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

/**
 * The committed PyTorch reference files (rnn_reference.txt, unet_reference.txt): lines of
 * {@code kind name [d0 d1 ...] v0 v1 ...}, '#' lines and blank ones skipped.
 */
public final class ReferenceText {

    private ReferenceText() {}

    /** The resource's lines that carry data, each split into kind, name and the rest. */
    public static List<String[]> lines(String resource) throws IOException {
        String text;
        try (InputStream s = ReferenceText.class.getResourceAsStream(resource)) {
            if (s == null) {
                throw new IOException("no test resource " + resource);
            }
            text = new String(s.readAllBytes(), StandardCharsets.UTF_8);
        }
        return Arrays.stream(text.split("\n")).filter(l -> !l.startsWith("#") && !l.isBlank()).map(l -> l.split(" ", 3)).toList();
    }

    /** "[d0 d1 ...] v0 v1 ..." as a float64 tensor of that shape. */
    public static Tensor tensor(String s) {
        int close = s.indexOf(']');
        String dims = s.substring(1, close).trim();
        int[] shape = dims.isEmpty() ? new int[0] : Arrays.stream(dims.split(" ")).mapToInt(Integer::parseInt).toArray();
        String v = s.substring(close + 1).trim();
        double[] values = v.isEmpty() ? new double[0] : Arrays.stream(v.split(" ")).mapToDouble(Double::parseDouble).toArray();
        return Tensor.of(values, shape);
    }

    /**
     * A case of a reference file: its name, its {@code config key=value ...} line, and its tensor
     * lines by kind ({@code param}, {@code in}, {@code mask}, {@code out}, {@code grad}, ...), each
     * by name in file order.
     */
    public record Case(String name, Map<String, String> config, Map<String, Map<String, Tensor>> sections) {

        /** The tensors of one kind, by name (empty when the case has none). */
        public Map<String, Tensor> section(String kind) {
            return sections.getOrDefault(kind, Map.of());
        }
    }

    /** The cases of a reference file: "case NAME", "config k=v ...", then "KIND NAME [shape] values" lines. */
    public static List<Case> cases(String resource) throws IOException {
        List<Case> cases = new ArrayList<>();
        Case c = null;
        for (String[] parts : lines(resource)) {
            if (parts[0].equals("case")) {
                c = new Case(parts[1], new LinkedHashMap<>(), new LinkedHashMap<>());
                cases.add(c);
            } else if (c == null) {
                throw new IllegalStateException(resource + ": a line before the first case: " + String.join(" ", parts));
            } else if (parts[0].equals("config")) {
                for (String kv : String.join(" ", Arrays.copyOfRange(parts, 1, parts.length)).split(" ")) {
                    String[] p = kv.split("=", 2);
                    c.config().put(p[0], p[1]);
                }
            } else {
                c.sections().computeIfAbsent(parts[0], k -> new LinkedHashMap<>()).put(parts[1], tensor(parts[2]));
            }
        }
        return cases;
    }

    /**
     * Checks a module run against a reference case: every output's shape and values, then the
     * loss PyTorch backpropagated (sum over the outputs of sum(w * out), w = ((i % 5) - 2) / 4 + 1
     * over each flat output) backpropagated here, and the gradient of every parameter and input
     * the case lists; each value within {@code tolerance} relative (absolute below 1).
     */
    public static void compare(String name, Map<String, Tensor> wantOutputs, Map<String, Tensor> gotOutputs,
                               Map<String, Tensor> wantGrads, Map<String, Tensor> params, Map<String, Tensor> inputs, double tolerance) {
        org.junit.jupiter.api.Assertions.assertEquals(wantOutputs.keySet(), gotOutputs.keySet(), name + ": outputs");
        Tensor loss = null;
        for (var e : wantOutputs.entrySet()) {
            Tensor g = gotOutputs.get(e.getKey());
            org.junit.jupiter.api.Assertions.assertEquals(Arrays.toString(e.getValue().shape()), Arrays.toString(g.shape()),
                    name + ": shape of " + e.getKey());
            near(name + ": " + e.getKey(), e.getValue().toDoubleArray(), g.toDoubleArray(), tolerance);
            double[] w = new double[g.numel()];
            for (int i = 0; i < w.length; i++) {
                w[i] = ((i % 5) - 2) / 4.0 + 1;
            }
            Tensor term = g.mul(Tensor.of(w, g.shape())).sum();
            loss = loss == null ? term : loss.add(term);
        }
        loss.backward();
        for (var e : wantGrads.entrySet()) {
            Tensor t = params.containsKey(e.getKey()) ? params.get(e.getKey()) : inputs.get(e.getKey());
            org.junit.jupiter.api.Assertions.assertNotNull(t, name + ": no tensor " + e.getKey());
            org.junit.jupiter.api.Assertions.assertNotNull(t.grad(), name + ": no gradient for " + e.getKey());
            near(name + ": gradient of " + e.getKey(), e.getValue().toDoubleArray(), t.grad().toDoubleArray(), tolerance);
        }
    }

    private static void near(String what, double[] want, double[] got, double tolerance) {
        org.junit.jupiter.api.Assertions.assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(want[i] - got[i]) <= tolerance * Math.max(1, Math.abs(want[i])))) {
                org.junit.jupiter.api.Assertions.fail(what + " element " + i + ": PyTorch " + want[i] + ", vecgrad " + got[i]);
            }
        }
    }
}
