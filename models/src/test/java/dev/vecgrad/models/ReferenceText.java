package dev.vecgrad.models;

import dev.vecgrad.autograd.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
}
