package dev.vecgrad.models.optim;

import dev.vecgrad.autograd.InPlace;
import dev.vecgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the optimizers, as {@code torch.optim.Optimizer}: parameter groups, each with its
 * own learning rate; per-parameter state created on the first step; {@link #zeroGrad()} and
 * {@link #step()}. Updates run in place on the parameters' storage with the vector kernels
 * (float32 or float64 alike); parameters without a gradient are skipped.
 */
public abstract class Optimizer {

    /** Parameters sharing a learning rate. */
    public static final class ParamGroup {
        final List<Tensor> params;
        double lr;
        /** The rate when the first scheduler was attached (PyTorch's {@code initial_lr}); NaN before. */
        double initialLr = Double.NaN;

        public ParamGroup(List<Tensor> params, double lr) {
            this.params = List.copyOf(params);
            this.lr = lr;
        }

        public List<Tensor> params() {
            return params;
        }

        public double lr() {
            return lr;
        }
    }

    protected final List<ParamGroup> groups = new ArrayList<>();
    private boolean maximize;
    private final Map<Tensor, double[]> scalars = new IdentityHashMap<>();
    private final Map<Tensor, Map<String, Tensor>> buffers = new IdentityHashMap<>();

    protected Optimizer(List<Tensor> params, double lr) {
        this(List.of(new ParamGroup(params, lr)));
    }

    protected Optimizer(List<ParamGroup> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameter groups");
        }
        for (ParamGroup g : groups) {
            checkLr(g.lr);
            for (Tensor p : g.params) {
                if (!p.requiresGrad()) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": a parameter " + java.util.Arrays.toString(p.shape())
                            + " does not require grad");
                }
            }
        }
        this.groups.addAll(groups);
    }

    private void checkLr(double lr) {
        if (!(lr >= 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid learning rate " + lr);
        }
    }

    public List<ParamGroup> paramGroups() {
        return List.copyOf(groups);
    }

    /** The learning rate of the first group. */
    public double lr() {
        return groups.get(0).lr;
    }

    /** Sets the learning rate of every group (what a schedule does). */
    public void setLr(double lr) {
        checkLr(lr);
        for (ParamGroup g : groups) {
            g.lr = lr;
        }
    }

    /** Sets the learning rate of one group. */
    public void setLr(int group, double lr) {
        checkLr(lr);
        groups.get(group).lr = lr;
    }

    /**
     * PyTorch's {@code maximize=True}: every update climbs the objective instead of descending it,
     * as if each gradient were negated before the update (weight decay included, as in PyTorch).
     *
     * @return this optimizer
     */
    public Optimizer maximize(boolean on) {
        this.maximize = on;
        return this;
    }

    /** Whether the updates maximize (see {@link #maximize(boolean)}). */
    public boolean maximizes() {
        return maximize;
    }

    /**
     * Sets the momentum a schedule cycles (OneCycleLR's {@code cycle_momentum}): SGD's and
     * RMSprop's momentum, Adam's, AdamW's and Adamax's beta1, as PyTorch picks them.
     *
     * @throws UnsupportedOperationException for an optimizer without one (Adagrad, Adadelta)
     */
    public void setMomentum(double momentum) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no momentum or beta1 to cycle");
    }

    /** The momentum {@link #setMomentum} sets; NaN when there is none. */
    public double momentum() {
        return Double.NaN;
    }

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (ParamGroup g : groups) {
            for (Tensor p : g.params) {
                p.zeroGrad();
            }
        }
    }

    /** One update of every parameter that has a gradient. */
    public void step() {
        for (ParamGroup g : groups) {
            for (Tensor p : g.params) {
                Tensor grad = p.grad();
                if (grad == null) {
                    continue;
                }
                if (!java.util.Arrays.equals(grad.shape(), p.shape())) {
                    throw new IllegalStateException("step: gradient " + java.util.Arrays.toString(grad.shape()) + " for a parameter "
                            + java.util.Arrays.toString(p.shape()));
                }
                Tensor d = grad.contiguous();
                update(p, maximize ? d.neg() : d, g.lr);
            }
        }
    }

    /** Updates one parameter in place from its gradient. */
    protected abstract void update(Tensor p, Tensor grad, double lr);

    /** Scalar state of a parameter (step counts), created zeroed with {@code size} entries. */
    protected double[] scalars(Tensor p, int size) {
        return scalars.computeIfAbsent(p, k -> new double[size]);
    }

    /** A state buffer of a parameter's shape and dtype, created filled with {@code init}. */
    protected Tensor buffer(Tensor p, String name, double init) {
        return buffers.computeIfAbsent(p, k -> new java.util.HashMap<>())
                .computeIfAbsent(name, k -> Tensor.full(p.dtype(), init, p.shape()));
    }

    /** True when the buffer exists already (PyTorch initializes some state from the first gradient). */
    protected boolean hasBuffer(Tensor p, String name) {
        Map<String, Tensor> m = buffers.get(p);
        return m != null && m.containsKey(name);
    }

    /**
     * The optimizer's state as named tensors, for a run that continues later (PyTorch's
     * {@code optimizer.state_dict()}, flattened): {@code state.I.NAME} for the buffers of the
     * I-th parameter over the groups in order ({@code exp_avg}, {@code momentum_buffer}, ...),
     * {@code state.I.scalars} for its step counts, and {@code param_groups.G} for each group's
     * rate and initial rate, all float64 where not the parameter's own dtype. Scratch space is
     * left out. The tensors are the live buffers: save them before the next step.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        int i = 0;
        for (ParamGroup g : groups) {
            for (Tensor p : g.params) {
                String prefix = "state." + i++ + ".";
                double[] s = scalars.get(p);
                if (s != null) {
                    out.put(prefix + "scalars", Tensor.of(s, s.length));
                }
                Map<String, Tensor> b = buffers.get(p);
                if (b != null) {
                    new java.util.TreeMap<>(b).forEach((name, t) -> {
                        if (!name.equals("scratch")) {
                            out.put(prefix + name, t);
                        }
                    });
                }
            }
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            out.put("param_groups." + gi, Tensor.of(new double[] {groups.get(gi).lr, groups.get(gi).initialLr}, 2));
        }
        return out;
    }

    /**
     * Continues from a {@link #stateDict()} of an optimizer of the same class over parameters of
     * the same shapes, in the same order.
     *
     * @throws IllegalArgumentException naming the first entry that does not fit; the optimizer is
     *         unchanged then
     */
    public void loadStateDict(Map<String, Tensor> state) {
        List<Tensor> params = new ArrayList<>();
        for (ParamGroup g : groups) {
            params.addAll(g.params);
        }
        Map<Tensor, double[]> newScalars = new IdentityHashMap<>();
        Map<Tensor, Map<String, Tensor>> newBuffers = new IdentityHashMap<>();
        double[][] rates = new double[groups.size()][];
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            Tensor t = e.getValue();
            String[] parts = key.split("\\.", 3);
            int index = parts.length >= 2 && parts[1].matches("[0-9]{1,9}") ? Integer.parseInt(parts[1]) : -1;
            if (parts[0].equals("param_groups") && parts.length == 2 && index >= 0 && index < groups.size()
                    && t.numel() == 2 && t.dtype() == dev.vecgrad.autograd.DType.F64) {
                rates[index] = t.toDoubleArray();
            } else if (parts[0].equals("state") && parts.length == 3 && index >= 0 && index < params.size()) {
                Tensor p = params.get(index);
                if (parts[2].equals("scalars")) {
                    if (t.dim() != 1 || t.dtype() != dev.vecgrad.autograd.DType.F64) {
                        throw new IllegalArgumentException("optimizer state '" + key + "' must be a float64 vector, got "
                                + java.util.Arrays.toString(t.shape()) + " " + t.dtype().torchName());
                    }
                    newScalars.put(p, t.toDoubleArray());
                } else {
                    if (!java.util.Arrays.equals(t.shape(), p.shape()) || t.dtype() != p.dtype()) {
                        throw new IllegalArgumentException("optimizer state '" + key + "' is " + java.util.Arrays.toString(t.shape()) + " "
                                + t.dtype().torchName() + ", its parameter " + java.util.Arrays.toString(p.shape()) + " "
                                + p.dtype().torchName());
                    }
                    newBuffers.computeIfAbsent(p, k -> new java.util.HashMap<>())
                            .put(parts[2], Tensor.zeros(p.dtype(), p.shape()).copyFrom(t));
                }
            } else {
                throw new IllegalArgumentException("optimizer state '" + key + "' does not fit " + getClass().getSimpleName() + " over "
                        + params.size() + " parameters in " + groups.size() + " group(s)");
            }
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            if (rates[gi] == null) {
                throw new IllegalArgumentException("optimizer state: missing param_groups." + gi);
            }
            checkLr(rates[gi][0]);
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            groups.get(gi).lr = rates[gi][0];
            groups.get(gi).initialLr = rates[gi][1];
        }
        scalars.clear();
        scalars.putAll(newScalars);
        buffers.clear();
        buffers.putAll(newBuffers);
    }

    // ---- vector-kernel updates on whole tensors (contiguous, same shape), float32 or float64 alike ----

    /** y += alpha x. */
    static void axpy(double alpha, Tensor x, Tensor y) {
        InPlace.axpy(alpha, x, y);
    }

    /** y *= alpha. */
    static void scale(double alpha, Tensor y) {
        InPlace.scale(alpha, y);
    }

    /** out = sqrt(x) + s. */
    static void sqrtAdd(Tensor x, double s, Tensor out) {
        InPlace.sqrt(x, out);
        InPlace.addScalar(out, s, out);
    }

    /** avg = decay avg + (1 - decay) x^2, with x^2 computed into {@code scratch} (x's shape). */
    static void decayingAverageOfSquares(Tensor avg, double decay, Tensor x, Tensor scratch) {
        scale(decay, avg);
        InPlace.mul(x, x, scratch);
        axpy(1 - decay, scratch, avg);
    }

    /** A fresh copy of g, or g + wd * p when weight decay is on (the L2 term PyTorch adds to the gradient). */
    static Tensor decayed(Tensor g, Tensor p, double weightDecay) {
        Tensor out = g.mul(1.0);
        if (weightDecay != 0) {
            axpy(weightDecay, p, out);
        }
        return out;
    }

    /**
     * Scales every gradient so that their global L2 norm is at most maxNorm, as
     * {@code torch.nn.utils.clip_grad_norm_}; returns the norm before clipping.
     */
    public static double clipGradNorm(List<Tensor> params, double maxNorm) {
        double sq = 0;
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g != null) {
                sq += InPlace.sumOfSquares(g);
            }
        }
        double norm = Math.sqrt(sq);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g != null) {
                    scale(coef, g);
                }
            }
        }
        return norm;
    }
}
