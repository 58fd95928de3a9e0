package dev.vecgrad.models.study;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.optim.LRSchedulers;
import dev.vecgrad.models.optim.Optimizer;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.train.Objective;
import java.util.List;

/**
 * The names a {@link TrainSpec} (and the command line) accepts for models, activations,
 * losses, optimizers and schedules, and what they make.
 */
public final class Choices {

    private Choices() {}

    public static final List<String> LOSSES = List.of("auto", "cross-entropy", "nll", "bce-with-logits", "bce", "mse");
    public static final List<String> OPTIMIZERS = List.of("sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax");
    public static final List<String> SCHEDULES = List.of("none", "step", "cosine", "warmup-cosine", "one-cycle");
    public static final List<String> MODELS = List.of("mlp", "softmax", "perceptron", "adaline", "linreg", "cnn", "seq2seq");
    public static final List<String> ACTIVATIONS = List.of("relu", "leaky_relu", "sigmoid", "tanh", "gelu");
    public static final List<String> OUTPUTS = List.of("none", "sigmoid", "log_softmax");

    /** "--option: 'value' is not one of a, b, c" when value is not in choices, else null. */
    public static String oneOf(String option, String value, List<String> choices) {
        return choices.contains(value) ? null : option + ": '" + value + "' is not one of " + String.join(", ", choices);
    }

    public static Objective objective(String loss) {
        return switch (loss) {
            case "cross-entropy" -> Objective.crossEntropy();
            case "nll" -> Objective.nll();
            case "bce-with-logits" -> Objective.bceWithLogits();
            case "bce" -> Objective.bce();
            case "mse" -> Objective.mse();
            default -> throw new IllegalArgumentException("unknown loss '" + loss + "' (" + String.join(", ", LOSSES) + ")");
        };
    }

    /** Losses whose model has one output per sample (a probability, a logit or a value). */
    public static boolean singleOutput(String loss) {
        return loss.equals("bce-with-logits") || loss.equals("bce") || loss.equals("mse");
    }

    /**
     * An optimizer over {@code params}. {@code momentum} is used by sgd (0 unless set),
     * momentum (0.9 unless set) and rmsprop; {@code weightDecay} by all (decoupled for adamw).
     */
    public static Optimizer optimizer(String name, List<Tensor> params, double lr, Double momentum, double weightDecay) {
        return switch (name) {
            case "sgd" -> new Optimizers.SGD(params, lr, momentum == null ? 0 : momentum, 0, false, weightDecay);
            case "momentum" -> new Optimizers.SGD(params, lr, momentum == null ? 0.9 : momentum, 0, false, weightDecay);
            case "adam" -> new Optimizers.Adam(params, lr, 0.9, 0.999, 1e-8, weightDecay);
            case "adamw" -> new Optimizers.AdamW(params, lr, 0.9, 0.999, 1e-8, weightDecay == 0 ? 0.01 : weightDecay);
            case "rmsprop" -> new Optimizers.RMSprop(params, lr, 0.99, 1e-8, weightDecay, momentum == null ? 0 : momentum, false);
            case "adagrad" -> new Optimizers.Adagrad(params, lr, 0, weightDecay, 0, 1e-10);
            case "adadelta" -> new Optimizers.Adadelta(params, lr, 0.9, 1e-6, weightDecay);
            case "adamax" -> new Optimizers.Adamax(params, lr, 0.9, 0.999, 1e-8, weightDecay);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "' (" + String.join(", ", OPTIMIZERS) + ")");
        };
    }

    /**
     * A scheduler attached to the optimizer (PyTorch's, see {@link LRSchedulers}) and whether it
     * steps after every batch (true) or every epoch; null for none.
     */
    public record ScheduleChoice(java.util.function.Function<Optimizer, LRSchedulers.LRScheduler> make, boolean perStep) {}

    /**
     * The command line's schedules, as a PyTorch user writes them: step = StepLR(step_size =
     * epochs / 3, gamma 0.1) per epoch; cosine = CosineAnnealingLR over all steps; warmup-cosine =
     * LinearLR from 1/warmup over the first 5% of the steps, then CosineAnnealingLR, in a
     * SequentialLR; one-cycle = OneCycleLR over all steps, cycling the momentum (Adam's beta1).
     */
    public static ScheduleChoice schedule(String name, double lr, int epochs, int stepsPerEpoch) {
        int total = epochs * stepsPerEpoch;
        int warmup = Math.max(1, total / 20);
        return switch (name) {
            case "none" -> null;
            case "step" -> new ScheduleChoice(o -> new LRSchedulers.StepLR(o, Math.max(1, epochs / 3), 0.1), false);
            case "cosine" -> new ScheduleChoice(o -> new LRSchedulers.CosineAnnealingLR(o, total, 0), true);
            case "warmup-cosine" -> new ScheduleChoice(o -> new LRSchedulers.SequentialLR(o, List.of(
                    new LRSchedulers.LinearLR(o, 1.0 / warmup, 1.0, warmup),
                    new LRSchedulers.CosineAnnealingLR(o, Math.max(1, total - warmup), 0)), warmup), true);
            case "one-cycle" -> new ScheduleChoice(o -> o.momentum() >= 0 ? new LRSchedulers.OneCycleLR(o, lr, total)
                    : new LRSchedulers.OneCycleLR(o, lr, total, 0.3, 25, 1e4, false, 0.85, 0.95), true);
            default -> throw new IllegalArgumentException("unknown schedule '" + name + "' (" + String.join(", ", SCHEDULES) + ")");
        };
    }
}
