package dev.vecgrad.models.optim;

import dev.vecgrad.autograd.InPlace;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.optim.Optimizer.ParamGroup;
import java.util.List;

/**
 * The optimizers of {@code torch.optim} with PyTorch's update rules and defaults, as
 * nested classes: {@link SGD}, {@link Adam}, {@link AdamW}, {@link RMSprop}, {@link Adagrad},
 * {@link Adadelta}, {@link Adamax}. Each update is written as PyTorch's (1.13) in the comment
 * above it, and runs on the vector kernels over the flat parameter storage.
 */
public final class Optimizers {

    private Optimizers() {}

    /**
     * Optimizer options by name, as PyTorch's keyword arguments:
     * {@code Optimizers.of("adam", params, Optimizers.options().lr(1e-3).amsgrad(true))} is
     * {@code torch.optim.Adam(params, lr=1e-3, amsgrad=True)}. An option the optimizer does not
     * have is refused by name, so a value can never land in the wrong position; an option not
     * given keeps PyTorch's default. The positional constructors remain for the common cases.
     */
    public static final class Options {
        private final java.util.Map<String, Object> values = new java.util.LinkedHashMap<>();

        private Options set(String name, Object value) {
            values.put(name, value);
            return this;
        }

        /** The learning rate, {@code lr}. */
        public Options lr(double v) {
            return set("lr", v);
        }

        /** {@code momentum} (SGD, RMSprop). */
        public Options momentum(double v) {
            return set("momentum", v);
        }

        /** {@code dampening} of SGD's momentum. */
        public Options dampening(double v) {
            return set("dampening", v);
        }

        /** Nesterov momentum for SGD, {@code nesterov}. */
        public Options nesterov(boolean v) {
            return set("nesterov", v);
        }

        /** {@code betas} of Adam, AdamW and Adamax: the decay of the first and second moments. */
        public Options betas(double beta1, double beta2) {
            return set("betas", new double[] {beta1, beta2});
        }

        /** {@code eps}, added to the denominator for stability. */
        public Options eps(double v) {
            return set("eps", v);
        }

        /** {@code weight_decay}: L2 added to the gradient (decoupled for AdamW). */
        public Options weightDecay(double v) {
            return set("weight_decay", v);
        }

        /** Adam's and AdamW's {@code amsgrad} variant. */
        public Options amsgrad(boolean v) {
            return set("amsgrad", v);
        }

        /** {@code maximize}: climb the objective instead of descending it. */
        public Options maximize(boolean v) {
            return set("maximize", v);
        }

        /** RMSprop's smoothing constant, {@code alpha}. */
        public Options alpha(double v) {
            return set("alpha", v);
        }

        /** RMSprop's {@code centered} variant (normalized by the estimated variance). */
        public Options centered(boolean v) {
            return set("centered", v);
        }

        /** Adagrad's {@code lr_decay}. */
        public Options lrDecay(double v) {
            return set("lr_decay", v);
        }

        /** Adagrad's {@code initial_accumulator_value}. */
        public Options initialAccumulatorValue(double v) {
            return set("initial_accumulator_value", v);
        }

        /** Adadelta's {@code rho}: the decay of its running averages. */
        public Options rho(double v) {
            return set("rho", v);
        }

        double num(String name, double otherwise) {
            return values.containsKey(name) ? (Double) values.get(name) : otherwise;
        }

        boolean flag(String name) {
            return values.containsKey(name) && (Boolean) values.get(name);
        }

        double[] betasOr(double b1, double b2) {
            return values.containsKey("betas") ? (double[]) values.get("betas") : new double[] {b1, b2};
        }

        /** Refuses an option {@code optimizer} does not take, naming the ones it does. */
        void only(String optimizer, String... accepted) {
            List<String> ok = List.of(accepted);
            for (String name : values.keySet()) {
                if (!name.equals("maximize") && !ok.contains(name)) {
                    throw new IllegalArgumentException(optimizer + " has no option '" + name + "' (it takes " + String.join(", ", ok)
                            + ", maximize)");
                }
            }
        }
    }

    /** Empty options: PyTorch's defaults until set. */
    public static Options options() {
        return new Options();
    }

    /**
     * The optimizer {@code name} (sgd, adam, adamw, rmsprop, adagrad, adadelta, adamax: PyTorch's
     * class names in lower case) over {@code params} with {@code options} by name.
     */
    public static Optimizer of(String name, List<Tensor> params, Options o) {
        return ofGroups(name, List.of(new ParamGroup(params, o.num("lr", defaultLr(name)))), o);
    }

