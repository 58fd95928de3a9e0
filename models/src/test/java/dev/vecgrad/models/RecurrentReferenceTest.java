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
        ReferenceText.compare(c.name(), c.outputs(), got, c.grads(), module.namedParameters(), in, 1e-9);
    }


    private static List<Case> load() throws IOException {
        return ReferenceText.cases("/rnn_reference.txt").stream().map(c -> new Case(c.name(), c.config(), c.section("param"),
                c.section("in"), c.section("out"), c.section("grad"))).toList();
    }
}
