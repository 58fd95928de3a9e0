package dev.vecgrad.models.zoo;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.ReferenceText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The U-Net against PyTorch 1.13 (unet_reference.txt, written by
 * src/test/python/unet_reference.py with the module of unet_torch.py): PyTorch's parameters
 * loaded by name (so the names and shapes are PyTorch's), then in float64 the training-mode
 * output, the input's and every parameter's gradient and the running statistics after the step,
 * and the eval-mode output, each to 1e-9.
 */
class UNetReferenceTest {

    private record Case(String name, Map<String, String> config, Map<String, Tensor> params, Map<String, Tensor> tensors) {}

    @Test
    void matchesPyTorchInValueGradientAndRunningStatistics() throws IOException {
        List<Case> cases = load();
        assertEquals(2, cases.size());
        for (Case c : cases) {
            Map<String, String> k = c.config();
            UNet net = new UNet(Integer.parseInt(k.get("in_channels")), Integer.parseInt(k.get("width")), Integer.parseInt(k.get("depth")),
                    DType.F64, new Random(0));
            assertEquals(c.params().keySet(), net.namedParameters().keySet(), c.name() + ": parameter names, in PyTorch's order");
            Map<String, Tensor> state = new LinkedHashMap<>(net.stateDict());
            state.putAll(c.params());
            net.loadStateDict(state);
            Tensor x = c.tensors().get("in input").requiresGrad(true);
            net.train();
            Tensor out = net.forward(x);
            near(c.name() + ": training-mode output", c.tensors().get("out train"), out);
            double[] w = new double[out.numel()];
            for (int i = 0; i < w.length; i++) {
                w[i] = ((i % 5) - 2) / 4.0 + 1;
            }
            out.mul(Tensor.of(w, out.shape())).sum().backward();
            near(c.name() + ": gradient of the input", c.tensors().get("grad input"), x.grad());
            for (var p : net.namedParameters().entrySet()) {
                assertNotNull(p.getValue().grad(), c.name() + ": no gradient for " + p.getKey());
                near(c.name() + ": gradient of " + p.getKey(), c.tensors().get("grad " + p.getKey()), p.getValue().grad());
            }
            Map<String, Tensor> buffers = net.namedBuffers();
            int checked = 0;
            for (var e : c.tensors().entrySet()) {
                if (e.getKey().startsWith("buffer ")) {
                    String name = e.getKey().substring(7);
                    assertNotNull(buffers.get(name), c.name() + ": no buffer " + name);
                    near(c.name() + ": " + name + " after the step", e.getValue(), buffers.get(name));
                    checked++;
                }
            }
            assertTrue(checked >= 8, c.name() + ": running statistics checked: " + checked);
            net.eval();
            near(c.name() + ": eval-mode output", c.tensors().get("out eval"), net.forward(x.detach()));
        }
    }

    @Test
    void startsAsTheIdentityOnItsLastInputChannel() {
        // the head starts at zero (the one init that differs from PyTorch's): output = the last input channel, exactly
        Random rng = new Random(2);
        for (int channels : new int[] {1, 2}) {
            UNet net = new UNet(channels, 4, 2, rng);
            Tensor x = Tensor.randn(rng, DType.F32, 3, channels, 8, 12);
            float[] want = x.slice(1, channels - 1, channels).contiguous().toFloatArray();
            org.junit.jupiter.api.Assertions.assertArrayEquals(want, net.forward(x).toFloatArray());
            assertEquals(0, net.namedParameters().get("head.weight").abs().sum().item());
            assertTrue(net.namedParameters().get("down.0.0.weight").abs().sum().item() > 0, "the other layers are drawn as PyTorch's");
        }
    }

    @Test
    void refusesInputsItCannotTake() {
        UNet net = new UNet(1, 4, 2, new Random(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.forward(Tensor.zeros(DType.F32, 1, 1, 10, 12)));
        assertTrue(e.getMessage().contains("multiples of 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.forward(Tensor.zeros(DType.F32, 1, 2, 8, 8)));
        assertThrows(IllegalArgumentException.class, () -> new UNet(1, 4, 0, new Random(0)));
        assertEquals(List.of(1, 1, 8, 8), Arrays.stream(net.forward(Tensor.zeros(DType.F32, 1, 1, 8, 8)).shape()).boxed().toList());
    }

    private static void near(String what, Tensor want, Tensor got) {
        assertNotNull(want, what + ": not in the reference");
        assertEquals(Arrays.toString(want.shape()), Arrays.toString(got.shape()), what + ": shape");
        double[] a = want.toDoubleArray();
        double[] b = got.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= 1e-9 * Math.max(1, Math.abs(a[i])))) {
                fail(what + " element " + i + ": PyTorch " + a[i] + ", vecgrad " + b[i]);
            }
        }
    }

    private static List<Case> load() throws IOException {
        List<Case> cases = new ArrayList<>();
        Case c = null;
        for (String[] parts : ReferenceText.lines("/unet_reference.txt")) {
            switch (parts[0]) {
                case "case" -> cases.add(c = new Case(parts[1], new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>()));
                case "config" -> {
                    for (String kv : String.join(" ", Arrays.copyOfRange(parts, 1, parts.length)).split(" ")) {
                        String[] p = kv.split("=", 2);
                        c.config().put(p[0], p[1]);
                    }
                }
                case "param" -> c.params().put(parts[1], ReferenceText.tensor(parts[2]));
                case "in", "out", "grad", "buffer" -> c.tensors().put(parts[0] + " " + parts[1], ReferenceText.tensor(parts[2]));
                default -> throw new IllegalStateException("unet_reference.txt: " + String.join(" ", parts));
            }
        }
        return cases;
    }
}
