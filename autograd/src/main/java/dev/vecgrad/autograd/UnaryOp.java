package dev.vecgrad.autograd;

import dev.vecgrad.autograd.Storage.Binary;
import dev.vecgrad.autograd.Storage.Unary;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * The elementwise functions without parameters, each declared once: its forward, whether the
 * derivative reads the input or the output, the derivative as a formula of that tensor s
 * and the output gradient g, the domain where finite differences check it, and its PyTorch
 * name. {@link Tensor}'s method of the same name applies it; {@link OpCatalog} turns every
 * entry into a gradient check, a PyTorch reference case and a fuzzer op. A new function is a
 * new entry here and a one-line method on {@link Tensor}.
 */
public enum UnaryOp {
    // d(-x) = -g
    NEG("neg", x -> Pointwise.map(x, Unary.NEG), Saves.NOTHING, (s, g) -> g.neg(), Domain.ANY, "torch.neg"),
    // d exp(x) = g * exp(x), from the output
    EXP("exp", x -> Pointwise.map(x, Unary.EXP), Saves.OUTPUT, (y, g) -> g.mul(y), Domain.BOUNDED, "torch.exp"),
    // d log(x) = g / x
    LOG("log", x -> Pointwise.map(x, Unary.LOG), Saves.INPUT, (x, g) -> g.div(x), Domain.POSITIVE, "torch.log"),
    // d sqrt(x) = g / (2 sqrt(x)), from the output
    SQRT("sqrt", x -> Pointwise.map(x, Unary.SQRT), Saves.OUTPUT, (y, g) -> g.div(y.mul(2)), Domain.POSITIVE, "torch.sqrt"),
    // d |x| = g * sign(x), sign(0) = 0 as in PyTorch
    ABS("abs", x -> Pointwise.map(x, Unary.ABS), Saves.INPUT, (x, g) -> g.mul(Pointwise.sign(x)), Domain.AWAY_FROM_ZERO,
            "torch.abs"),
    // d relu(x) = g where x > 0 (relu'(0) = 0)
    RELU("relu", x -> Pointwise.map(x, Unary.RELU), Saves.INPUT, (x, g) -> Pointwise.zip(x, g, Binary.RELU_BACKWARD, 0),
            Domain.AWAY_FROM_ZERO, "torch.relu"),
    // d sigmoid(x) = g * y * (1 - y), from the output
    SIGMOID("sigmoid", x -> Pointwise.map(x, Unary.SIGMOID), Saves.OUTPUT,
            (y, g) -> Pointwise.zip(y, g, Binary.SIGMOID_BACKWARD, 0), Domain.ANY, "torch.sigmoid"),
    // d tanh(x) = g * (1 - y^2), from the output
    TANH("tanh", x -> Pointwise.map(x, Unary.TANH), Saves.OUTPUT, (y, g) -> Pointwise.zip(y, g, Binary.TANH_BACKWARD, 0),
            Domain.ANY, "torch.tanh"),
    // d gelu(x) = g * (Phi(x) + x phi(x))
    GELU("gelu", x -> Pointwise.map(x, Unary.GELU), Saves.INPUT, (x, g) -> Pointwise.zip(x, g, Binary.GELU_BACKWARD, 0),
            Domain.ANY, "torch.nn.functional.gelu"),
    // d gelu_tanh(x) = g * the tanh form's derivative
    GELU_TANH("gelu(tanh)", x -> Pointwise.map(x, Unary.GELU_TANH), Saves.INPUT,
            (x, g) -> Pointwise.zip(x, g, Binary.GELU_TANH_BACKWARD, 0), Domain.ANY,
            "lambda t: torch.nn.functional.gelu(t, approximate='tanh')"),
    // d softplus(x) = g * sigmoid(x); forward max(x, 0) + log(1 + exp(-|x|)), stable for any x
    SOFTPLUS("softplus", x -> x.relu().add(x.abs().neg().exp().add(1).log()), Saves.INPUT, (x, g) -> g.mul(x.sigmoid()),
            Domain.ANY, "torch.nn.functional.softplus");

    /** Which tensor the derivative reads. */
    enum Saves { NOTHING, INPUT, OUTPUT }

    private final String opName;
    private final UnaryOperator<Tensor> forward;
    private final Saves saves;
    /** The derivative as the engine calls it: the saved tensor (if any) from the context. */
    private final Node.Backward backward;
    private final Domain domain;
    private final String torch;

    UnaryOp(String opName, UnaryOperator<Tensor> forward, Saves saves, BinaryOperator<Tensor> derivative, Domain domain,
            String torch) {
        this.opName = opName;
        this.forward = forward;
        this.saves = saves;
        this.backward = saves == Saves.NOTHING
                ? (ctx, g) -> new Tensor[] {derivative.apply(null, g)}
                : (ctx, g) -> new Tensor[] {derivative.apply(ctx.saved(0), g)};
        this.domain = domain;
        this.torch = torch;
    }

    /** The op's name in the graph ({@link Tensor#gradFn()}). */
    public String opName() {
        return opName;
    }

    /** Where finite differences check the derivative. */
    public Domain domain() {
        return domain;
    }

    /** The PyTorch function computing the same, as Python text applied to one tensor. */
    public String torch() {
        return torch;
    }

    /** The function applied to x, recorded for backward. */
    public Tensor apply(Tensor x) {
        Tensor y;
        try (var noGrad = Grad.disabled()) {
            y = forward.apply(x);
        }
        Tensor s = switch (saves) {
            case NOTHING -> null;
            case INPUT -> x;
            case OUTPUT -> y;
        };
        return Autograd.record(opName, y, s == null ? null : new Tensor[] {s}, backward, x);
    }
}
