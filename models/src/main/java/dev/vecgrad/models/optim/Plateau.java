package dev.vecgrad.models.optim;

/**
 * The bookkeeping of {@code torch.optim.lr_scheduler.ReduceLROnPlateau}, for
 * {@link LRSchedulers.ReduceLROnPlateau}: the best metric so far, the calls without improvement and the cooldown. {@link #update}
 * says when the rates are to be cut; cutting them is the caller's.
 */
final class Plateau {

    private final boolean max;
    private final boolean relative;
    private final int patience;
    private final double threshold;
    private final int cooldown;
    private double best;
    private int bad;
    private int cooldownLeft;

    Plateau(boolean max, boolean relative, int patience, double threshold, int cooldown) {
        this.max = max;
        this.relative = relative;
        this.patience = patience;
        this.threshold = threshold;
        this.cooldown = cooldown;
        this.best = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    private boolean better(double metric) {
        if (max) {
            return relative ? metric > best * (1 + threshold) : metric > best + threshold;
        }
        return relative ? metric < best * (1 - threshold) : metric < best - threshold;
    }

    /** Takes this epoch's metric; true when it has not improved for more than {@code patience} calls (the rates are to be cut). */
    boolean update(double metric) {
        if (better(metric)) {
            best = metric;
            bad = 0;
        } else {
            bad++;
        }
        if (cooldownLeft > 0) {
            cooldownLeft--;
            bad = 0;
        }
        if (bad > patience) {
            cooldownLeft = cooldown;
            bad = 0;
            return true;
        }
        return false;
    }
}
