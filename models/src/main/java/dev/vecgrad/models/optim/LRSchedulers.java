package dev.vecgrad.models.optim;

import java.util.List;

/**
 * Learning-rate schedulers attached to an optimizer, as {@code torch.optim.lr_scheduler}: built
 * from the optimizer, they set each group's rate at construction (epoch 0) and at every
 * {@link LRScheduler#step()}, called per batch or per epoch as the user chooses. Rates follow
 * PyTorch 1.13's closed forms (checked step by step in {@code OptimizerReferenceTest}). This
 * is vecgrad's one scheduler API; the {@code Trainer} takes these too
 * ({@code trainer.scheduler(o -> new LRSchedulers.StepLR(o, 7, 0.5), false)}).
 */
public final class LRSchedulers {

    private LRSchedulers() {}

    /** A scheduler bound to its optimizer; {@link #step()} advances one epoch (or batch) and sets the rates. */
    public abstract static class LRScheduler {
        protected final Optimizer optimizer;
        /** Each group's rate when the scheduler was built ({@code initial_lr}). */
        protected final double[] baseLrs;
        private int epoch;

        protected LRScheduler(Optimizer optimizer) {
            this.optimizer = optimizer;
            List<Optimizer.ParamGroup> groups = optimizer.paramGroups();
            this.baseLrs = new double[groups.size()];
            for (int i = 0; i < baseLrs.length; i++) {
                Optimizer.ParamGroup g = groups.get(i);
                if (Double.isNaN(g.initialLr)) {
                    g.initialLr = g.lr;   // the first scheduler records it; the ones after it start from it too
                }
                baseLrs[i] = g.initialLr;
            }
        }

        /** One schedule per parameter group, from the group's base rate: the formulas live in {@link Schedules}. */
        final Schedules.Schedule[] perGroup(java.util.function.DoubleFunction<Schedules.Schedule> schedule) {
            Schedules.Schedule[] out = new Schedules.Schedule[baseLrs.length];
            for (int g = 0; g < out.length; g++) {
                out[g] = schedule.apply(baseLrs[g]);
            }
            return out;
        }

        /** Sets the rates of epoch 0; subclasses call it at the end of their constructor, as PyTorch's does. */
        protected final void start() {
            apply(0);
        }

        /** The rate of group {@code group} at {@code epoch}. */
        protected abstract double lrAt(int epoch, int group);

        /** Advances one epoch (or step) and sets every group's rate. */
        public void step() {
            epoch++;
            apply(epoch);
        }

        void apply(int e) {
            for (int g = 0; g < baseLrs.length; g++) {
                optimizer.setLr(g, lrAt(e, g));
            }
        }

        /** The epochs (or steps) taken: PyTorch's {@code last_epoch}. */
        public int lastEpoch() {
            return epoch;
        }

        /** The rates last set, per group: PyTorch's {@code get_last_lr()}. */
        public double[] lastLr() {
            return optimizer.paramGroups().stream().mapToDouble(Optimizer.ParamGroup::lr).toArray();
        }
    }

    /** base * lambda(epoch), as {@code LambdaLR(optimizer, lr_lambda)} with one function for every group. */
    public static final class LambdaLR extends LRScheduler {
        private final java.util.function.IntToDoubleFunction lrLambda;

        /** {@code LambdaLR(optimizer, lr_lambda)}: the rate is the initial rate times {@code lrLambda(epoch)}. */
        public LambdaLR(Optimizer optimizer, java.util.function.IntToDoubleFunction lrLambda) {
            super(optimizer);
            this.lrLambda = java.util.Objects.requireNonNull(lrLambda, "LambdaLR: lrLambda");
            start();
        }

        @Override
        protected double lrAt(int epoch, int group) {
            return baseLrs[group] * lrLambda.applyAsDouble(epoch);
        }
    }

    /** base * gamma^(epoch / stepSize), as {@code StepLR(optimizer, step_size, gamma=0.1)}. */
    public static final class StepLR extends LRScheduler {
        private final Schedules.Schedule[] rates;

        /** {@code StepLR(optimizer, step_size, gamma)}: the rate times {@code gamma} every {@code stepSize} steps. */
        public StepLR(Optimizer optimizer, int stepSize, double gamma) {
            super(optimizer);
            if (stepSize < 1) {
                throw new IllegalArgumentException("StepLR: step_size must be >= 1, got " + stepSize);
            }
            rates = perGroup(base -> Schedules.stepLR(base, stepSize, gamma));
            start();
        }

        @Override
        protected double lrAt(int epoch, int group) {
            return rates[group].lr(epoch);
        }
    }

