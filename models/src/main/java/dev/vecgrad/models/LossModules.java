package dev.vecgrad.models;

import dev.vecgrad.autograd.Losses;
import dev.vecgrad.autograd.Losses.Reduction;
import dev.vecgrad.autograd.Tensor;

/** The losses as objects, as torch.nn's MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss. */
public final class LossModules {

    private LossModules() {}

    /** A loss against a target tensor. */
    public interface Criterion {
        Tensor forward(Tensor input, Tensor target);
    }

    /** A loss against class indices. */
    public interface ClassCriterion {
        Tensor forward(Tensor scores, int[] targets);
    }

    public record MSELoss(Reduction reduction) implements Criterion {
        public MSELoss() {
            this(Reduction.MEAN);
        }

        public Tensor forward(Tensor input, Tensor target) {
            return Losses.mse(input, target, reduction);
        }
    }

    public record L1Loss(Reduction reduction) implements Criterion {
        public L1Loss() {
            this(Reduction.MEAN);
        }

        public Tensor forward(Tensor input, Tensor target) {
            return Losses.l1(input, target, reduction);
        }
    }

    public record BCELoss(Reduction reduction) implements Criterion {
        public BCELoss() {
            this(Reduction.MEAN);
        }

        public Tensor forward(Tensor input, Tensor target) {
            return Losses.bce(input, target, reduction);
        }
    }

    public record BCEWithLogitsLoss(Reduction reduction) implements Criterion {
        public BCEWithLogitsLoss() {
            this(Reduction.MEAN);
        }

        public Tensor forward(Tensor input, Tensor target) {
            return Losses.bceWithLogits(input, target, reduction);
        }
    }

    public record CrossEntropyLoss(Reduction reduction) implements ClassCriterion {
        public CrossEntropyLoss() {
            this(Reduction.MEAN);
        }

        public Tensor forward(Tensor logits, int[] targets) {
            return Losses.crossEntropy(logits, targets, reduction);
        }
    }

    public record NLLLoss(Reduction reduction) implements ClassCriterion {
        public NLLLoss() {
            this(Reduction.MEAN);
        }

        public Tensor forward(Tensor logProbs, int[] targets) {
            return Losses.nll(logProbs, targets, reduction);
        }
    }
}
