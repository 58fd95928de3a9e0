package dev.vecgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The notes' three graphs (seed 003) and a network's step, drawn as DOT. */
class GraphTest {

    private static Tensor leaf(double v) {
        return Tensor.scalar(v).requiresGrad(true);
    }

    private static long count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    @Test
    void reluOfWxPlusBAsTheNotesDrawIt() {
        // a = relu(w x + b) with w = 2, x = 3, b = 1: u = 6, v = 7, a = 7; da/dw = x = 3, da/db = 1, da/dx = w = 2
        Tensor w = leaf(2);
        Tensor x = leaf(3);
        Tensor b = leaf(1);
        Tensor a = w.mul(x).add(b).relu();
        Graph g = Graph.capture(a, Map.of("w", w, "x", x, "b", b));
        a.backward();
        String dot = g.toDot();
        assertEquals(3, w.grad().item());
        assertEquals(1, b.grad().item());
        assertEquals(2, x.grad().item());
        assertEquals(6, g.nodes().size(), "3 leaves and 3 ops");
        assertEquals(5, g.edges().size());
        assertTrue(dot.contains("label=\"w\\n2\\ngrad 3\""), dot);
        assertTrue(dot.contains("label=\"b\\n1\\ngrad 1\""), dot);
        assertTrue(dot.contains("label=\"mul\\n6\""), dot);
        assertTrue(dot.contains("label=\"add\\n7\""), dot);
        assertTrue(dot.contains("label=\"relu\\n7\""), dot);
        assertTrue(dot.startsWith("digraph vecgrad {") && dot.trim().endsWith("}"));
    }

    /** l = (o - y)^2, o = sigmoid(a1), a1 = w1 x1: one path from w1 to l. */
    static Tensor singlePath(Tensor w1, Tensor x1, Tensor y) {
        return w1.mul(x1).sigmoid().sub(y).pow(2);
    }

    /** l = (o - y)^2, o = sigmoid(a1 + a2), a1 = sigmoid(w1 x1), a2 = tanh(w1 x1): w1 reaches l by two paths. */
    static Tensor sharedWeight(Tensor w1, Tensor x1, Tensor y) {
        return w1.mul(x1).sigmoid().add(w1.mul(x1).tanh()).sigmoid().sub(y).pow(2);
    }

    @Test
    void theSinglePathChainIsTheProductOfItsLocalDerivatives() {
        double w = 0.5;
        double x = 2;
        double y = 1;
        Tensor w1 = leaf(w);
        singlePath(w1, Tensor.scalar(x), Tensor.scalar(y)).backward();
        double o = 1 / (1 + Math.exp(-w * x));
        double byHand = 2 * (o - y) * (o * (1 - o)) * x; // dl/do * do/da1 * da1/dw1
        assertEquals(byHand, w1.grad().item(), 1e-15);
        GradCheck.check(t -> singlePath(t[0], Tensor.scalar(x), Tensor.scalar(y)), Tensor.scalar(w));
    }

    @Test
    void theSharedWeightGetsTheSumOverBothPaths() {
        double w = 0.5;
        double x = 2;
        double y = 1;
        Tensor w1 = leaf(w);
        Tensor l = sharedWeight(w1, Tensor.scalar(x), Tensor.scalar(y));
        Graph g = Graph.capture(l, Map.of("w1", w1));
        l.backward();
        double a1 = 1 / (1 + Math.exp(-w * x));
        double a2 = Math.tanh(w * x);
        double o = 1 / (1 + Math.exp(-(a1 + a2)));
        double dlDo = 2 * (o - y);
        double doDa = o * (1 - o);
        double path1 = dlDo * doDa * a1 * (1 - a1) * x;
        double path2 = dlDo * doDa * (1 - a2 * a2) * x;
        assertEquals(path1 + path2, w1.grad().item(), 1e-15);
        GradCheck.check(t -> sharedWeight(t[0], Tensor.scalar(x), Tensor.scalar(y)), Tensor.scalar(w));
        long fromW1 = g.edges().stream().filter(e -> e.from() == idOf(g, "w1")).count();
        assertEquals(2, fromW1, "w1 feeds both products: two edges leave it");
    }

    private static int idOf(Graph g, String name) {
        return g.nodes().stream().filter(n -> name.equals(n.name())).findFirst().orElseThrow().id();
    }

    @Test
    void aNetworksStepCollapsesToOpsAndShapesAndTheCapIsSaid() {
        Random rnd = new Random(0);
        Map<String, Tensor> params = new LinkedHashMap<>();
        int[] sizes = {784, 128, 64, 10};
        Tensor h = Tensor.rand(rnd, DType.F32, 64, 784);
        for (int i = 0; i < 3; i++) {
            Tensor wt = Tensor.randn(rnd, DType.F32, sizes[i + 1], sizes[i]).mul(0.05).detach().requiresGrad(true);
            Tensor bt = Tensor.zeros(sizes[i + 1]).requiresGrad(true);
            params.put("stack." + 2 * i + ".weight", wt);
            params.put("stack." + 2 * i + ".bias", bt);
            h = h.matmul(wt.t()).add(bt);
            h = i < 2 ? h.relu() : h;
        }
        Tensor loss = Losses.crossEntropy(h, new int[64]);
        Graph g = Graph.capture(loss, params);
        Graph capped = Graph.capture(h, params, 5, 4);
        loss.backward();
        String dot = g.toDot();
        assertTrue(dot.contains("label=\"stack.0.weight\\n[128, 784]\\ngrad [128, 784]\""), dot);
        assertTrue(dot.contains("label=\"matmul\\n[64, 128]\""), dot);
        assertTrue(dot.contains("label=\"crossEntropy\\n[64]\""), dot);
        assertEquals(0, g.omitted());
        assertEquals(5, capped.nodes().size());
        assertTrue(capped.omitted() > 0);
        assertTrue(capped.toDot().contains("more input"), capped.toDot());
    }

    @Test
    void aFreedGraphCannotBeCaptured() {
        Tensor w = leaf(1);
        Tensor y = w.mul(2);
        y.backward();
        var e = assertThrows(IllegalStateException.class, () -> Graph.capture(y, Map.of()));
        assertTrue(e.getMessage().startsWith("Graph: the graph of 'mul' was freed by backward"), e.getMessage());
        assertEquals(List.of("3", "-0.5", "0.1192", "1.000e-05"),
                List.of(Graph.number(3), Graph.number(-0.5), Graph.number(0.11920292), Graph.number(1e-5)));
        assertEquals(2, count("a.b.a", "."));
    }
}
