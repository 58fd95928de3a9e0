package dev.vecgrad.autograd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Every differentiable op of {@link Tensor}, {@link Losses} and {@link RecurrentOps}, each as
 * one or more concrete cases: input shapes and where their values lie, the op as Java, the
 * same op as PyTorch (Python text), and its role for the fuzzer. This one list drives the
 * gradient checks (every case through {@link GradCheck}), the PyTorch reference values
 * (written from this list and compared with it), the fuzzer's op list ({@link #unary()},
 * {@link #binary()}), and tests that fail when a public op has no case here, when a
 * derivative declared in the library (an {@code Autograd.record} or {@code Autograd.apply}
 * call, a {@link UnaryOp} entry) is reached by no case, or when a derivative reached by a case
 * captures a tensor. The parameterless elementwise functions come from {@link UnaryOp}
 * automatically.
 *
 * <p>In the Java and Python texts, {@code $0}, {@code $1}, ... stand for the inputs.
 */
public final class OpCatalog {

    private OpCatalog() {}

    /** What an input's values are: drawn from a domain (differentiable), or whole-number indices, or a 0/1 mask (constants). */
    public enum Values { DRAWN, INDEX, MASK }

    /**
     * One input of a case.
     *
     * @param bound for INDEX inputs, indices are drawn from [0, bound)
     */
    public record Input(int[] shape, Domain domain, Values values, int bound) {
        static Input of(Domain domain, int... shape) {
            return new Input(shape, domain, Values.DRAWN, 0);
        }

        public boolean differentiable() {
            return values == Values.DRAWN;
        }

        /** Values for this input (seeded), as a float64 tensor. */
        public Tensor draw(Random rnd) {
            double[] v = new double[Shapes.numel(shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (values) {
                    case DRAWN -> domain.draw(rnd);
                    case INDEX -> rnd.nextInt(bound);
                    case MASK -> rnd.nextInt(2);
                };
            }
            return Tensor.of(v, shape);
        }
    }

    /** How the fuzzer may use a case: applied to any node (UNARY, BINARY, broadcasting), or not at all (OTHER). */
    public enum Role { UNARY, BINARY, OTHER }

    /**
     * One case of an op.
     *
     * @param name unique, e.g. {@code matmul_batch_broadcast}
     * @param method the public method it exercises ({@code Tensor.matmul} is "matmul", {@code Losses.mse} is "Losses.mse")
     * @param java the call as Java code over $0, $1, ...
     * @param torch the same as Python over $0, $1, ... with {@code torch} and {@code F} (torch.nn.functional) in scope
     * @param differentiable false for ops whose output carries no gradient (comparisons)
     * @param finiteDifferences false where the gradient is by definition not the derivative
     *        (embedding's padding row gets none), so only PyTorch can check it
     */
    public record Case(String name, String method, Role role, List<Input> inputs, Function<Tensor[], Tensor> op, String java,
            String torch, boolean differentiable, boolean finiteDifferences) {

        /** The Java code with the inputs named x0, x1, ... */
        public String javaCode() {
            return substitute(java);
        }

        /** The Python code with the inputs named x0, x1, ... */
        public String torchCode() {
            return substitute(torch);
        }

        private String substitute(String code) {
            String s = code;
            for (int i = inputs.size() - 1; i >= 0; i--) {
                s = s.replace("$" + i, "x" + i);
            }
            return s;
        }

        /** The domain the fuzzer must map a node into before feeding it as input i. */
        public Domain domain(int i) {
            return inputs.get(i).domain();
        }
    }

    private static final List<Case> CASES = build();

    /** All cases, in a fixed order. */
    public static List<Case> all() {
        return CASES;
    }

    /** The smooth shape-preserving one-input cases whose domain any value can be mapped into. */
    public static List<Case> unary() {
        return CASES.stream().filter(c -> c.role == Role.UNARY).toList();
    }

    /** The smooth broadcasting two-input cases. */
    public static List<Case> binary() {
        return CASES.stream().filter(c -> c.role == Role.BINARY).toList();
    }

    /** The n x n identity, for masks that keep the diagonal (no query left with nothing to attend to). */
    private static Tensor eye(int n, DType dtype) {
        double[] d = new double[n * n];
        for (int i = 0; i < n; i++) {
            d[i * n + i] = 1;
        }
        return Tensor.of(d, n, n).to(dtype);
    }

    private static Input in(int... shape) {
        return Input.of(Domain.ANY, shape);
    }

    private static Input positive(int... shape) {
        return Input.of(Domain.POSITIVE, shape);
    }

    private static Input index(int bound, int... shape) {
        return new Input(shape, Domain.ANY, Values.INDEX, bound);
    }

    private static Input mask(int... shape) {
        return new Input(shape, Domain.ANY, Values.MASK, 0);
    }

    private static List<Case> build() {
        List<Case> c = new ArrayList<>();
        // elementwise functions without parameters: one case each from their declaration
        for (UnaryOp u : UnaryOp.values()) {
            Role role = u.domain().reachable() ? Role.UNARY : Role.OTHER;
            String java = u == UnaryOp.GELU_TANH ? "$0.gelu(\"tanh\")" : "$0." + u.opName() + "()";
            c.add(new Case(u.name().toLowerCase(), u == UnaryOp.GELU_TANH ? "gelu" : u.opName(), role,
                    List.of(Input.of(u.domain(), 3, 4)), x -> u.apply(x[0]), java, "(" + u.torch() + ")($0)", true, true));
        }
        // elementwise with parameters
        add(c, "leaky_relu", "leakyRelu", Role.OTHER, List.of(Input.of(Domain.AWAY_FROM_ZERO, 3, 4)), x -> x[0].leakyRelu(0.1),
                "$0.leakyRelu(0.1)", "F.leaky_relu($0, 0.1)");
        add(c, "clamp", "clamp", Role.OTHER, List.of(in(3, 4)), x -> x[0].clamp(-0.4567, 0.4567), "$0.clamp(-0.4567, 0.4567)",
                "$0.clamp(-0.4567, 0.4567)");
        add(c, "pow_cube", "pow", Role.UNARY, List.of(Input.of(Domain.BOUNDED, 3, 4)), x -> x[0].pow(3), "$0.pow(3)", "$0.pow(3)");
        add(c, "pow_rsqrt", "pow", Role.UNARY, List.of(positive(3, 4)), x -> x[0].pow(-0.5), "$0.pow(-0.5)", "$0.pow(-0.5)");
        add(c, "add_scalar", "add", Role.UNARY, List.of(in(3, 4)), x -> x[0].add(2.5), "$0.add(2.5)", "$0 + 2.5");
        add(c, "sub_scalar", "sub", Role.UNARY, List.of(in(3, 4)), x -> x[0].sub(0.25), "$0.sub(0.25)", "$0 - 0.25");
        add(c, "mul_scalar", "mul", Role.UNARY, List.of(in(3, 4)), x -> x[0].mul(-1.5), "$0.mul(-1.5)", "$0 * -1.5");
        add(c, "div_scalar", "div", Role.UNARY, List.of(in(3, 4)), x -> x[0].div(4), "$0.div(4)", "$0 / 4");
        add(c, "rsub_scalar", "rsub", Role.UNARY, List.of(in(3, 4)), x -> x[0].rsub(1), "$0.rsub(1)", "1 - $0");
        add(c, "rdiv_scalar", "rdiv", Role.UNARY, List.of(positive(3, 4)), x -> x[0].rdiv(2), "$0.rdiv(2)", "2 / $0");
        add(c, "dropout_fixed_mask", "dropout", Role.OTHER, List.of(in(5, 4)), x -> x[0].dropout(0.3, true, new Random(7)),
                "$0.dropout(0.3, true, new Random(7))", null);
        add(c, "to_float32_and_back", "to", Role.OTHER, List.of(in(3)),
                x -> x[0].to(DType.F32).to(x[0].dtype()).mul(0).add(x[0]), "$0.to(DType.F32).to($0.dtype()).mul(0).add($0)",
                "$0.float().double() * 0 + $0");
        // broadcasting binary ops
        int[][][] pairs = {{{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}}, {{2, 3, 4}, {3, 1}}, {{3, 4}, {}}};
        for (int[][] p : pairs) {
            String s = shapeName(p[0]) + "_" + shapeName(p[1]);
            Role role = p == pairs[0] ? Role.BINARY : Role.OTHER;
            add(c, "add_" + s, "add", role, List.of(in(p[0]), in(p[1])), x -> x[0].add(x[1]), "$0.add($1)", "$0 + $1");
            add(c, "sub_" + s, "sub", role, List.of(in(p[0]), in(p[1])), x -> x[0].sub(x[1]), "$0.sub($1)", "$0 - $1");
            add(c, "mul_" + s, "mul", role, List.of(in(p[0]), in(p[1])), x -> x[0].mul(x[1]), "$0.mul($1)", "$0 * $1");
            add(c, "div_" + s, "div", role, List.of(in(p[0]), positive(p[1])), x -> x[0].div(x[1]), "$0.div($1)", "$0 / $1");
        }
        add(c, "maximum_broadcast", "maximum", Role.OTHER, List.of(in(3, 4), in(4)), x -> x[0].maximum(x[1]), "$0.maximum($1)",
                "torch.maximum($0, $1)");
        // masks and selection
        for (String op : new String[] {"gt", "lt", "ge", "le", "eq", "ne"}) {
            Function<Tensor[], Tensor> f = switch (op) {
                case "gt" -> x -> x[0].gt(x[1]);
                case "lt" -> x -> x[0].lt(x[1]);
                case "ge" -> x -> x[0].ge(x[1]);
                case "le" -> x -> x[0].le(x[1]);
                case "eq" -> x -> x[0].eq(x[1]);
                default -> x -> x[0].ne(x[1]);
            };
            c.add(new Case(op, op, Role.OTHER, List.of(index(3, 3, 4), index(3, 4)), f, "$0." + op + "($1)",
                    "torch." + op + "($0, $1).double()", false, false));
            Function<Tensor[], Tensor> g = switch (op) {
                case "gt" -> x -> x[0].gt(1);
                case "lt" -> x -> x[0].lt(1);
                case "ge" -> x -> x[0].ge(1);
                case "le" -> x -> x[0].le(1);
                case "eq" -> x -> x[0].eq(1);
                default -> x -> x[0].ne(1);
            };
            c.add(new Case(op + "_scalar", op, Role.OTHER, List.of(index(3, 3, 4)), g, "$0." + op + "(1)",
                    "torch." + op + "($0, 1).double()", false, false));
        }
        add(c, "where_broadcast", "where", Role.OTHER, List.of(mask(3, 1), in(3, 4), in(4)), x -> Tensor.where(x[0], x[1], x[2]),
                "Tensor.where($0, $1, $2)", "torch.where($0.bool(), $1, $2)");
        add(c, "masked_fill", "maskedFill", Role.OTHER, List.of(in(3, 4), mask(4)), x -> x[0].maskedFill(x[1], -5),
                "$0.maskedFill($1, -5)", "$0.masked_fill($1.bool(), -5)");
        add(c, "gather_dim1", "gather", Role.OTHER, List.of(in(3, 4), index(4, 3, 5)), x -> x[0].gather(1, x[1]),
                "$0.gather(1, $1)", "torch.gather($0, 1, $1.long())");
        add(c, "gather_dim0", "gather", Role.OTHER, List.of(in(3, 4), index(3, 2, 4)), x -> x[0].gather(0, x[1]),
                "$0.gather(0, $1)", "torch.gather($0, 0, $1.long())");
        add(c, "scatter_add_dim1", "scatterAdd", Role.OTHER, List.of(in(3, 4), index(4, 3, 5), in(3, 5)),
                x -> x[0].scatterAdd(1, x[1], x[2]), "$0.scatterAdd(1, $1, $2)", "$0.scatter_add(1, $1.long(), $2)");
        add(c, "index_add_dim0", "indexAdd", Role.OTHER, List.of(in(3, 4), in(4, 4)),
                x -> x[0].indexAdd(0, new int[] {2, 0, 2, 1}, x[1]), "$0.indexAdd(0, new int[] {2, 0, 2, 1}, $1)",
                "$0.index_add(0, torch.tensor([2, 0, 2, 1]), $1)");
        add(c, "embedding", "embedding", Role.OTHER, List.of(index(5, 2, 3), in(5, 4)),
                x -> Tensor.embedding(x[0], x[1]), "Tensor.embedding($0, $1)", "F.embedding($0.long(), $1)");
        c.add(new Case("embedding_padding", "embedding", Role.OTHER, List.of(index(5, 2, 3), in(5, 4)),
                x -> Tensor.embedding(x[0], x[1], 1), "Tensor.embedding($0, $1, 1)", "F.embedding($0.long(), $1, padding_idx=1)",
                true, false));
        add(c, "index_select_repeats", "indexSelect", Role.OTHER, List.of(in(3, 4)), x -> x[0].indexSelect(0, new int[] {2, 0, 2}),
                "$0.indexSelect(0, new int[] {2, 0, 2})", "$0.index_select(0, torch.tensor([2, 0, 2]))");
        // linear algebra
        add(c, "matmul_2d", "matmul", Role.OTHER, List.of(in(3, 4), in(4, 5)), x -> x[0].matmul(x[1]), "$0.matmul($1)", "$0 @ $1");
        add(c, "matmul_transposed_views", "matmul", Role.OTHER, List.of(in(4, 3), in(5, 4)), x -> x[0].t().matmul(x[1].t()),
                "$0.t().matmul($1.t())", "$0.t() @ $1.t()");
        add(c, "matmul_dot", "matmul", Role.OTHER, List.of(in(4), in(4)), x -> x[0].matmul(x[1]), "$0.matmul($1)", "$0 @ $1");
        add(c, "matmul_vector_matrix", "matmul", Role.OTHER, List.of(in(4), in(4, 3)), x -> x[0].matmul(x[1]), "$0.matmul($1)",
                "$0 @ $1");
        add(c, "matmul_matrix_vector", "matmul", Role.OTHER, List.of(in(2, 3, 4), in(4)), x -> x[0].matmul(x[1]), "$0.matmul($1)",
                "$0 @ $1");
        add(c, "matmul_batched_shared_right", "matmul", Role.OTHER, List.of(in(2, 3, 4), in(4, 5)), x -> x[0].matmul(x[1]),
                "$0.matmul($1)", "$0 @ $1");
        add(c, "matmul_batch_broadcast", "matmul", Role.OTHER, List.of(in(2, 1, 3, 4), in(3, 4, 2)), x -> x[0].matmul(x[1]),
                "$0.matmul($1)", "$0 @ $1");
        add(c, "matmul_batched_transposed", "matmul", Role.OTHER, List.of(in(2, 4, 3), in(2, 4, 5)),
                x -> x[0].transpose(1, 2).matmul(x[1]), "$0.transpose(1, 2).matmul($1)", "$0.transpose(1, 2) @ $1");
        // shape
        add(c, "transpose", "transpose", Role.OTHER, List.of(in(2, 3, 4)), x -> x[0].transpose(0, 2).mul(2),
                "$0.transpose(0, 2).mul(2)", "$0.transpose(0, 2) * 2");
        add(c, "t", "t", Role.OTHER, List.of(in(3, 4)), x -> x[0].t().reshape(-1), "$0.t().reshape(-1)", "$0.t().reshape(-1)");
        add(c, "permute", "permute", Role.OTHER, List.of(in(2, 3, 4)), x -> x[0].permute(2, 0, 1).reshape(4, 6),
                "$0.permute(2, 0, 1).reshape(4, 6)", "$0.permute(2, 0, 1).reshape(4, 6)");
        add(c, "reshape", "reshape", Role.OTHER, List.of(in(3, 4)), x -> x[0].reshape(6, 2), "$0.reshape(6, 2)", "$0.reshape(6, 2)");
        add(c, "view", "view", Role.OTHER, List.of(in(3, 4)), x -> x[0].view(2, -1), "$0.view(2, -1)", "$0.view(2, -1)");
        add(c, "flatten", "flatten", Role.OTHER, List.of(in(2, 3, 4)), x -> x[0].flatten(), "$0.flatten()", "$0.flatten()");
        add(c, "flatten_from_1", "flatten", Role.OTHER, List.of(in(2, 3, 4)), x -> x[0].flatten(1), "$0.flatten(1)",
                "$0.flatten(1)");
        add(c, "unsqueeze", "unsqueeze", Role.OTHER, List.of(in(3, 4), in(3, 2, 4)), x -> x[0].unsqueeze(1).mul(x[1]),
                "$0.unsqueeze(1).mul($1)", "$0.unsqueeze(1) * $1");
        add(c, "squeeze_all", "squeeze", Role.OTHER, List.of(in(3, 1, 4, 1)), x -> x[0].squeeze().mul(2), "$0.squeeze().mul(2)",
                "$0.squeeze() * 2");
        add(c, "squeeze_dim", "squeeze", Role.OTHER, List.of(in(3, 1, 4, 1)), x -> x[0].squeeze(1).mul(2), "$0.squeeze(1).mul(2)",
                "$0.squeeze(1) * 2");
        add(c, "expand", "expand", Role.OTHER, List.of(in(3, 1)), x -> x[0].expand(2, 3, 4).mul(x[0]), "$0.expand(2, 3, 4).mul($0)",
                "$0.expand(2, 3, 4) * $0");
        add(c, "slice", "slice", Role.OTHER, List.of(in(4, 3)), x -> x[0].slice(0, 1, 3).mul(x[0].slice(0, 0, 2)),
                "$0.slice(0, 1, 3).mul($0.slice(0, 0, 2))", "$0[1:3] * $0[0:2]");
        add(c, "slice_negative", "slice", Role.OTHER, List.of(in(4, 3)), x -> x[0].slice(0, -2, 99).mul(x[0].slice(0, 0, -2)),
                "$0.slice(0, -2, 99).mul($0.slice(0, 0, -2))", "$0[-2:99] * $0[0:-2]");
        add(c, "select", "select", Role.OTHER, List.of(in(3, 4, 2)), x -> x[0].select(1, -1).mul(x[0].select(1, 0)),
                "$0.select(1, -1).mul($0.select(1, 0))", "$0[:, -1] * $0[:, 0]");
        add(c, "split_sizes", "split", Role.OTHER, List.of(in(3, 5)), x -> x[0].split(new int[] {1, 4}, 1).get(1).mul(2),
                "$0.split(new int[] {1, 4}, 1).get(1).mul(2)", "$0.split([1, 4], 1)[1] * 2");
        add(c, "split_size", "split", Role.OTHER, List.of(in(3, 5)),
                x -> Tensor.cat(List.of(x[0].split(2, 1).get(2), x[0].split(2, 1).get(0)), 1),
                "Tensor.cat(List.of($0.split(2, 1).get(2), $0.split(2, 1).get(0)), 1)",
                "torch.cat([$0.split(2, 1)[2], $0.split(2, 1)[0]], 1)");
        add(c, "chunk", "chunk", Role.OTHER, List.of(in(7, 2)), x -> x[0].chunk(3, 0).get(2).mul(3), "$0.chunk(3, 0).get(2).mul(3)",
                "$0.chunk(3, 0)[2] * 3");
        add(c, "cat", "cat", Role.OTHER, List.of(in(2, 3), in(2, 4)), x -> Tensor.cat(List.of(x[0], x[1], x[0]), 1),
                "Tensor.cat(List.of($0, $1, $0), 1)", "torch.cat([$0, $1, $0], 1)");
        add(c, "stack", "stack", Role.OTHER, List.of(in(2, 3), in(2, 3)), x -> Tensor.stack(List.of(x[0], x[1]), 1),
                "Tensor.stack(List.of($0, $1), 1)", "torch.stack([$0, $1], 1)");
        add(c, "contiguous", "contiguous", Role.OTHER, List.of(in(3, 4)), x -> x[0].t().contiguous().mul(2),
                "$0.t().contiguous().mul(2)", "$0.t().contiguous() * 2");
        // reductions
        add(c, "sum_all", "sum", Role.OTHER, List.of(in(3, 4)), x -> x[0].sum(), "$0.sum()", "$0.sum()");
        add(c, "sum_last_keepdim", "sum", Role.UNARY, List.of(in(3, 4)), x -> x[0].sum(-1, true), "$0.sum(-1, true)",
                "$0.sum(-1, keepdim=True)");
        add(c, "sum_middle", "sum", Role.OTHER, List.of(in(2, 3, 4)), x -> x[0].sum(1, false), "$0.sum(1, false)", "$0.sum(1)");
        add(c, "sum_two_dims", "sum", Role.OTHER, List.of(in(2, 3, 4)), x -> x[0].sum(new int[] {0, 2}, true),
                "$0.sum(new int[] {0, 2}, true)", "$0.sum((0, 2), keepdim=True)");
        add(c, "mean_all", "mean", Role.OTHER, List.of(in(3, 4)), x -> x[0].mean(), "$0.mean()", "$0.mean()");
        add(c, "mean_first_keepdim", "mean", Role.UNARY, List.of(in(3, 4)), x -> x[0].mean(0, true), "$0.mean(0, true)",
                "$0.mean(0, keepdim=True)");
        add(c, "mean_dims", "mean", Role.OTHER, List.of(in(2, 3, 4)), x -> x[0].mean(new int[] {1}, true),
                "$0.mean(new int[] {1}, true)", "$0.mean((1,), keepdim=True)");
        add(c, "max_all", "max", Role.OTHER, List.of(in(3, 4)), x -> x[0].max(), "$0.max()", "$0.max()");
        add(c, "max_dim", "max", Role.OTHER, List.of(in(3, 4)), x -> x[0].max(1, false), "$0.max(1, false)", "$0.max(1).values");
        add(c, "max_dim0_keepdim", "max", Role.OTHER, List.of(in(3, 4)), x -> x[0].max(0, true), "$0.max(0, true)",
                "$0.max(0, keepdim=True).values");
        add(c, "attention", "scaledDotProductAttention", Role.OTHER, List.of(in(2, 3, 4), in(2, 5, 4), in(2, 5, 3)),
                x -> Tensor.scaledDotProductAttention(x[0], x[1], x[2], null, false),
                "Tensor.scaledDotProductAttention($0, $1, $2, null, false)",
                "torch.softmax($0 @ $1.transpose(-2, -1) / 2.0, -1) @ $2");
        add(c, "attention_causal_masked", "scaledDotProductAttention", Role.OTHER,
                List.of(in(2, 4, 4), in(2, 4, 4), in(2, 4, 3), mask(4, 4)),
                x -> Tensor.scaledDotProductAttention(x[0], x[1], x[2], x[3].add(eye(4, x[3].dtype())).gt(0), true),
                "Tensor.scaledDotProductAttention($0, $1, $2, $3.add(eye).gt(0), true)",
                "torch.softmax(($0 @ $1.transpose(-2, -1) / 2.0).masked_fill(torch.ones(4, 4).triu(1).bool(), float('-inf'))"
                        + ".masked_fill(($3 + torch.eye(4, dtype=$3.dtype)) == 0, float('-inf')), -1) @ $2");
        add(c, "softmax_last", "softmax", Role.UNARY, List.of(in(3, 4)), x -> x[0].softmax(-1), "$0.softmax(-1)",
                "torch.softmax($0, -1)");
        add(c, "softmax_dim0", "softmax", Role.OTHER, List.of(in(3, 4)), x -> x[0].softmax(0), "$0.softmax(0)",
                "torch.softmax($0, 0)");
        add(c, "log_softmax_last", "logSoftmax", Role.UNARY, List.of(in(3, 4)), x -> x[0].logSoftmax(-1), "$0.logSoftmax(-1)",
                "torch.log_softmax($0, -1)");
        add(c, "log_softmax_middle", "logSoftmax", Role.OTHER, List.of(in(2, 3, 4)), x -> x[0].logSoftmax(1),
                "$0.logSoftmax(1)", "torch.log_softmax($0, 1)");
        add(c, "transpose_back", "transpose", Role.UNARY, List.of(in(3, 3)), x -> x[0].transpose(-1, -2).transpose(-1, -2),
                "$0.transpose(-1, -2).transpose(-1, -2)", "$0.transpose(-1, -2).transpose(-1, -2)");
        // convolution and pooling (NCHW)
        conv(c, "conv2d", new int[] {2, 3, 5, 6}, new int[] {4, 3, 3, 3}, true, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1);
        conv(c, "conv2d_stride2_padding", new int[] {2, 3, 7, 6}, new int[] {4, 3, 3, 3}, true, new int[] {2, 2}, new int[] {1, 1},
                new int[] {1, 1}, 1);
        conv(c, "conv2d_dilation", new int[] {1, 2, 7, 7}, new int[] {3, 2, 3, 3}, true, new int[] {1, 1}, new int[] {2, 1},
                new int[] {2, 2}, 1);
        conv(c, "conv2d_groups", new int[] {2, 4, 5, 5}, new int[] {6, 2, 3, 3}, false, new int[] {1, 2}, new int[] {1, 0},
                new int[] {1, 1}, 2);
        conv(c, "conv2d_depthwise", new int[] {1, 3, 6, 5}, new int[] {3, 1, 3, 2}, true, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, 3);
        conv(c, "conv2d_1x1", new int[] {2, 5, 4, 3}, new int[] {2, 5, 1, 1}, true, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, 1);
        conv(c, "conv2d_rectangular_odd", new int[] {1, 2, 9, 7}, new int[] {3, 2, 2, 5}, true, new int[] {3, 2}, new int[] {1, 2},
                new int[] {1, 1}, 1);
        add(c, "conv_transpose2d", "convTranspose2d", Role.OTHER, List.of(in(2, 4, 3, 4), in(4, 3, 3, 3), in(3)),
                x -> Tensor.convTranspose2d(x[0], x[1], x[2], new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1),
                "Tensor.convTranspose2d($0, $1, $2, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1)",
                "F.conv_transpose2d($0, $1, $2, stride=2, padding=1, output_padding=1)");
        add(c, "conv_transpose2d_groups_dilation", "convTranspose2d", Role.OTHER, List.of(in(1, 4, 4, 3), in(4, 1, 2, 3)),
                x -> Tensor.convTranspose2d(x[0], x[1], null, new int[] {1, 2}, new int[] {0, 1}, new int[] {0, 1}, new int[] {2, 1}, 2),
                "Tensor.convTranspose2d($0, $1, null, new int[] {1, 2}, new int[] {0, 1}, new int[] {0, 1}, new int[] {2, 1}, 2)",
                "F.conv_transpose2d($0, $1, None, stride=(1, 2), padding=(0, 1), output_padding=(0, 1), groups=2, dilation=(2, 1))");
        add(c, "adaptive_avg_pool2d", "adaptiveAvgPool2d", Role.OTHER, List.of(in(2, 2, 7, 5)), x -> x[0].adaptiveAvgPool2d(3, 2),
                "$0.adaptiveAvgPool2d(3, 2)", "F.adaptive_avg_pool2d($0, (3, 2))");
        add(c, "batch_norm_training", "batchNorm", Role.OTHER, List.of(in(3, 4, 5, 2), in(4), in(4)),
                x -> Tensor.batchNorm(x[0], Tensor.zeros(x[0].dtype(), 4), Tensor.ones(x[0].dtype(), 4), x[1], x[2], true, 0.1, 1e-5),
                "Tensor.batchNorm($0, Tensor.zeros($0.dtype(), 4), Tensor.ones($0.dtype(), 4), $1, $2, true, 0.1, 1e-5)",
                "F.batch_norm($0, torch.zeros(4, dtype=torch.float64), torch.ones(4, dtype=torch.float64), $1, $2, training=True, "
                        + "momentum=0.1, eps=1e-5)");
        add(c, "upsample_nearest", "upsampleNearest", Role.OTHER, List.of(in(1, 2, 3, 2)), x -> x[0].upsampleNearest(2),
                "$0.upsampleNearest(2)", "F.interpolate($0, scale_factor=2, mode='nearest')");
        add(c, "max_pool2d", "maxPool2d", Role.OTHER, List.of(in(2, 3, 6, 5)), x -> x[0].maxPool2d(2), "$0.maxPool2d(2)",
                "F.max_pool2d($0, 2)");
        add(c, "max_pool2d_stride_padding", "maxPool2d", Role.OTHER, List.of(in(1, 2, 7, 7)),
                x -> x[0].maxPool2d(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}),
                "$0.maxPool2d(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1})", "F.max_pool2d($0, 3, 2, 1)");
        add(c, "avg_pool2d", "avgPool2d", Role.OTHER, List.of(in(2, 3, 6, 5)), x -> x[0].avgPool2d(2), "$0.avgPool2d(2)",
                "F.avg_pool2d($0, 2)");
        add(c, "avg_pool2d_stride_padding", "avgPool2d", Role.OTHER, List.of(in(1, 2, 7, 6)),
                x -> x[0].avgPool2d(new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 1}),
                "$0.avgPool2d(new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 1})", "F.avg_pool2d($0, (3, 2), (2, 1), 1)");
        // fused recurrences (no PyTorch text: their packed output has no one-line torch equivalent; the models' rnn
        // references compare the LSTM and GRU layers built on them with PyTorch)
        c.add(new Case("lstm_lengths", "RecurrentOps.lstm", Role.OTHER, List.of(in(3, 2, 8), in(8, 2), in(8), in(2, 2), in(2, 2)),
                x -> RecurrentOps.lstm(x[0], x[1], x[2], x[3], x[4], new int[] {3, 2}, false),
                "RecurrentOps.lstm($0, $1, $2, $3, $4, new int[] {3, 2}, false)", null, true, true));
        c.add(new Case("gru_reverse", "RecurrentOps.gru", Role.OTHER, List.of(in(3, 2, 6), in(6, 2), in(6), in(2, 2)),
                x -> RecurrentOps.gru(x[0], x[1], x[2], x[3], null, true), "RecurrentOps.gru($0, $1, $2, $3, null, true)", null, true,
                true));
        // losses
        for (Losses.Reduction r : Losses.Reduction.values()) {
            String jr = "Losses.Reduction." + r;
            String pr = "'" + r.name().toLowerCase() + "'";
            String s = "_" + r.name().toLowerCase();
            add(c, "mse" + s, "Losses.mse", Role.OTHER, List.of(in(4, 3), in(4, 3)), x -> Losses.mse(x[0], x[1], r),
                    "Losses.mse($0, $1, " + jr + ")", "F.mse_loss($0, $1, reduction=" + pr + ")");
            add(c, "l1" + s, "Losses.l1", Role.OTHER, List.of(Input.of(Domain.AWAY_FROM_ZERO, 4, 3), in(4, 3)),
                    x -> Losses.l1(x[0].mul(3), x[1], r), "Losses.l1($0.mul(3), $1, " + jr + ")",
                    "F.l1_loss($0 * 3, $1, reduction=" + pr + ")");
            add(c, "bce" + s, "Losses.bce", Role.OTHER, List.of(Input.of(Domain.UNIT, 4, 3), Input.of(Domain.UNIT, 4, 3)),
                    x -> Losses.bce(x[0], x[1], r), "Losses.bce($0, $1, " + jr + ")",
                    "F.binary_cross_entropy($0, $1, reduction=" + pr + ")");
            add(c, "bce_with_logits" + s, "Losses.bceWithLogits", Role.OTHER, List.of(in(4, 3), Input.of(Domain.UNIT, 4, 3)),
                    x -> Losses.bceWithLogits(x[0], x[1], r), "Losses.bceWithLogits($0, $1, " + jr + ")",
                    "F.binary_cross_entropy_with_logits($0, $1, reduction=" + pr + ")");
            add(c, "cross_entropy" + s, "Losses.crossEntropy", Role.OTHER, List.of(in(4, 3)),
                    x -> Losses.crossEntropy(x[0], new int[] {0, 2, 1, 2}, r),
                    "Losses.crossEntropy($0, new int[] {0, 2, 1, 2}, " + jr + ")",
                    "F.cross_entropy($0, torch.tensor([0, 2, 1, 2]), reduction=" + pr + ")");
            add(c, "nll" + s, "Losses.nll", Role.OTHER, List.of(in(4, 3)),
                    x -> Losses.nll(x[0].logSoftmax(1), new int[] {1, 1, 0, 2}, r),
                    "Losses.nll($0.logSoftmax(1), new int[] {1, 1, 0, 2}, " + jr + ")",
                    "F.nll_loss(torch.log_softmax($0, 1), torch.tensor([1, 1, 0, 2]), reduction=" + pr + ")");
        }
        return Collections.unmodifiableList(c);
    }

    private static void add(List<Case> c, String name, String method, Role role, List<Input> inputs, Function<Tensor[], Tensor> op,
            String java, String torch) {
        c.add(new Case(name, method, role, inputs, op, java, torch, true, true));
    }

    /** A conv2d case: its input, weight and (optionally) bias, and the call in Java and PyTorch. */
    private static void conv(List<Case> c, String name, int[] x, int[] w, boolean bias, int[] stride, int[] padding, int[] dilation,
            int groups) {
        String args = ", new int[] {" + stride[0] + ", " + stride[1] + "}, new int[] {" + padding[0] + ", " + padding[1]
                + "}, new int[] {" + dilation[0] + ", " + dilation[1] + "}, " + groups + ")";
        String torchArgs = ", stride=(" + stride[0] + ", " + stride[1] + "), padding=(" + padding[0] + ", " + padding[1]
                + "), dilation=(" + dilation[0] + ", " + dilation[1] + "), groups=" + groups + ")";
        List<Input> inputs = bias ? List.of(in(x), in(w), in(w[0])) : List.of(in(x), in(w));
        add(c, name, "conv2d", Role.OTHER, inputs,
                t -> Tensor.conv2d(t[0], t[1], bias ? t[2] : null, stride, padding, dilation, groups),
                "Tensor.conv2d($0, $1, " + (bias ? "$2" : "null") + args, "F.conv2d($0, $1, " + (bias ? "$2" : "None") + torchArgs);
    }

    private static String shapeName(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int s : shape) {
            sb.append(sb.length() == 0 ? "" : "x").append(s);
        }
        return sb.length() == 0 ? "scalar" : sb.toString();
    }
}
