package dev.vecgrad.models;

import dev.vecgrad.autograd.Tensor;
import java.util.List;

/** Penalty terms to add to a loss (early stopping on a validation loss is {@link dev.vecgrad.models.train.EarlyStopping}). */
public final class Regularization {

    private Regularization() {}

    /** lambda * sum |p| over the parameters (differentiable; sign(0) = 0). */
    public static Tensor l1(List<Tensor> params, double lambda) {
        Tensor total = null;
        for (Tensor p : params) {
            Tensor t = p.abs().sum();
            total = total == null ? t : total.add(t);
        }
        return total == null ? null : total.mul(lambda);
    }

    /** lambda * sum p^2 over the parameters (differentiable). */
    public static Tensor l2(List<Tensor> params, double lambda) {
        Tensor total = null;
        for (Tensor p : params) {
            Tensor t = p.mul(p).sum();
            total = total == null ? t : total.add(t);
        }
        return total == null ? null : total.mul(lambda);
    }
}
