package dev.vecgrad.models.study;

import dev.vecgrad.models.io.Json;
import java.util.List;
import java.util.Map;

/**
 * One trial's outcome, as a study records it: one JSON line in its {@link ResultStore}, with the
 * trial's whole {@link TrainSpec} (every option that changes its result) and seed, which are its
 * identity. The losses and accuracies are those of the model the trial ends with (for early
 * stopping, the restored best epoch's), each in eval mode (dropout off) on the training,
 * validation and test splits: one model for every number. {@code valCurve} is the validation
 * accuracy (or loss, for regression) per epoch as training went; a diverged trial's losses may
 * be NaN (written as JSON null).
 */
public record TrialResult(String variant, double lr, long seed, boolean diverged, double trainLoss, double valLoss, double valAccuracy,
                          double testLoss, double testAccuracy, int epochs, double seconds, double[] valCurve, TrainSpec spec) {

    /** This result's identity: its spec and seed (see {@link #key(TrainSpec, long)}). */
    public String key() {
        return key(spec, seed);
    }

    /** The key of the result of training {@code spec} with {@code seed}: the spec's every option, and the seed. */
    public static String key(TrainSpec spec, long seed) {
        return spec.toJson() + " seed " + seed;
    }

    /** One line of JSON (without the newline). */
    public String toJson() {
        StringBuilder curve = new StringBuilder("[");
        for (int i = 0; i < valCurve.length; i++) {
            curve.append(i == 0 ? "" : ",").append(Json.number(valCurve[i]));
        }
        return "{\"variant\":" + Json.quote(variant) + ",\"lr\":" + lr + ",\"seed\":" + seed + ",\"status\":\""
                + (diverged ? "diverged" : "ok") + "\",\"train_loss\":" + Json.number(trainLoss) + ",\"val_loss\":"
                + Json.number(valLoss) + ",\"val_accuracy\":" + Json.number(valAccuracy) + ",\"test_loss\":"
                + Json.number(testLoss) + ",\"test_accuracy\":" + Json.number(testAccuracy) + ",\"epochs\":" + epochs
                + ",\"seconds\":" + Json.number(seconds) + ",\"val_curve\":" + curve.append(']') + ",\"spec\":" + spec.toJson() + "}";
    }

    /** The result {@link #toJson} wrote, parsed. */
    public static TrialResult fromJson(Map<?, ?> m) {
        if (!(m.get("spec") instanceof Map<?, ?> spec)) {
            throw new IllegalArgumentException("no \"spec\": the line does not say which options the trial trained with (an earlier"
                    + " vecgrad wrote it)");
        }
        List<?> c = (List<?>) m.get("val_curve");
        double[] curve = new double[c.size()];
        for (int i = 0; i < curve.length; i++) {
            curve[i] = num(c.get(i));
        }
        return new TrialResult((String) m.get("variant"), num(m.get("lr")), ((Number) m.get("seed")).longValue(),
                "diverged".equals(m.get("status")), num(m.get("train_loss")), num(m.get("val_loss")), num(m.get("val_accuracy")),
                num(m.get("test_loss")), num(m.get("test_accuracy")), ((Number) m.get("epochs")).intValue(),
                num(m.get("seconds")), curve, TrainSpec.fromMap(spec));
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;   // JSON null: NaN
    }
}