    /** etaMin + (base - etaMin) (1 + cos(pi epoch / tMax)) / 2, as {@code CosineAnnealingLR(optimizer, T_max, eta_min=0)}. */
    public static final class CosineAnnealingLR extends LRScheduler {
        private final Schedules.Schedule[] rates;

        /** {@code CosineAnnealingLR(optimizer, T_max, eta_min)}: from the initial rate down to {@code etaMin} along a half cosine over {@code tMax} steps. */
        public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
            super(optimizer);
            if (tMax < 1) {
                throw new IllegalArgumentException("CosineAnnealingLR: T_max must be >= 1, got " + tMax);
            }
            rates = perGroup(base -> Schedules.cosine(base, tMax, etaMin));
            start();
        }

        @Override
        protected double lrAt(int epoch, int group) {
            return rates[group].lr(epoch);
        }
    }

    /**
     * base * factor, the factor going linearly from {@code startFactor} to {@code endFactor}
     * over {@code totalIters} epochs, then staying: {@code LinearLR(optimizer, start_factor=1/3,
     * end_factor=1, total_iters=5)}. Warm-up is {@code LinearLR} then another scheduler in a
     * {@link SequentialLR}: the full rate is reached at epoch {@code totalIters}.
     */
    public static final class LinearLR extends LRScheduler {
        private final double startFactor;
        private final double endFactor;
        private final int totalIters;

        /** {@code LinearLR(optimizer, start_factor, end_factor, total_iters)}: the factor moves linearly from start to end. */
        public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
            super(optimizer);
            if (!(startFactor > 0 && startFactor <= 1) || !(endFactor >= 0 && endFactor <= 1) || totalIters < 1) {
                throw new IllegalArgumentException("LinearLR: need 0 < start_factor <= 1, 0 <= end_factor <= 1, total_iters >= 1, got "
                        + startFactor + ", " + endFactor + ", " + totalIters);
            }
            this.startFactor = startFactor;
            this.endFactor = endFactor;
            this.totalIters = totalIters;
            start();
        }

        @Override
        protected double lrAt(int epoch, int group) {
            return baseLrs[group] * (startFactor + (endFactor - startFactor) * Math.min(epoch, totalIters) / totalIters);
        }
    }

    /**
     * One scheduler after another, switching at the milestones, each counting its epochs from
     * its own start: {@code SequentialLR(optimizer, schedulers, milestones)}. The schedulers
     * must be built on the same optimizer before this one, and share its initial rates.
     */
    public static final class SequentialLR extends LRScheduler {
        private final List<LRScheduler> schedulers;
        private final int[] milestones;

        /** {@code SequentialLR(optimizer, schedulers, milestones)}: each scheduler in turn, switching at the milestones. */
        public SequentialLR(Optimizer optimizer, List<LRScheduler> schedulers, int... milestones) {
            super(optimizer);
            if (schedulers.size() != milestones.length + 1) {
                throw new IllegalArgumentException("SequentialLR: " + schedulers.size() + " schedulers need " + (schedulers.size() - 1)
                        + " milestones, got " + milestones.length);
            }
            for (LRScheduler s : schedulers) {
                if (s.optimizer != optimizer) {
                    throw new IllegalArgumentException("SequentialLR: every scheduler must be built on this optimizer");
                }
            }
            for (int i = 1; i < milestones.length; i++) {
                if (milestones[i] <= milestones[i - 1]) {
                    throw new IllegalArgumentException("SequentialLR: milestones must increase, got " + java.util.Arrays.toString(milestones));
                }
            }
            this.schedulers = List.copyOf(schedulers);
            this.milestones = milestones.clone();
            start();
        }

        @Override
        protected double lrAt(int epoch, int group) {
            int i = 0;
            while (i < milestones.length && epoch >= milestones[i]) {
                i++;
            }
            int local = i == 0 ? epoch : epoch - milestones[i - 1];
            return schedulers.get(i).lrAt(local, group);
        }
    }

    /**
     * Smith's one-cycle policy with cosine annealing, as {@code OneCycleLR(optimizer, max_lr,
     * total_steps, pct_start=0.3, div_factor=25, final_div_factor=1e4, cycle_momentum=True,
     * base_momentum=0.85, max_momentum=0.95)}: the rate rises from max_lr / div_factor to max_lr
     * over pct_start of the steps, then falls to that start / final_div_factor; with
     * {@code cycleMomentum} the momentum (Adam's beta1) moves the other way, from max to base and
     * back. More than {@code totalSteps} steps is an error, as in PyTorch.
     */
    public static final class OneCycleLR extends LRScheduler {
        private final int totalSteps;
        private final double end1;
        private final Schedules.Schedule rate;
        private final boolean cycleMomentum;
        private final double baseMomentum;
        private final double maxMomentum;

        /** {@code OneCycleLR(optimizer, max_lr, total_steps, pct_start, div_factor, final_div_factor, cycle_momentum, base_momentum, max_momentum)}, every setting. */
        public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart, double divFactor, double finalDivFactor,
                          boolean cycleMomentum, double baseMomentum, double maxMomentum) {
            super(optimizer);
            // one step is allowed, as PyTorch allows it: the cycle's only step runs at its end rate, max_lr / (div_factor *
            // final_div_factor) (refusing it failed a one-batch run after its data had loaded)
            if (totalSteps < 1 || !(pctStart > 0 && pctStart < 1)) {
                throw new IllegalArgumentException("OneCycleLR: need total_steps >= 1 and 0 < pct_start < 1, got " + totalSteps + ", "
                        + pctStart);
            }
            this.totalSteps = totalSteps;
            this.rate = Schedules.oneCycle(maxLr, totalSteps, pctStart, divFactor, finalDivFactor);
            this.end1 = pctStart * totalSteps - 1;
            this.cycleMomentum = cycleMomentum;
            this.baseMomentum = baseMomentum;
            this.maxMomentum = maxMomentum;
            if (cycleMomentum) {
                optimizer.setMomentum(maxMomentum);   // throws for an optimizer without one, as PyTorch does
            }
            start();
        }

        /** PyTorch's defaults: pct_start 0.3, div_factor 25, final_div_factor 1e4, momentum cycled between 0.85 and 0.95. */
        public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) {
            this(optimizer, maxLr, totalSteps, 0.3, 25, 1e4, true, 0.85, 0.95);
        }

        @Override
        protected double lrAt(int step, int group) {
            return rate.lr(step);   // the same two cosine phases as Schedules.oneCycle
        }

        @Override
        void apply(int step) {
            if (step > totalSteps) {
                throw new IllegalStateException("OneCycleLR: stepped " + step + " times, more than total_steps " + totalSteps);
            }
            super.apply(step);
            if (cycleMomentum) {
                optimizer.setMomentum(step <= end1 ? Schedules.annealCos(maxMomentum, baseMomentum, step / end1)
                        : Schedules.annealCos(baseMomentum, maxMomentum, (step - end1) / (totalSteps - 1 - end1)));
            }
        }
    }

    /**
     * Cuts every group's rate by {@code factor} when a metric has stopped improving for more than
     * {@code patience} calls, as {@code ReduceLROnPlateau(optimizer, mode='min', factor=0.1,
     * patience=10, threshold=1e-4, threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8)}.
     * Mode {@code max} watches a metric to maximize (accuracy); threshold mode {@code abs}
     * compares with best -+ threshold instead of best * (1 -+ threshold).
     */
    public static final class ReduceLROnPlateau {
        private final Optimizer optimizer;
        private final double factor;
        private final double minLr;
        private final double eps;
        private final Plateau plateau;

        /** {@code ReduceLROnPlateau(optimizer, mode, factor, patience, threshold, threshold_mode, cooldown, min_lr, eps)}, every setting. */
        public ReduceLROnPlateau(Optimizer optimizer, String mode, double factor, int patience, double threshold, String thresholdMode,
                                 int cooldown, double minLr, double eps) {
            if (!mode.equals("min") && !mode.equals("max")) {
                throw new IllegalArgumentException("ReduceLROnPlateau: mode must be min or max, got '" + mode + "'");
            }
            if (!thresholdMode.equals("rel") && !thresholdMode.equals("abs")) {
                throw new IllegalArgumentException("ReduceLROnPlateau: threshold_mode must be rel or abs, got '" + thresholdMode + "'");
            }
            if (!(factor < 1)) {
                throw new IllegalArgumentException("ReduceLROnPlateau: factor must be < 1, got " + factor);
            }
            this.optimizer = optimizer;
            this.factor = factor;
            this.minLr = minLr;
            this.eps = eps;
            this.plateau = new Plateau(mode.equals("max"), thresholdMode.equals("rel"), patience, threshold, cooldown);
        }

        /** PyTorch's defaults, mode {@code min}. */
        public ReduceLROnPlateau(Optimizer optimizer) {
            this(optimizer, "min", 0.1, 10, 1e-4, "rel", 0, 0, 1e-8);
        }

        /** Takes this epoch's metric, and cuts the rates when it has stopped improving. */
        public void step(double metric) {
            if (plateau.update(metric)) {
                List<Optimizer.ParamGroup> groups = optimizer.paramGroups();
                for (int g = 0; g < groups.size(); g++) {
                    double old = groups.get(g).lr();
                    double next = Math.max(old * factor, minLr);
                    if (old - next > eps) {
                        optimizer.setLr(g, next);
                    }
                }
            }
        }
    }
}
