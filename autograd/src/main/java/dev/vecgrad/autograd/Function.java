package dev.vecgrad.autograd;

import java.util.IdentityHashMap;

/**
 * A differentiable operation defined by its forward computation and its derivative, as
 * PyTorch's {@code torch.autograd.Function} or jax's {@code custom_vjp}: the public door for
 * ops the library does not have, on the same mechanism as the library's own ops (its
 * {@link Context} is the graph node; the library's fused ops, the losses, the recurrences and
 * convolution, use the same entry point without the checks of {@link #apply}).
 *
 * <pre>{@code
 * Function swish = Function.of("swish",
 *     (ctx, in) -> {                                  // forward: y = x * sigmoid(x)
 *         Tensor s = in[0].sigmoid();
 *         ctx.saveForBackward(in[0], s);
 *         return in[0].mul(s);
 *     },
 *     (ctx, g) -> {                                   // backward: dy/dx = s (1 + x (1 - s))
 *         Tensor x = ctx.saved(0), s = ctx.saved(1);
 *         return new Tensor[] {g.mul(s.mul(x.mul(s.rsub(1)).add(1)))};
 *     });
 * Tensor y = swish.apply(x);
 * GradCheck.check(in -> swish.apply(in[0]), x);         // verify the derivative
 * }</pre>
 *
 * <p>{@code forward} runs with graph recording off, so the ops inside it are not recorded:
 * the function is one node of the graph, named {@link #name()}. {@code backward} receives the
 * gradient of the output and returns one gradient per input (null for an input that needs
 * none, see {@link Context#needsInputGrad}); each must have its input's shape and dtype, which
 * the engine checks, naming the function. Tensors saved with {@link Context#saveForBackward}
 * are checked for in-place writes before backward runs; so backward should read tensors only
 * through {@code ctx}, as the library's own derivatives do (a tensor its lambda captures
 * escapes the check). Backward itself is not recorded (no gradients of gradients).
 *
 * <p>Instances are immutable and may be shared between threads; each {@link #apply} gets a
 * fresh {@link Context}.
 */
public abstract class Function {

    /** The forward computation of {@link #of}. */
    @FunctionalInterface
    public interface Forward {
        Tensor apply(Context ctx, Tensor[] inputs);
    }

    /** The derivative of {@link #of}: input gradients from the output gradient. */
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Context ctx, Tensor gradOutput);
    }

    private final String name;

    /** @param name the op's name in the graph, in error messages and in {@link Tensor#gradFn()} */
    protected Function(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Function: a name is required");
        }
        this.name = name;
    }

    /** A function from two lambdas. */
    public static Function of(String name, Forward forward, Backward backward) {
        return new Function(name) {
            @Override
            protected Tensor forward(Context ctx, Tensor... inputs) {
                return forward.apply(ctx, inputs);
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor gradOutput) {
                return backward.apply(ctx, gradOutput);
            }
        };
    }

    public final String name() {
        return name;
    }

    /** Computes the output from the inputs (graph recording is off here); saves what backward needs. */
    protected abstract Tensor forward(Context ctx, Tensor... inputs);

    /** The gradients of the inputs, in order, from the gradient of the output. */
    protected abstract Tensor[] backward(Context ctx, Tensor gradOutput);

    /**
     * Runs the function and, when grad mode is on and an input requires grad, records it in
     * the graph. A thin layer on the engine's entry point ({@code Autograd.apply}), the one the
     * library's fused ops go through: its context is the graph node, created before forward so
     * that forward saves into it. On top, the function's gradients are checked (count, shape,
     * dtype) and a forward tensor returned as a gradient is copied.
     *
     * @throws IllegalArgumentException if an input is null
     * @throws IllegalStateException if forward returns null
     */
    public final Tensor apply(Tensor... args) {
        Tensor[] inputs = args.clone();
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new IllegalArgumentException(name + ": input " + i + " is null");
            }
        }
        return Autograd.apply(name, engineForward, engineBackward, inputs);
    }

    /** {@link #forward} as the engine calls it. */
    private final Forward engineForward = this::forward;

    /** The engine's view of {@link #backward}: checks what it returns. Captures only this function. */
    private final Node.Backward engineBackward = this::checkedGradients;

    private Tensor[] checkedGradients(Context context, Tensor g) {
        Node ctx = (Node) context;
        Tensor[] inputs = ctx.inputs;
        Tensor[] grads = backward(ctx, g);
        if (grads == null || grads.length != inputs.length) {
            throw new IllegalStateException(name + ": backward returned " + (grads == null ? "null" : grads.length + " gradients")
                    + " for " + inputs.length + " inputs");
        }
        IdentityHashMap<Storage, Boolean> forwardStorage = new IdentityHashMap<>();
        for (Tensor t : inputs) {
            forwardStorage.put(t.storage, Boolean.TRUE);
        }
        for (int i = 0; i < ctx.savedCount; i++) {
            forwardStorage.put(ctx.saved[i].storage, Boolean.TRUE);
        }
        forwardStorage.put(ctx.forwardOutput, Boolean.TRUE);
        for (int i = 0; i < grads.length; i++) {
            Tensor gi = grads[i];
            if (gi == null) {
                continue;
            }
            if (!Shapes.same(gi.shape, inputs[i].shape) || gi.dtype != inputs[i].dtype) {
                throw new IllegalStateException(name + ": backward returned a gradient " + Shapes.str(gi.shape) + " "
                        + gi.dtype.torchName() + " for input " + i + ", which is " + Shapes.str(inputs[i].shape) + " "
                        + inputs[i].dtype.torchName());
            }
            if (forwardStorage.containsKey(gi.storage)) {
                // a forward tensor returned as a gradient must not become a leaf's .grad
                grads[i] = Views.copyRaw(gi);
            }
        }
        return grads;
    }
}
