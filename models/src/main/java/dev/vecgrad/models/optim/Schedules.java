package dev.vecgrad.models.optim;

/**
 * Learning-rate schedules, each a function of the step (or, for {@link ReduceLROnPlateau},
 * of the validation metric) that the caller applies per batch or per epoch:
 * {@code optimizer.setLr(schedule.lr(step))}. Formulas as {@code torch.optim.lr_scheduler}.
 */
public final class Schedules {

    private Schedules() {}

    /** A learning rate per step. */
    @FunctionalInterface
    public interface Schedule {
        double lr(int step);
    }

    /** base * gamma^(step / stepSize), as StepLR. */
    public static Schedule stepLR(double base, int stepSize, double gamma) {
        if (stepSize < 1) {
            throw new IllegalArgumentException("stepLR: stepSize must be >= 1, got " + stepSize);
        }
        return step -> base * Math.pow(gamma, step / stepSize);
    }

    /** etaMin + (base - etaMin) (1 + cos(pi step / tMax)) / 2, as CosineAnnealingLR over tMax steps. */
    public static Schedule cosine(double base, int tMax, double etaMin) {
        return step -> etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * step / tMax)) / 2;
    }

    /**
     * Linear warmup from base / warmup to base over {@code warmup} steps, then cosine to
     * base * minFactor at {@code total}: factor (step + 1) / warmup, then
     * minFactor + (1 - minFactor) (1 + cos(pi (step - warmup) / (total - warmup))) / 2.
     */
    public static Schedule warmupCosine(double base, int warmup, int total, double minFactor) {
        if (warmup < 0 || total <= warmup) {
            throw new IllegalArgumentException("warmupCosine: need 0 <= warmup < total, got " + warmup + ", " + total);
        }
        return step -> {
            if (step < warmup) {
                return base * (step + 1) / warmup;
            }
            double t = Math.min(1, (double) (step - warmup) / (total - warmup));
            return base * (minFactor + (1 - minFactor) * (1 + Math.cos(Math.PI * t)) / 2);
        };
    }

    /**
     * One-cycle (Smith), as OneCycleLR with cosine annealing, two phases: from maxLr /
     * divFactor up to maxLr over pctStart of the steps, then down to that start / finalDivFactor.
     */
    public static Schedule oneCycle(double maxLr, int totalSteps, double pctStart, double divFactor, double finalDivFactor) {
        double initial = maxLr / divFactor;
        double min = initial / finalDivFactor;
        double end1 = pctStart * totalSteps - 1;
        double end2 = totalSteps - 1;
        return step -> {
            if (step <= end1) {
                return annealCos(initial, maxLr, step / end1);
            }
            return annealCos(maxLr, min, (step - end1) / (end2 - end1));
        };
    }

    /** OneCycleLR's defaults: pctStart 0.3, divFactor 25, finalDivFactor 1e4. */
    public static Schedule oneCycle(double maxLr, int totalSteps) {
        return oneCycle(maxLr, totalSteps, 0.3, 25, 1e4);
    }

    /** Cosine annealing from start to end as pct goes 0 to 1 (OneCycleLR's anneal_strategy='cos'). */
    static double annealCos(double start, double end, double pct) {
        return end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
    }

    /**
     * Cuts the learning rate by {@code factor} when a metric to minimize has not improved by
     * a relative {@code threshold} for more than {@code patience} calls, as ReduceLROnPlateau
     * (mode min, threshold mode rel), with cooldown and a floor.
     */
    public static final class ReduceLROnPlateau {
        private final double factor;
        private final double minLr;
        private final Plateau plateau;
        private double lr;

        public ReduceLROnPlateau(double lr, double factor, int patience, double threshold, int cooldown, double minLr) {
            if (!(factor < 1)) {
                throw new IllegalArgumentException("ReduceLROnPlateau: factor must be < 1, got " + factor);
            }
            this.lr = lr;
            this.factor = factor;
            this.minLr = minLr;
            this.plateau = new Plateau(false, true, patience, threshold, cooldown);
        }

        /** PyTorch's defaults: factor 0.1, patience 10, threshold 1e-4, no cooldown, no floor. */
        public ReduceLROnPlateau(double lr) {
            this(lr, 0.1, 10, 1e-4, 0, 0);
        }

        /** Takes this epoch's metric; returns the learning rate to use next. */
        public double step(double metric) {
            if (plateau.update(metric)) {
                double next = Math.max(lr * factor, minLr);
                if (lr - next > 1e-8) {
                    lr = next;
                }
            }
            return lr;
        }

        public double lr() {
            return lr;
        }
    }
}
