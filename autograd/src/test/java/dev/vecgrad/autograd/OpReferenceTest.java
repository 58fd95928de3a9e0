package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every {@link OpCatalog} case against PyTorch: forward values and the gradients of
 * sum(w * op(x)). The inputs and PyTorch expressions are written from the catalogue to
 * {@code op_cases.txt} (this test checks the file is current, and rewrites it when run with
 * {@code -Dvecgrad.writeOpCases=true}); {@code src/test/python/op_reference.py} evaluates
 * them with PyTorch into {@code op_reference.txt}.
 */
class OpReferenceTest {

    private static final Path CASES = Path.of("src/test/resources/op_cases.txt");
    private static final Path REFERENCE = Path.of("src/test/resources/op_reference.txt");

    /** The inputs of a case: seeded by its name, so that they never change while the case does not. */
    static Tensor[] inputs(OpCatalog.Case c) {
        Random rnd = new Random(c.name().hashCode());
        Tensor[] xs = new Tensor[c.inputs().size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = c.inputs().get(i).draw(rnd);
        }
        return xs;
    }

    static String casesText() {
        StringBuilder sb = new StringBuilder("# vecgrad OpCatalog cases: written by OpReferenceTest (-Dvecgrad.writeOpCases=true); do not edit\n");
        for (OpCatalog.Case c : OpCatalog.all()) {
            sb.append("case ").append(c.name()).append('\n');
            sb.append("torch ").append(c.torch() == null ? "-" : c.torchCode()).append('\n');
            sb.append("differentiable ").append(c.differentiable()).append('\n');
            Tensor[] xs = inputs(c);
            for (int i = 0; i < xs.length; i++) {
                sb.append("input ").append(c.inputs().get(i).values()).append(' ').append(tensorText(xs[i])).append('\n');
            }
        }
        return sb.toString();
    }

    private static String tensorText(Tensor t) {
        StringBuilder sb = new StringBuilder("[");
        for (int k = 0; k < t.shape.length; k++) {
            sb.append(k == 0 ? "" : " ").append(t.shape[k]);
        }
        sb.append("]");
        for (double v : t.toDoubleArray()) {
            sb.append(' ').append(v);
        }
        return sb.toString();
    }

    @Test
    void theCasesFileIsWrittenFromTheCurrentCatalogue() throws IOException {
        String now = casesText();
        if (Boolean.getBoolean("vecgrad.writeOpCases")) {
            Files.writeString(CASES, now);
        }
        assertEquals(now, Files.readString(CASES), CASES + " is not what the catalogue gives now: rewrite it with "
                + "-Dvecgrad.writeOpCases=true and rerun src/test/python/op_reference.py (see its header)");
    }

    @Test
    void everyCaseAgreesWithPyTorchInValueAndGradient() throws IOException {
        Map<String, List<String>> reference = reference();
        int checked = 0;
        for (OpCatalog.Case c : OpCatalog.all()) {
            if (c.torch() == null) {
                continue;
            }
            List<String> lines = reference.get(c.name());
            assertNotNull(lines, c.name() + ": no PyTorch reference; rerun src/test/python/op_reference.py");
            Tensor[] xs = inputs(c);
            for (int i = 0; i < xs.length; i++) {
                xs[i].requiresGrad(c.differentiable() && c.inputs().get(i).differentiable());
            }
            Tensor out = c.op().apply(xs);
            Tensor want = parseTensor(lines.get(0).substring("output ".length()));
            assertEquals(Arrays.toString(want.shape()), Arrays.toString(out.shape()), c.name() + ": output shape");
            near(c.name() + ": output", want.toDoubleArray(), out.toDoubleArray());
            if (c.differentiable()) {
                double[] w = new double[out.numel()];
                for (int i = 0; i < w.length; i++) {
                    w[i] = ((i % 5) - 2) / 4.0 + 1;
                }
                out.mul(Tensor.of(w, out.shape())).sum().backward();
                for (int i = 0; i < xs.length; i++) {
                    String g = lines.get(1 + i).substring("grad ".length());
                    if (g.equals("-")) {
                        continue;
                    }
                    double[] got = xs[i].grad() == null ? new double[xs[i].numel()] : xs[i].grad().toDoubleArray();
                    near(c.name() + ": gradient of input " + i, values(g), got);
                }
            }
            checked++;
        }
        assertEquals(reference.size(), checked, "every reference case is checked");
    }

    private static void near(String what, double[] want, double[] got) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(want[i] - got[i]) <= 1e-9 * Math.max(1, Math.abs(want[i])))) {
                fail(what + " element " + i + ": PyTorch " + want[i] + ", vecgrad " + got[i]);
            }
        }
    }

    private static Map<String, List<String>> reference() throws IOException {
        Map<String, List<String>> out = new HashMap<>();
        List<String> current = null;
        for (String line : Files.readAllLines(REFERENCE)) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            if (line.startsWith("case ")) {
                current = new ArrayList<>();
                out.put(line.substring(5), current);
            } else {
                current.add(line);
            }
        }
        return out;
    }

    private static Tensor parseTensor(String s) {
        int close = s.indexOf(']');
        String dims = s.substring(1, close).trim();
        int[] shape = dims.isEmpty() ? new int[0] : Arrays.stream(dims.split(" ")).mapToInt(Integer::parseInt).toArray();
        return Tensor.of(values(s.substring(close + 1)), shape);
    }

    private static double[] values(String s) {
        String t = s.trim();
        return t.isEmpty() ? new double[0] : Arrays.stream(t.split(" ")).mapToDouble(Double::parseDouble).toArray();
    }
}
