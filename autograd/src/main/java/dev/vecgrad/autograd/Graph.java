package dev.vecgrad.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A picture of the computational graph behind a tensor, as Graphviz DOT text: what
 * micrograd's {@code draw_dot} and PyTorch's torchviz show. Each op is a node with its name
 * and output shape, each leaf a node with its name (when given), its value and, once backward
 * has run, its gradient; edges run in data-flow direction, inputs to ops.
 *
 * <pre>{@code
 * Tensor w = Tensor.scalar(2.0).requiresGrad(true), x = Tensor.scalar(3.0), b = Tensor.scalar(1.0).requiresGrad(true);
 * Tensor a = w.mul(x).add(b).relu();
 * Graph g = Graph.capture(a, Map.of("w", w, "x", x, "b", b));   // before backward: backward frees the graph
 * a.backward();
 * String dot = g.toDot();                                        // leaves show "grad 1", "grad 3"...
 * }</pre>
 *
 * <p>Values are shown for tensors of at most {@code valueLimit} elements (4 by default); larger
 * ones show only their shape, so a network's step collapses to op names and shapes. At most
 * {@code maxNodes} nodes are kept (200 by default), the ones nearest the output; a note node
 * says how many were left out. The structure and values are copied at capture time; gradients
 * are read when {@link #toDot()} runs.
 */
public final class Graph {

    /** One node: an op's output or a leaf (a parameter, an input, a constant). */
    public record Node(int id, String op, String name, int[] shape, double[] values, Tensor leaf) {
        /** True for tensors no recorded op produced. */
        public boolean isLeaf() {
            return op == null;
        }
    }

    /** An edge from an input node to the op node that used it. */
    public record Edge(int from, int to) {}

    private final List<Node> nodes;
    private final List<Edge> edges;
    private final int omitted;
    private final int valueLimit;

    private Graph(List<Node> nodes, List<Edge> edges, int omitted, int valueLimit) {
        this.nodes = nodes;
        this.edges = edges;
        this.omitted = omitted;
        this.valueLimit = valueLimit;
    }

    /** The graph behind root, leaves named from {@code names} (a leaf not in it is drawn by shape); defaults for the limits. */
    public static Graph capture(Tensor root, Map<String, Tensor> names) {
        return capture(root, names, 200, 4);
    }

    /**
     * The graph behind root.
     *
     * @param maxNodes how many nodes to keep, nearest the output first
     * @param valueLimit tensors with at most this many elements show their values
     * @throws IllegalStateException if root's graph was already freed by a backward pass
     */
    public static Graph capture(Tensor root, Map<String, Tensor> names, int maxNodes, int valueLimit) {
        if (maxNodes < 1) {
            throw new IllegalArgumentException("Graph: maxNodes must be at least 1, got " + maxNodes);
        }
        IdentityHashMap<Tensor, String> nameOf = new IdentityHashMap<>();
        names.forEach((n, t) -> nameOf.put(t, n));
        IdentityHashMap<Tensor, Integer> ids = new IdentityHashMap<>();
        List<Node> nodes = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        ArrayDeque<Tensor> queue = new ArrayDeque<>();
        ids.put(root, 0);
        queue.add(root);
        List<Tensor> order = new ArrayList<>();
        int omitted = 0;
        while (!queue.isEmpty()) {
            Tensor t = queue.poll();
            order.add(t);
            if (t.node == null) {
                continue;
            }
            if (t.node.released()) {
                throw new IllegalStateException("Graph: the graph of '" + t.node.op + "' was freed by backward; capture before"
                        + " backward, or run backward with retainGraph = true");
            }
            for (Tensor in : t.node.inputs) {
                if (in == null) {
                    continue;
                }
                Integer id = ids.get(in);
                if (id == null) {
                    if (ids.size() >= maxNodes) {
                        omitted++;
                        continue;
                    }
                    id = ids.size();
                    ids.put(in, id);
                    queue.add(in);
                }
                edges.add(new Edge(id, ids.get(t)));
            }
        }
        for (Tensor t : order) {
            double[] values = t.numel() <= valueLimit ? t.toDoubleArray() : null;
            nodes.add(new Node(ids.get(t), t.node == null ? null : t.node.op, nameOf.get(t), t.shape.clone(), values,
                    t.node == null ? t : null));
        }
        return new Graph(List.copyOf(nodes), List.copyOf(edges), omitted, valueLimit);
    }

    public List<Node> nodes() {
        return nodes;
    }

    public List<Edge> edges() {
        return edges;
    }

    /** Inputs not drawn because of maxNodes. */
    public int omitted() {
        return omitted;
    }

    /** Graphviz DOT text of the graph, left to right, leaves as boxes and ops as ellipses. */
    public String toDot() {
        StringBuilder sb = new StringBuilder("digraph vecgrad {\n");
        sb.append("  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11];\n  edge [color=\"#555555\"];\n");
        for (Node n : nodes) {
            sb.append("  n").append(n.id()).append(" [").append(attributes(n)).append("];\n");
        }
        for (Edge e : edges) {
            sb.append("  n").append(e.from()).append(" -> n").append(e.to()).append(";\n");
        }
        if (omitted > 0) {
            sb.append("  omitted [shape=note, label=\"").append(omitted).append(" more input")
                    .append(omitted == 1 ? "" : "s").append(" not drawn (maxNodes)\"];\n");
        }
        return sb.append("}\n").toString();
    }

    private String attributes(Node n) {
        List<String> lines = new ArrayList<>();
        if (n.isLeaf()) {
            boolean grad = n.leaf().requiresGrad();
            lines.add(n.name() != null ? n.name() : grad ? "leaf" : "constant");
            lines.add(valueLine(n.shape(), n.values()));
            if (grad) {
                Tensor g = n.leaf().grad();
                lines.add(g == null ? "grad -" : "grad " + (g.numel() <= valueLimit ? numbers(g.toDoubleArray(), g.shape) : shape(g.shape)));
            }
            String fill = grad ? "#dbeafe" : "#f3f4f6";
            return "shape=box, style=\"rounded,filled\", fillcolor=\"" + fill + "\", label=\"" + escape(String.join("\\n", lines))
                    + "\"";
        }
        lines.add(n.op());
        lines.add(valueLine(n.shape(), n.values()));
        return "shape=ellipse, style=filled, fillcolor=\"#fef3c7\", label=\"" + escape(String.join("\\n", lines)) + "\"";
    }

    private static String valueLine(int[] shape, double[] values) {
        return values == null ? shape(shape) : shape.length == 0 ? numbers(values, shape) : shape(shape) + " " + numbers(values, shape);
    }

    private static String shape(int[] shape) {
        return Arrays.toString(shape);
    }

    private static String numbers(double[] v, int[] shape) {
        StringBuilder sb = new StringBuilder(shape.length == 0 ? "" : "[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(number(v[i]));
        }
        return sb.append(shape.length == 0 ? "" : "]").toString();
    }

    /** A value with at most 4 significant decimals and no trailing zeros: 3, -0.5, 0.1192. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? "%.4f" : "%.3e", v);
        return s.contains("e") ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static String escape(String label) {
        return label.replace("\"", "\\\"");
    }
}
