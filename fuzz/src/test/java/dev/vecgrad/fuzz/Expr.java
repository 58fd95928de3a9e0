package dev.vecgrad.fuzz;

import dev.vecgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A random differentiable expression over a few input tensors, decoded from a list of
 * integer choices (so that jqwik, shrinking the list, shrinks the expression: fewer and
 * smaller choices give fewer and simpler ops), printed as the Java code that computes it.
 *
 * <p>Every node's shape broadcasts to a base shape S, so any two nodes combine. Ops are
 * smooth where the inputs can be anywhere (no relu or abs inside; those only on leaves,
 * whose values stay away from 0), and bounded where they could overflow (exp of tanh,
 * division by 1 + b^2). Leaves are reused, which exercises the shared-weight rule.
 */
sealed interface Expr {

    Tensor eval(Tensor[] inputs);

    int[] shape(int[][] inputShapes);

    /** The Java code computing this expression from inputs x0, x1, ... */
    String code();

    record Leaf(int index) implements Expr {
        public Tensor eval(Tensor[] x) {
            return x[index];
        }

        public int[] shape(int[][] s) {
            return s[index];
        }

        public String code() {
            return "x" + index;
        }
    }

    /** A unary op given by its code suffix, e.g. ".tanh()". */
    record Unary(String op, Expr child) implements Expr {
        public Tensor eval(Tensor[] x) {
            Tensor c = child.eval(x);
            return switch (op) {
                case "neg" -> c.neg();
                case "tanh" -> c.tanh();
                case "sigmoid" -> c.sigmoid();
                case "gelu" -> c.gelu();
                case "geluTanh" -> c.gelu("tanh");
                case "square" -> c.mul(c);
                case "expTanh" -> c.tanh().exp();
                case "logSigmoid" -> c.sigmoid().log();
                case "softplusSqrt" -> c.mul(c).add(1).sqrt();
                case "relu" -> c.relu();
                case "abs" -> c.abs();
                case "softmax" -> c.softmax(-1);
                case "logSoftmax" -> c.logSoftmax(-1);
                case "sumLast" -> c.sum(-1, true);
                case "meanFirst" -> c.mean(0, true);
                case "transposeBack" -> c.transpose(-1, -2).transpose(-1, -2);
                default -> throw new IllegalStateException(op);
            };
        }

        public int[] shape(int[][] s) {
            int[] cs = child.shape(s).clone();
            if (op.equals("sumLast") && cs.length > 0) {
                cs[cs.length - 1] = 1;
            } else if (op.equals("meanFirst") && cs.length > 0) {
                cs[0] = 1;
            }
            return cs;
        }

        public String code() {
            String c = child.code();
            return switch (op) {
                case "square" -> "(" + c + ").mul(" + c + ")";
                case "expTanh" -> c + ".tanh().exp()";
                case "logSigmoid" -> c + ".sigmoid().log()";
                case "softplusSqrt" -> "(" + c + ").mul(" + c + ").add(1).sqrt()";
                case "geluTanh" -> c + ".gelu(\"tanh\")";
                case "softmax", "logSoftmax" -> c + "." + op + "(-1)";
                case "sumLast" -> c + ".sum(-1, true)";
                case "meanFirst" -> c + ".mean(0, true)";
                case "transposeBack" -> c + ".transpose(-1, -2).transpose(-1, -2)";
                default -> c + "." + op + "()";
            };
        }
    }

    /** add, sub, mul, div (by 1 + b^2) or matmul of two nodes. */
    record Binary(String op, Expr a, Expr b) implements Expr {
        public Tensor eval(Tensor[] x) {
            Tensor ta = a.eval(x);
            Tensor tb = b.eval(x);
            return switch (op) {
                case "add" -> ta.add(tb);
                case "sub" -> ta.sub(tb);
                case "mul" -> ta.mul(tb);
                case "div" -> ta.div(tb.mul(tb).add(1));
                case "matmul" -> ta.matmul(tb);
                default -> throw new IllegalStateException(op);
            };
        }

