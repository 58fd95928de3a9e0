package dev.vecgrad.models.optim;

/**
 * The closed forms behind {@link LRSchedulers}, each a function of the step, as
 * {@code torch.optim.lr_scheduler}'s. Internal: users attach a scheduler to an optimizer
 * ({@code new LRSchedulers.StepLR(optimizer, 7, 0.5)}), the one scheduler API, as in PyTorch.
 */
final class Schedules {

    private Schedules() {}

    /** A learning rate per step. */
    @FunctionalInterface
    interface Schedule {
        double lr(int step);
    }

    /** base * gamma^(step / stepSize), as StepLR. */
    static Schedule stepLR(double base, int stepSize, double gamma) {
        if (stepSize < 1) {
            throw new IllegalArgumentException("stepLR: stepSize must be >= 1, got " + stepSize);
        }
        return step -> base * Math.pow(gamma, step / stepSize);
    }

    /** etaMin + (base - etaMin) (1 + cos(pi step / tMax)) / 2, as CosineAnnealingLR over tMax steps. */
    static Schedule cosine(double base, int tMax, double etaMin) {
        return step -> etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * step / tMax)) / 2;
    }

    /**
     * One-cycle (Smith), as OneCycleLR with cosine annealing, two phases: from maxLr /
     * divFactor up to maxLr over pctStart of the steps, then down to that start / finalDivFactor.
     */
    static Schedule oneCycle(double maxLr, int totalSteps, double pctStart, double divFactor, double finalDivFactor) {
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
    static Schedule oneCycle(double maxLr, int totalSteps) {
        return oneCycle(maxLr, totalSteps, 0.3, 25, 1e4);
    }

    /** Cosine annealing from start to end as pct goes 0 to 1 (OneCycleLR's anneal_strategy='cos'). */
    static double annealCos(double start, double end, double pct) {
        return end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
    }
}
