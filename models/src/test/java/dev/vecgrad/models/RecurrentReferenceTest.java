package dev.vecgrad.models;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.embedding.Embedding;
import dev.vecgrad.models.rnn.GRU;
import dev.vecgrad.models.rnn.GRUCell;
import dev.vecgrad.models.rnn.LSTM;
import dev.vecgrad.models.rnn.LSTMCell;
import dev.vecgrad.models.rnn.RNN;
import dev.vecgrad.models.rnn.RNNBase;
import dev.vecgrad.models.rnn.RNNCell;
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
import static org.junit.jupiter.api.Assertions.fail;

/**
 * RNN, LSTM, GRU (layers, directions, batch-first, no bias, initial state, variable lengths, a
 * 60-step sequence), the three cells and Embedding against PyTorch 1.13: the same weights loaded
 * by name, forward values and every gradient to 1e-9 (rnn_reference.txt, written by
 * src/test/python/rnn_reference.py).
 */
class RecurrentReferenceTest {

    private record Case(String name, Map<String, String> config, Map<String, Tensor> params, Map<String, Tensor> inputs,
            Map<String, Tensor> outputs, Map<String, Tensor> grads) {}

    @Test
    void everyModuleMatchesPyTorchInValueAndGradient() throws IOException {
        List<Case> cases = load();
        assertEquals(14, cases.size());
        for (Case c : cases) {
            check(c);
        }
    }

    private static void check(Case c) {
        Map<String, String> k = c.config();
        String kind = k.get("kind");
        Random rng = new Random(0);
        Map<String, Tensor> in = new LinkedHashMap<>();
        c.inputs().forEach((n, t) -> in.put(n, t.requiresGrad(!n.equals("indices"))));
        Map<String, Tensor> got = new LinkedHashMap<>();
        Module module;
        if (kind.equals("Embedding")) {
            Embedding e = new Embedding(Integer.parseInt(k.get("num")), Integer.parseInt(k.get("dim")),
                    Integer.parseInt(k.get("padding_idx")), DType.F64, rng);
            module = e;
            e.loadStateDict(c.params());
            got.put("output", e.forward(in.get("indices")));
        } else if (kind.endsWith("Cell")) {
            int inSize = Integer.parseInt(k.get("input"));
            int hidden = Integer.parseInt(k.get("hidden"));
            boolean bias = k.get("bias").equals("1");
            switch (kind) {
                case "RNNCell" -> {
                    RNNCell cell = new RNNCell(inSize, hidden, bias, "tanh", DType.F64, rng);
                    cell.loadStateDict(c.params());
                    got.put("h_n", cell.forward(in.get("input"), in.get("h0")));
                    module = cell;
                }
                case "GRUCell" -> {
                    GRUCell cell = new GRUCell(inSize, hidden, bias, DType.F64, rng);
                    cell.loadStateDict(c.params());
                    got.put("h_n", cell.forward(in.get("input"), in.get("h0")));
                    module = cell;
                }
                default -> {
                    LSTMCell cell = new LSTMCell(inSize, hidden, bias, DType.F64, rng);
                    cell.loadStateDict(c.params());
                    RNNBase.State s = cell.forward(in.get("input"), new RNNBase.State(in.get("h0"), in.get("c0")));
                    got.put("h_n", s.h());
                    got.put("c_n", s.c());
                    module = cell;
                }
            }
        } else {
            int inSize = Integer.parseInt(k.get("input"));
            int hidden = Integer.parseInt(k.get("hidden"));
            int layers = Integer.parseInt(k.get("layers"));
            boolean bidir = k.get("bidirectional").equals("1");
            boolean batchFirst = k.get("batch_first").equals("1");
            boolean bias = k.get("bias").equals("1");
            RNNBase m = switch (kind) {
                case "RNN" -> new RNN(inSize, hidden, layers, k.get("nonlinearity"), bias, batchFirst, 0, bidir, DType.F64, rng);
                case "LSTM" -> new LSTM(inSize, hidden, layers, bias, batchFirst, 0, bidir, DType.F64, rng);
                default -> new GRU(inSize, hidden, layers, bias, batchFirst, 0, bidir, DType.F64, rng);
            };
            m.loadStateDict(c.params());
            RNNBase.State s = in.containsKey("h0") ? new RNNBase.State(in.get("h0"), in.get("c0")) : null;
            int[] lengths = k.containsKey("lengths") ? Arrays.stream(k.get("lengths").split(",")).mapToInt(Integer::parseInt).toArray()
                    : null;
            RNNBase.Output o = m.forward(in.get("input"), s, lengths);
            got.put("output", o.output());
            got.put("h_n", o.state().h());
            if (o.state().c() != null) {
                got.put("c_n", o.state().c());
            }
            module = m;
        }
        assertEquals(c.outputs().keySet(), got.keySet(), c.name() + ": outputs");
        Tensor loss = null;
        for (var e : c.outputs().entrySet()) {
            Tensor g = got.get(e.getKey());
            assertEquals(Arrays.toString(e.getValue().shape()), Arrays.toString(g.shape()), c.name() + ": shape of " + e.getKey());
            near(c.name() + ": " + e.getKey(), e.getValue().toDoubleArray(), g.toDoubleArray());
            double[] w = new double[g.numel()];
            for (int i = 0; i < w.length; i++) {
                w[i] = ((i % 5) - 2) / 4.0 + 1;
            }
            Tensor term = g.mul(Tensor.of(w, g.shape())).sum();
            loss = loss == null ? term : loss.add(term);
        }
        loss.backward();
        Map<String, Tensor> params = module.namedParameters();
        for (var e : c.grads().entrySet()) {
            Tensor t = params.containsKey(e.getKey()) ? params.get(e.getKey()) : in.get(e.getKey());
            assertNotNull(t, c.name() + ": no tensor " + e.getKey());
            assertNotNull(t.grad(), c.name() + ": no gradient for " + e.getKey());
            near(c.name() + ": gradient of " + e.getKey(), e.getValue().toDoubleArray(), t.grad().toDoubleArray());
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
        List<Case> cases = new ArrayList<>();
        Case c = null;
        for (String[] parts : ReferenceText.lines("/rnn_reference.txt")) {
            switch (parts[0]) {
                case "case" -> {
                    c = new Case(parts[1], new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(),
                            new LinkedHashMap<>());
                    cases.add(c);
                }
                case "config" -> {
                    for (String kv : String.join(" ", Arrays.copyOfRange(parts, 1, parts.length)).split(" ")) {
                        String[] p = kv.split("=", 2);
                        c.config().put(p[0], p[1]);
                    }
                }
                case "param" -> c.params().put(parts[1], ReferenceText.tensor(parts[2]));
                case "in" -> c.inputs().put(parts[1], ReferenceText.tensor(parts[2]));
                case "out" -> c.outputs().put(parts[1], ReferenceText.tensor(parts[2]));
                case "grad" -> c.grads().put(parts[1], ReferenceText.tensor(parts[2]));
                default -> throw new IllegalStateException("rnn_reference.txt: " + String.join(" ", parts));
            }
        }
        return cases;
    }
}
