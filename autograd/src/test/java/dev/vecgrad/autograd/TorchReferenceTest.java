package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * vecgrad against PyTorch: forward values and gradients of sum(w * f(x)) for the cases in
 * torch_reference.txt, written by src/test/python/torch_reference.py with PyTorch 1.13
 * (broadcasting, relu'(0), ties in max, clamp at its bounds, the losses' reductions...).
 */
class TorchReferenceTest {

    private static final Map<String, Function<Tensor[], Tensor>> CASES = Map.ofEntries(
            Map.entry("add_broadcast_row", x -> x[0].add(x[1])),
            Map.entry("sub_broadcast_col", x -> x[0].sub(x[1])),
            Map.entry("mul_broadcast_3d", x -> x[0].mul(x[1])),
            Map.entry("div_scalar_tensor", x -> x[0].div(x[1])),
            Map.entry("relu_with_zeros", x -> x[0].relu()),
            Map.entry("abs_with_zero", x -> x[0].abs()),
            Map.entry("leaky_relu", x -> x[0].leakyRelu(0.2)),
            Map.entry("sigmoid_tanh", x -> x[0].sigmoid().mul(x[0].tanh())),
            Map.entry("gelu_exact", x -> x[0].gelu()),
            Map.entry("gelu_tanh", x -> x[0].gelu("tanh")),
            Map.entry("exp_log_sqrt_pow", x -> x[0].exp().add(x[0].log()).add(x[0].sqrt()).add(x[0].pow(2.5))),
            Map.entry("clamp_at_bounds", x -> x[0].clamp(-0.5, 0.5)),
            Map.entry("matmul_2d_transposed", x -> x[0].t().matmul(x[1].t())),
            Map.entry("matmul_batched", x -> x[0].matmul(x[1])),
            Map.entry("matmul_3d_2d", x -> x[0].matmul(x[1])),
            Map.entry("sum_mean_dims", x -> x[0].sum(new int[] {0, 2}, true).mul(x[0].mean(1, true))),
            Map.entry("max_all_ties", x -> x[0].max()),
            Map.entry("max_dim_ties", x -> x[0].max(1, false)),
            Map.entry("softmax_dim0", x -> x[0].softmax(0)),
            Map.entry("log_softmax_dim1", x -> x[0].logSoftmax(1)),
            Map.entry("cross_entropy_mean", x -> Losses.crossEntropy(x[0], new int[] {0, 4, 2, 2})),
            Map.entry("cross_entropy_sum", x -> Losses.crossEntropy(x[0], new int[] {1, 3, 0, 4}, Losses.Reduction.SUM)),
            Map.entry("nll_none", x -> Losses.nll(x[0].logSoftmax(1), new int[] {3, 0, 1}, Losses.Reduction.NONE)),
            Map.entry("mse_mean", x -> Losses.mse(x[0], x[1])),
            Map.entry("l1_with_ties", x -> Losses.l1(x[0], x[1])),
            Map.entry("bce_mean", x -> Losses.bce(x[0], x[1])),
            Map.entry("bce_with_logits", x -> Losses.bceWithLogits(x[0], x[1])),
            Map.entry("cat_stack_index_select", x -> Tensor.stack(List.of(Tensor.cat(List.of(x[0], x[1]), 1),
                    Tensor.cat(List.of(x[1], x[0]), 1)), 0).indexSelect(2, new int[] {4, 0, 0})),
            Map.entry("slice_transpose_reshape", x -> x[0].slice(0, 1, 3).t().reshape(3, 4).mul(2)));

    private record Case(String name, List<Tensor> inputs, Tensor output, List<double[]> grads) {}

    @Test
    void everyCaseMatchesPyTorchInValueAndGradient() throws IOException {
        List<Case> cases = load();
        assertEquals(CASES.size(), cases.size(), "every reference case has a vecgrad twin");
        for (Case c : cases) {
            Function<Tensor[], Tensor> f = CASES.get(c.name);
            assertTrue(f != null, "no vecgrad expression for " + c.name);
            Tensor[] xs = new Tensor[c.inputs.size()];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = Tensor.of(c.inputs.get(i).toDoubleArray(), c.inputs.get(i).shape()).requiresGrad(true);
            }
            Tensor out = f.apply(xs);
            assertEquals(Arrays.toString(c.output.shape()), Arrays.toString(out.shape()), c.name + ": output shape");
            near(c.name + ": output", c.output.toDoubleArray(), out.toDoubleArray());
            int n = out.numel();
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = ((i % 5) - 2) / 4.0 + 1;
            }
            out.mul(Tensor.of(w, out.shape())).sum().backward();
            for (int i = 0; i < xs.length; i++) {
                double[] got = xs[i].grad() == null ? new double[xs[i].numel()] : xs[i].grad().toDoubleArray();
                near(c.name + ": gradient of input " + i, c.grads.get(i), got);
            }
        }
    }

    private static void near(String what, double[] want, double[] got) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(want[i] - got[i]) <= 1e-9 * Math.max(1, Math.abs(want[i])))) {
                fail(what + " element " + i + ": PyTorch " + want[i] + ", vecgrad " + got[i]);
            }
        }
    }

    private static List<Case> load() throws IOException {
        String text;
        try (InputStream in = TorchReferenceTest.class.getResourceAsStream("/torch_reference.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> cases = new ArrayList<>();
        String name = null;
        List<Tensor> inputs = new ArrayList<>();
        Tensor output = null;
        List<double[]> grads = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            if (line.startsWith("case ")) {
                if (name != null) {
                    cases.add(new Case(name, inputs, output, grads));
                }
                name = line.substring(5).trim();
                inputs = new ArrayList<>();
                grads = new ArrayList<>();
            } else if (line.startsWith("input ") || line.startsWith("output ")) {
                Tensor t = parseTensor(line.substring(line.indexOf('[')));
                if (line.startsWith("input ")) {
                    inputs.add(t);
                } else {
                    output = t;
                }
            } else if (line.startsWith("grad ")) {
                grads.add(parseValues(line.substring(5)));
            }
        }
        cases.add(new Case(name, inputs, output, grads));
        return cases;
    }

    private static Tensor parseTensor(String s) {
        int close = s.indexOf(']');
        String dims = s.substring(1, close).trim();
        int[] shape = dims.isEmpty() ? new int[0] : Arrays.stream(dims.split(" ")).mapToInt(Integer::parseInt).toArray();
        return Tensor.of(parseValues(s.substring(close + 1)), shape);
    }

    private static double[] parseValues(String s) {
        String t = s.trim();
        return t.isEmpty() ? new double[0] : Arrays.stream(t.split(" ")).mapToDouble(Double::parseDouble).toArray();
    }
}
