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