        public int[] shape(int[][] s) {
            int[] sa = a.shape(s);
            int[] sb = b.shape(s);
            if (op.equals("matmul")) {
                return new int[] {sa[0], sb[1]};
            }
            int rank = Math.max(sa.length, sb.length);
            int[] out = new int[rank];
            for (int k = 0; k < rank; k++) {
                int da = k < rank - sa.length ? 1 : sa[k - (rank - sa.length)];
                int db = k < rank - sb.length ? 1 : sb[k - (rank - sb.length)];
                out[k] = Math.max(da, db);
            }
            return out;
        }

        public String code() {
            return switch (op) {
                case "div" -> a.code() + ".div((" + b.code() + ").mul(" + b.code() + ").add(1))";
                default -> a.code() + "." + op + "(" + b.code() + ")";
            };
        }
    }

    String[] UNARY = {"neg", "tanh", "sigmoid", "gelu", "geluTanh", "square", "expTanh", "logSigmoid", "softplusSqrt",
        "softmax", "logSoftmax", "sumLast", "meanFirst", "transposeBack"};
    String[] BINARY = {"add", "sub", "mul", "div", "matmul"};

    /** A program: input shapes and the expression over them. */
    record Program(int[][] inputShapes, Expr expr) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < inputShapes.length; i++) {
                sb.append("x").append(i).append(": ").append(Arrays.toString(inputShapes[i])).append("; ");
            }
            return sb.append("y = ").append(expr.code()).append(".sum()").toString();
        }
    }

    /**
     * Decodes choices into a program: choices[0] picks the base shape S (rank 1-3, sizes 1-4,
     * the last two equal when rank is 2, so matmul fits), the next ones the number of inputs
     * and which of S's dimensions each broadcasts (size 1), the rest the expression.
     */
    static Program decode(List<Integer> choices) {
        Choices c = new Choices(choices);
        int rank = 1 + c.next(3);
        int[] base = new int[rank];
        for (int k = 0; k < rank; k++) {
            base[k] = 1 + c.next(4);
        }
        if (rank == 2) {
            base[1] = base[0];
        }
        int inputs = 1 + c.next(3);
        int[][] shapes = new int[inputs][];
        for (int i = 0; i < inputs; i++) {
            int[] s = base.clone();
            int mask = c.next(1 << rank);
            for (int k = 0; k < rank; k++) {
                if ((mask >> k & 1) == 1 && i > 0) {
                    s[k] = 1;
                }
            }
            shapes[i] = s;
        }
        Expr e = node(c, shapes, 0, rank);
        return new Program(shapes, e);
    }

    private static Expr node(Choices c, int[][] shapes, int depth, int rank) {
        int pick = c.next(20);
        if (depth >= 4 || pick < 4) {
            int leaf = c.next(shapes.length);
            int wrap = c.next(4);
            Expr l = new Leaf(leaf);
            return wrap == 1 ? new Unary("relu", l) : wrap == 2 ? new Unary("abs", l) : l;
        }
        if (pick < 13) {
            String op = UNARY[c.next(UNARY.length)];
            return new Unary(rank < 2 && op.equals("transposeBack") ? "neg" : op, node(c, shapes, depth + 1, rank));
        }
        String op = BINARY[c.next(BINARY.length)];
        Expr a = node(c, shapes, depth + 1, rank);
        Expr b = node(c, shapes, depth + 1, rank);
        if (op.equals("matmul")) {
            int[] sa = a.shape(shapes);
            int[] sb = b.shape(shapes);
            if (sa.length != 2 || sb.length != 2 || sa[1] != sb[0]) {
                op = "mul";
            }
        }
        return new Binary(op, a, b);
    }

    /** Reads choices in order; past the end, everything is 0 (the simplest choice). */
    final class Choices {
        private final List<Integer> values;
        private int at;

        Choices(List<Integer> values) {
            this.values = new ArrayList<>(values);
        }

        int next(int bound) {
            int v = at < values.size() ? values.get(at) : 0;
            at++;
            return Math.floorMod(v, bound);
        }
    }
}
