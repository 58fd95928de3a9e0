package dev.vecgrad.fuzz;

import dev.vecgrad.autograd.Domain;
import dev.vecgrad.autograd.OpCatalog;
import dev.vecgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A random differentiable expression over a few input tensors, decoded from a list of
 * integer choices (so that jqwik, shrinking the list, shrinks the expression: fewer and
 * smaller choices give fewer and simpler ops), printed as the Java code that computes it.
 *
 * <p>The ops are the catalogue's ({@link OpCatalog#unary()} and {@link OpCatalog#binary()}):
 * a new op in the catalogue is fuzzed without a change here. A node feeding an op whose
 * domain is restricted (log, sqrt, divisors) is first mapped into it by the domain's smooth
 * map ({@link Domain#squash}); ops whose domain no smooth map reaches (relu, abs) apply to
 * inputs only, whose values stay away from their kinks. Every node's shape broadcasts to
 * a base shape S, so any two nodes combine; leaves are reused, which exercises the
 * shared-weight rule.
 */
sealed interface Expr {

    Tensor eval(Tensor[] inputs);

    /** The Java code computing this expression from inputs x0, x1, ... */
    String code();

    record Leaf(int index) implements Expr {
        public Tensor eval(Tensor[] x) {
            return x[index];
        }

        public String code() {
            return "x" + index;
        }
    }

    /** A one-input catalogue case applied to a node mapped into its domain. */
    record Unary(OpCatalog.Case op, Expr child) implements Expr {
        public Tensor eval(Tensor[] x) {
            return op.op().apply(new Tensor[] {op.domain(0).squash(child.eval(x))});
        }

        public String code() {
            return op.java().replace("$0", wrap(op.domain(0).squash(child.code())));
        }
    }

    /** A one-input op whose domain avoids a kink (relu, abs), applied to an input. */
    record Kinked(OpCatalog.Case op, Leaf leaf) implements Expr {
        public Tensor eval(Tensor[] x) {
            return op.op().apply(new Tensor[] {leaf.eval(x)});
        }

        public String code() {
            return op.java().replace("$0", leaf.code());
        }
    }

    /** A two-input catalogue case (broadcasting), each input mapped into its domain. */
    record Binary(OpCatalog.Case op, Expr a, Expr b) implements Expr {
        public Tensor eval(Tensor[] x) {
            return op.op().apply(new Tensor[] {op.domain(0).squash(a.eval(x)), op.domain(1).squash(b.eval(x))});
        }

        public String code() {
            return op.java().replace("$0", wrap(op.domain(0).squash(a.code()))).replace("$1", wrap(op.domain(1).squash(b.code())));
        }
    }

    /** Parenthesizes code that is not a plain name, so that a method call applies to all of it. */
    private static String wrap(String code) {
        return code.matches("x\\d+") ? code : "(" + code + ")";
    }

    List<OpCatalog.Case> UNARY = OpCatalog.unary();
    List<OpCatalog.Case> BINARY = OpCatalog.binary();
    List<OpCatalog.Case> KINKED = OpCatalog.all().stream()
            .filter(c -> c.inputs().size() == 1 && c.inputs().get(0).domain() == Domain.AWAY_FROM_ZERO && c.differentiable()
                    && c.finiteDifferences())
            .toList();

    /** A program: input shapes and the expression over them. */
    record Program(int[][] inputShapes, Expr expr) {
        /** Java statements a user can paste: the inputs with their values, then y. */
        String code(Tensor[] inputs) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < inputs.length; i++) {
                String values = Arrays.toString(inputs[i].toDoubleArray());
                String shape = Arrays.toString(inputShapes[i]);
                sb.append("Tensor x").append(i).append(" = Tensor.of(new double[] {").append(values, 1, values.length() - 1)
                        .append("}").append(inputShapes[i].length == 0 ? "" : ", " + shape.substring(1, shape.length() - 1))
                        .append(").requiresGrad(true);\n");
            }
            return sb.append("Tensor y = ").append(expr.code()).append(".sum();").toString();
        }
    }

    /**
     * Decodes choices into a program: choices[0] picks the base shape S (rank 1-3, sizes 1-4,
     * square when rank is 2), the next ones the number of inputs and which of S's dimensions
     * each broadcasts (size 1), the rest the expression. An op that does not fit the shapes
     * met (a transpose of a vector) is replaced by the first unary op.
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
        Tensor[] probe = new Tensor[inputs];
        for (int i = 0; i < inputs; i++) {
            probe[i] = Tensor.ones(dev.vecgrad.autograd.DType.F64, shapes[i]);
        }
        return new Program(shapes, node(c, shapes, probe, 0));
    }

    private static Expr node(Choices c, int[][] shapes, Tensor[] probe, int depth) {
        int pick = c.next(20);
        if (depth >= 4 || pick < 4) {
            Leaf l = new Leaf(c.next(shapes.length));
            int wrap = c.next(2 + KINKED.size());
            return wrap < 2 ? l : new Kinked(KINKED.get(wrap - 2), l);
        }
        Expr e;
        if (pick < 13) {
            e = new Unary(UNARY.get(c.next(UNARY.size())), node(c, shapes, probe, depth + 1));
        } else {
            e = new Binary(BINARY.get(c.next(BINARY.size())), node(c, shapes, probe, depth + 1), node(c, shapes, probe, depth + 1));
        }
        return fits(e, probe) ? e : new Unary(UNARY.get(0), e instanceof Unary u ? u.child() : ((Binary) e).a());
    }

    /** True when the expression evaluates on inputs of the program's shapes. */
    private static boolean fits(Expr e, Tensor[] probe) {
        try {
            e.eval(probe);
            return true;
        } catch (IllegalArgumentException | IllegalStateException ex) {
            return false;
        }
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