    /** PyTorch's default rate of optimizer {@code name}. */
    static double defaultLr(String name) {
        return switch (name) {
            case "sgd" -> 1e-3;   // PyTorch 1.13 requires lr for SGD; 2.x defaults it to 1e-3
            case "adadelta" -> 1.0;
            case "adagrad" -> 1e-2;
            case "rmsprop" -> 1e-2;
            case "adamax" -> 2e-3;
            default -> 1e-3;
        };
    }

    /**
     * As {@link #of}, over parameter groups each with its own rate, as PyTorch's
     * {@code [{"params": a, "lr": 0.1}, {"params": b}]}; the other options apply to every group
     * (per-group values of them are not supported yet).
     */
    public static Optimizer ofGroups(String name, List<ParamGroup> groups, Options o) {
        Optimizer opt = switch (name) {
            case "sgd" -> {
                o.only(name, "lr", "momentum", "dampening", "nesterov", "weight_decay");
                yield new SGD(groups, o.num("momentum", 0), o.num("dampening", 0), o.flag("nesterov"), o.num("weight_decay", 0));
            }
            case "adam", "adamw" -> {
                o.only(name, "lr", "betas", "eps", "weight_decay", "amsgrad");
                double[] b = o.betasOr(0.9, 0.999);
                yield name.equals("adam") ? new Adam(groups, b[0], b[1], o.num("eps", 1e-8), o.num("weight_decay", 0), false, o.flag("amsgrad"))
                        : new AdamW(groups, b[0], b[1], o.num("eps", 1e-8), o.num("weight_decay", 0.01), o.flag("amsgrad"));
            }
            case "rmsprop" -> {
                o.only(name, "lr", "alpha", "eps", "weight_decay", "momentum", "centered");
                yield new RMSprop(groups, o.num("alpha", 0.99), o.num("eps", 1e-8),
                        o.num("weight_decay", 0), o.num("momentum", 0), o.flag("centered"));
            }
            case "adagrad" -> {
                o.only(name, "lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps");
                yield new Adagrad(groups, o.num("lr_decay", 0), o.num("weight_decay", 0),
                        o.num("initial_accumulator_value", 0), o.num("eps", 1e-10));
            }
            case "adadelta" -> {
                o.only(name, "lr", "rho", "eps", "weight_decay");
                yield new Adadelta(groups, o.num("rho", 0.9), o.num("eps", 1e-6), o.num("weight_decay", 0));
            }
            case "adamax" -> {
                o.only(name, "lr", "betas", "eps", "weight_decay");
                double[] b = o.betasOr(0.9, 0.999);
                yield new Adamax(groups, b[0], b[1], o.num("eps", 1e-8), o.num("weight_decay", 0));
            }
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "' (sgd, adam, adamw, rmsprop, adagrad, adadelta, adamax)");
        };
        return opt.maximize(o.flag("maximize"));
    }

    /** SGD with optional momentum (dampening, Nesterov) and L2 weight decay. */
    public static final class SGD extends Optimizer {
        private double momentum;
        private final double dampening;
        private final boolean nesterov;
        private final double weightDecay;

        /** Plain SGD, {@code torch.optim.SGD(params, lr)}. */
        public SGD(List<Tensor> params, double lr) {
            this(params, lr, 0, 0, false, 0);
        }

        /** {@code torch.optim.SGD(params, lr, momentum, dampening, weight_decay, nesterov)}. */
        public SGD(List<Tensor> params, double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
            this(List.of(new ParamGroup(params, lr)), momentum, dampening, nesterov, weightDecay);
        }

        /** SGD over parameter groups, each with its own rate. */
        public SGD(List<ParamGroup> groups, double momentum, double dampening, boolean nesterov, double weightDecay) {
            super(groups);
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum and zero dampening");
            }
            this.momentum = momentum;
            this.dampening = dampening;
            this.nesterov = nesterov;
            this.weightDecay = weightDecay;
        }

        /** The momentum OneCycleLR cycles ({@code param_groups[i]["momentum"]} in PyTorch). */
        @Override
        public void setMomentum(double momentum) {
            if (nesterov && momentum <= 0) {
                throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum > 0, got " + momentum);
            }
            this.momentum = momentum;
        }

        @Override
        public double momentum() {
            return momentum;
        }

        // d = g + wd p; buf = d (first step) or momentum buf + (1 - dampening) d;
        // d = d + momentum buf (Nesterov) or buf; p -= lr d
        @Override
        protected void update(Tensor p, Tensor g, double lr) {
            Tensor d = weightDecay != 0 || (momentum != 0 && nesterov) ? decayed(g, p, weightDecay) : g;
            if (momentum != 0) {
                boolean first = !hasBuffer(p, "momentum");
                Tensor buf = buffer(p, "momentum", 0);
                if (first) {
                    axpy(1, d, buf);
                } else {
                    scale(momentum, buf);
                    axpy(1 - dampening, d, buf);
                }
                if (nesterov) {
                    axpy(momentum, buf, d);
                } else {
                    d = buf;
                }
            }
            axpy(-lr, d, p);
        }
    }

    /** Adam (Kingma and Ba) with optional L2 weight decay added to the gradient. */
    public static class Adam extends Optimizer {
        double beta1;
        final double beta2;
        final double eps;
        final double weightDecay;
        final boolean decoupled;
        final boolean amsgrad;

        /** {@code torch.optim.Adam(params, lr)}: betas (0.9, 0.999), eps 1e-8, no weight decay. */
        public Adam(List<Tensor> params, double lr) {
            this(params, lr, 0.9, 0.999, 1e-8, 0);
        }

        /** {@code torch.optim.Adam(params, lr, betas=(beta1, beta2), eps, weight_decay)}. */
        public Adam(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
            this(List.of(new ParamGroup(params, lr)), beta1, beta2, eps, weightDecay, false, false);
        }

        Adam(List<ParamGroup> groups, double beta1, double beta2, double eps, double weightDecay, boolean decoupled, boolean amsgrad) {
            super(groups);
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            this.weightDecay = weightDecay;
            this.decoupled = decoupled;
            this.amsgrad = amsgrad;
        }

        /** beta1, which OneCycleLR cycles as the momentum ({@code betas[0]} in PyTorch). */
        @Override
        public void setMomentum(double beta1) {
            this.beta1 = beta1;
        }

        @Override
        public double momentum() {
            return beta1;
        }

        // t += 1; g = g + wd p (Adam) or p *= 1 - lr wd (AdamW); m = b1 m + (1 - b1) g;
        // v = b2 v + (1 - b2) g^2; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)   -- one fused kernel;
        // amsgrad: vmax = max(vmax, v) and vmax in place of v in the denominator
        @Override
        protected void update(Tensor p, Tensor g, double lr) {
            double[] s = scalars(p, 1);
            double t = ++s[0];
            Tensor m = buffer(p, "exp_avg", 0);
            Tensor v = buffer(p, "exp_avg_sq", 0);
            double stepSize = lr / (1 - Math.pow(beta1, t));
            double invSqrtBc2 = 1 / Math.sqrt(1 - Math.pow(beta2, t));
            if (!amsgrad) {
                double l2 = decoupled ? 0 : weightDecay;
                double pScale = decoupled ? 1 - lr * weightDecay : 1;
                InPlace.adamStep(p, g, m, v, stepSize, beta1, beta2, invSqrtBc2, eps, l2, pScale);
                return;
            }
            Tensor d = decoupled || weightDecay == 0 ? g : decayed(g, p, weightDecay);   // d is only read below
            if (decoupled) {
                scale(1 - lr * weightDecay, p);
            }
            scale(beta1, m);
            axpy(1 - beta1, d, m);
            Tensor scratch = buffer(p, "scratch", 0);
            decayingAverageOfSquares(v, beta2, d, scratch);
            Tensor vmax = buffer(p, "max_exp_avg_sq", 0);
            InPlace.maximum(vmax, v, vmax);
            InPlace.sqrt(vmax, scratch);
            scale(invSqrtBc2, scratch);
            InPlace.addScalar(scratch, eps, scratch);
            InPlace.div(m, scratch, scratch);
            axpy(-stepSize, scratch, p);
        }
    }

    /** AdamW: Adam with decoupled weight decay (Loshchilov and Hutter); default decay 0.01. */
    public static final class AdamW extends Adam {
        /** {@code torch.optim.AdamW(params, lr)}: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
        public AdamW(List<Tensor> params, double lr) {
            this(params, lr, 0.9, 0.999, 1e-8, 0.01);
        }

        /** {@code torch.optim.AdamW(params, lr, betas=(beta1, beta2), eps, weight_decay)}: the decay decoupled from the gradient. */
        public AdamW(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
            this(List.of(new ParamGroup(params, lr)), beta1, beta2, eps, weightDecay, false);
        }

        AdamW(List<ParamGroup> groups, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
            super(groups, beta1, beta2, eps, weightDecay, true, amsgrad);
        }
    }

    /** RMSprop with optional momentum and centering; defaults alpha 0.99, eps 1e-8. */
    public static final class RMSprop extends Optimizer {
        private final double alpha;
        private final double eps;
        private final double weightDecay;
        private double momentum;
        private final boolean centered;

        /** {@code torch.optim.RMSprop(params, lr)}: alpha 0.99, eps 1e-8. */
        public RMSprop(List<Tensor> params, double lr) {
            this(params, lr, 0.99, 1e-8, 0, 0, false);
        }

        public RMSprop(List<Tensor> params, double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
            this(List.of(new ParamGroup(params, lr)), alpha, eps, weightDecay, momentum, centered);
        }

        /** Parameter groups, each with its own rate. */
        public RMSprop(List<ParamGroup> groups, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
            super(groups);
            this.alpha = alpha;
            this.eps = eps;
            this.weightDecay = weightDecay;
            this.momentum = momentum;
            this.centered = centered;
        }

        @Override
        public void setMomentum(double momentum) {
            this.momentum = momentum;
        }

        @Override
        public double momentum() {
            return momentum;
        }

        // g = g + wd p; sq = alpha sq + (1 - alpha) g^2; avg = sqrt(sq - ga^2) + eps with
        // ga = alpha ga + (1 - alpha) g (centered) or sqrt(sq) + eps;
        // buf = momentum buf + g / avg, p -= lr buf (momentum) or p -= lr g / avg
        @Override
        protected void update(Tensor p, Tensor g, double lr) {
            Tensor d = decayed(g, p, weightDecay);
            Tensor sq = buffer(p, "square_avg", 0);
            decayingAverageOfSquares(sq, alpha, d, Tensor.zeros(p.dtype(), p.shape()));
            Tensor avg = Tensor.zeros(p.dtype(), p.shape());
            if (centered) {
                Tensor ga = buffer(p, "grad_avg", 0);
                scale(alpha, ga);
                axpy(1 - alpha, d, ga);
                Tensor ga2 = Tensor.zeros(p.dtype(), p.shape());
                InPlace.mul(ga, ga, ga2);
                axpy(1, sq, avg);
                axpy(-1, ga2, avg);
                sqrtAdd(avg, eps, avg);
            } else {
                sqrtAdd(sq, eps, avg);
            }
            Tensor step = Tensor.zeros(p.dtype(), p.shape());
            InPlace.div(d, avg, step);
            if (momentum > 0) {
                Tensor buf = buffer(p, "momentum_buffer", 0);
                scale(momentum, buf);
                axpy(1, step, buf);
                axpy(-lr, buf, p);
            } else {
                axpy(-lr, step, p);
            }
        }
    }

    /** Adagrad; defaults lr decay 0, eps 1e-10, initial accumulator 0. */
    public static final class Adagrad extends Optimizer {
        private final double lrDecay;
        private final double weightDecay;
        private final double initialAccumulator;
        private final double eps;

        /** {@code torch.optim.Adagrad(params, lr)}. */
        public Adagrad(List<Tensor> params, double lr) {
            this(params, lr, 0, 0, 0, 1e-10);
        }

        public Adagrad(List<Tensor> params, double lr, double lrDecay, double weightDecay, double initialAccumulator, double eps) {
            this(List.of(new ParamGroup(params, lr)), lrDecay, weightDecay, initialAccumulator, eps);
        }

        /** Parameter groups, each with its own rate. */
        public Adagrad(List<ParamGroup> groups, double lrDecay, double weightDecay, double initialAccumulator, double eps) {
            super(groups);
            this.lrDecay = lrDecay;
            this.weightDecay = weightDecay;
            this.initialAccumulator = initialAccumulator;
            this.eps = eps;
        }

        // t += 1; g = g + wd p; clr = lr / (1 + (t - 1) lr_decay); sum += g^2; p -= clr g / (sqrt(sum) + eps)
        @Override
        protected void update(Tensor p, Tensor g, double lr) {
            double[] s = scalars(p, 1);
            double t = ++s[0];
            Tensor d = decayed(g, p, weightDecay);
            Tensor sum = buffer(p, "sum", initialAccumulator);
            InPlace.mulAdd(d, d, sum);
            Tensor denom = Tensor.zeros(p.dtype(), p.shape());
            sqrtAdd(sum, eps, denom);
            InPlace.div(d, denom, denom);
            axpy(-lr / (1 + (t - 1) * lrDecay), denom, p);
        }
    }

    /** Adadelta; defaults lr 1.0, rho 0.9, eps 1e-6. */
    public static final class Adadelta extends Optimizer {
        private final double rho;
        private final double eps;
        private final double weightDecay;

        /** {@code torch.optim.Adadelta(params, lr)}: rho 0.9, eps 1e-6. */
        public Adadelta(List<Tensor> params, double lr) {
            this(params, lr, 0.9, 1e-6, 0);
        }

        /** {@code torch.optim.Adadelta(params, lr, rho, eps, weight_decay)}. */
        public Adadelta(List<Tensor> params, double lr, double rho, double eps, double weightDecay) {
            this(List.of(new ParamGroup(params, lr)), rho, eps, weightDecay);
        }

        /** Parameter groups, each with its own rate. */
        public Adadelta(List<ParamGroup> groups, double rho, double eps, double weightDecay) {
            super(groups);
            this.rho = rho;
            this.eps = eps;
            this.weightDecay = weightDecay;
        }

        // g = g + wd p; sq = rho sq + (1 - rho) g^2; delta = sqrt(acc + eps) / sqrt(sq + eps) g;
        // acc = rho acc + (1 - rho) delta^2; p -= lr delta
        @Override
        protected void update(Tensor p, Tensor g, double lr) {
            Tensor d = decayed(g, p, weightDecay);
            Tensor sq = buffer(p, "square_avg", 0);
            Tensor acc = buffer(p, "acc_delta", 0);
            Tensor d2 = Tensor.zeros(p.dtype(), p.shape());
            decayingAverageOfSquares(sq, rho, d, d2);
            Tensor std = Tensor.zeros(p.dtype(), p.shape());
            InPlace.addScalar(sq, eps, std);
            sqrtAdd(std, 0, std);
            Tensor delta = Tensor.zeros(p.dtype(), p.shape());
            InPlace.addScalar(acc, eps, delta);
            sqrtAdd(delta, 0, delta);
            InPlace.div(delta, std, delta);
            InPlace.mul(delta, d, delta);
            decayingAverageOfSquares(acc, rho, delta, d2);
            axpy(-lr, delta, p);
        }
    }

    /** Adamax (Adam with the infinity norm); defaults lr 2e-3, betas (0.9, 0.999), eps 1e-8. */
    public static final class Adamax extends Optimizer {
        private double beta1;
        private final double beta2;
        private final double eps;
        private final double weightDecay;

        /** {@code torch.optim.Adamax(params, lr)}: betas (0.9, 0.999), eps 1e-8. */
        public Adamax(List<Tensor> params, double lr) {
            this(params, lr, 0.9, 0.999, 1e-8, 0);
        }

        /** {@code torch.optim.Adamax(params, lr, betas=(beta1, beta2), eps, weight_decay)}. */
        public Adamax(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
            this(List.of(new ParamGroup(params, lr)), beta1, beta2, eps, weightDecay);
        }

        /** Parameter groups, each with its own rate. */
        public Adamax(List<ParamGroup> groups, double beta1, double beta2, double eps, double weightDecay) {
            super(groups);
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            this.weightDecay = weightDecay;
        }

        @Override
        public void setMomentum(double beta1) {
            this.beta1 = beta1;
        }

        @Override
        public double momentum() {
            return beta1;
        }

        // t += 1; g = g + wd p; m = b1 m + (1 - b1) g; u = max(b2 u, |g| + eps); p -= lr / (1 - b1^t) m / u
        @Override
        protected void update(Tensor p, Tensor g, double lr) {
            double[] s = scalars(p, 1);
            double t = ++s[0];
            Tensor d = decayed(g, p, weightDecay);
            Tensor m = buffer(p, "exp_avg", 0);
            Tensor u = buffer(p, "exp_inf", 0);
            scale(beta1, m);
            axpy(1 - beta1, d, m);
            Tensor absG = d.abs();
            InPlace.addScalar(absG, eps, absG);
            scale(beta2, u);
            InPlace.maximum(u, absG, u);
            Tensor step = Tensor.zeros(p.dtype(), p.shape());
            InPlace.div(m, u, step);
            axpy(-lr / (1 - Math.pow(beta1, t)), step, p);
        }
    }
}
