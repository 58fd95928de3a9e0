package dev.vecgrad.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine: records ops as they run, and runs the chain rule backwards.
 *
 * <p>backward: a depth-first walk from the output lists every tensor on a path to a leaf
 * that requires grad, in topological order; then, from the output back, each op turns its
 * output's gradient into its inputs' gradients, which are added up per tensor (the
 * shared-weight rule: a tensor used twice gets the sum of both paths). Reverse topological
 * order runs a tensor's op only after all its users have added their share. Leaves add into
 * {@link Tensor#grad()}; intermediate gradients are dropped once used.
 *
 * <p>Every op enters the graph one way, as a {@link Node} that is also the {@link Context} its
 * derivative receives: {@code backward(ctx, g)} reads saved tensors only through ctx (all
 * version-checked) and returns one gradient per input, which the engine sums back to the
 * input's shape when the op broadcast it. {@link #record(String, Tensor, Tensor[], Node.Backward, Tensor...)}
 * takes an op whose forward ran inline with the tensors it saves; {@link #apply} runs a forward
 * that saves into the node as it goes (the shape of {@code torch.autograd.Function}); the public
 * {@link Function} is {@code apply} plus checks of what a user's backward returns.
 */
final class Autograd {

    /** Numbers the backward passes, for {@link Storage#heldInPass}. */
    private static final AtomicLong PASSES = new AtomicLong();

    private Autograd() {}

    /** As {@link #record(String, Tensor, Tensor[], Node.Backward, Tensor...)} for an op whose derivative reads no tensor but the gradient. */
    static Tensor record(String op, Tensor out, Node.Backward backward, Tensor... inputs) {
        return record(op, out, null, backward, inputs);
    }

    /**
     * Records an op whose forward has run inline (the library's ops other than the fused ones):
     * checks the output for NaN/Inf under anomaly
     * detection, and when grad mode is on and an input requires grad, attaches the node that
     * will differentiate it. {@code saved} is the op's {@code ctx.saveForBackward}: every tensor
     * the derivative reads (inputs, the output, intermediates), which {@code backward} gets back
     * through its context only ({@link Context#saved}); backward refuses to run if one of them
     * is written in place in the meantime. {@code backward} captures no tensor (see {@link Node}).
     * A gradient it returns in the output's broadcast shape is summed back to its input's shape
     * by the engine.
     */
    static Tensor record(String op, Tensor out, Tensor[] saved, Node.Backward backward, Tensor... inputs) {
        if (Grad.checkForward()) {
            Anomaly.checkForward(op, out);
        }
        if (!recording(inputs)) {
            return out;
        }
        return attach(out, new Node(op, inputs, saved, backward));
    }

    /**
     * As {@link #record(String, Tensor, Tensor[], Node.Backward, Tensor...)} for a node made
     * before its forward ran, whose forward saved its tensors into the node itself
     * ({@link Function}): the saved tensors' versions are taken now.
     */
    static Tensor record(Tensor out, Node node) {
        node.seal();
        if (Grad.checkForward()) {
            Anomaly.checkForward(node.op, out);
        }
        if (!recording(node.inputs)) {
            return out;
        }
        return attach(out, node);
    }

    /**
     * The entry point in the shape of {@code torch.autograd.Function}, for ops whose forward
     * saves tensors as it goes (the fused ops: convolution, the losses, the recurrences, and
     * every {@link Function}): creates the node, runs {@code forward} with recording off and
     * the node as its context ({@link Context#saveForBackward}, {@link Context#needsInputGrad}),
     * then records as {@link #record(Tensor, Node)}. The output is a fresh tensor object over
     * forward's result, so that recording never rewrites an input or a saved tensor.
     *
     * @throws IllegalStateException if forward returns null
     */
    static Tensor apply(String op, Function.Forward forward, Node.Backward backward, Tensor... inputs) {
        boolean[] needs = new boolean[inputs.length];
        boolean enabled = Grad.isEnabled();
        for (int i = 0; i < inputs.length; i++) {
            needs[i] = enabled && inputs[i].requiresGrad();
        }
        Node ctx = new Node(op, inputs, needs, backward);
        Tensor out;
        try (var noGrad = Grad.disabled()) {
            out = forward.apply(ctx, inputs.clone());
        }
        if (out == null) {
            throw new IllegalStateException(op + ": forward returned null");
        }
        Tensor result = new Tensor(out.shape, out.strides, out.offset, out.storage);
        ctx.forwardOutput = result.storage;
        return record(result, ctx);
    }

    /** True when grad mode is on and an input requires grad. */
    private static boolean recording(Tensor[] inputs) {
        if (!Grad.isEnabled()) {
            return false;
        }
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    private static Tensor attach(Tensor out, Node node) {
        out.requiresGrad(true);
        out.node = node;
        return out;
    }

    static void backward(Tensor root, Tensor seed, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the tensor does not require grad and has no grad_fn"
                    + " (no input of the computation had requiresGrad(true), or it ran under Grad.disabled())");
        }
        if (seed.dtype != root.dtype || !Shapes.same(seed.shape, root.shape)) {
            throw new IllegalArgumentException("backward: the seed is " + Shapes.str(seed.shape) + " " + seed.dtype.torchName()
                    + ", the tensor " + Shapes.str(root.shape) + " " + root.dtype.torchName());
        }
        List<Tensor> order = topologicalOrder(root);
        // storages already held by a leaf's .grad or by the caller are marked with this pass: a gradient over one is copied
        long pass = PASSES.incrementAndGet();
        seed.storage.heldInPass = pass;
        root.pending = seed;
        try {
            run(order, pass, retainGraph);
        } finally {
            // a backward that throws half way must leave no partial gradient for the next one
            for (Tensor t : order) {
                t.pending = null;
            }
        }
    }

    /** The chain rule over the tensors in topological order, from the output back. */
    private static void run(List<Tensor> order, long pass, boolean retainGraph) {
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            Tensor g = t.pending;
            t.pending = null;
            if (g == null) {
                continue;
            }
            Node node = t.node;
            if (node == null) {
                accumulateLeaf(t, g, pass);
                continue;
            }
            if (t.retainsGrad) {
                Tensor gc = g.contiguous();
                t.grad = t.grad == null ? Views.copyRaw(gc) : Pointwise.addRaw(t.grad, gc);
            }
            if (node.released()) {
                throw new IllegalStateException("backward: trying to backward through the graph a second time (op '"
                        + node.op + "'): its saved values were freed by the first backward; pass retainGraph = true the first time");
            }
            node.checkSavedUnchanged();
            Tensor[] inputs = node.inputs;
            Tensor[] grads;
            try (var noGrad = Grad.disabled(); var running = Grad.backwardRunning()) {
                grads = node.backward.apply(node, g);
                // a gradient in the broadcast shape of the output is summed back to its input's shape
                for (int k = 0; k < inputs.length; k++) {
                    Tensor in = inputs[k];
                    if (in != null && in.requiresGrad() && grads[k] != null) {
                        grads[k] = Pointwise.reduceTo(grads[k], in.shape);
                    }
                }
            }
            for (int k = 0; k < inputs.length; k++) {
                Tensor in = inputs[k];
                if (in == null || !in.requiresGrad() || grads[k] == null) {
                    continue;
                }
                if (Grad.anomalyDetection()) {
                    Anomaly.checkBackward(node.op, k, grads[k]);
                }
                in.pending = in.pending == null ? grads[k] : Pointwise.addRaw(in.pending, grads[k]);
            }
            if (!retainGraph) {
                node.release();
            }
        }
    }

    /**
     * First gradient: kept as is (made contiguous) when its storage is held by nothing else,
     * since copying the first-layer weight gradient of an MLP cost a fifth of its backward
     * pass; copied when the storage is the caller's seed or already another leaf's gradient
     * (a pass-through op such as {@code a.add(b)} hands one gradient to both inputs), so that
     * changing one {@code .grad} in place never changes another.
     */
    private static void accumulateLeaf(Tensor leaf, Tensor g, long pass) {
        Tensor gc = g.contiguous();
        if (leaf.grad == null) {
            if (gc.storage.heldInPass == pass) {
                leaf.grad = Views.copyRaw(gc);
            } else {
                gc.storage.heldInPass = pass;
                leaf.grad = gc;
            }
        } else {
            if (!Shapes.same(leaf.grad.shape, gc.shape)) {
                throw new IllegalStateException("backward: gradient " + Shapes.str(gc.shape) + " for a leaf of shape "
                        + Shapes.str(leaf.shape));
            }
            leaf.grad = Pointwise.addRaw(leaf.grad, gc);
        }
    }

    /** Tensors reachable from root through inputs that require grad, inputs before users. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Tensor[] inputs = t.node == null || t.node.inputs == null ? new Tensor[0] : t.node.inputs;
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad() && seen.put(in, Boolean.TRUE) == null) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
