package dev.vecgrad.models.study;

import dev.vecgrad.models.io.Json;
import java.util.List;
import java.util.Map;

/**
 * One trial's outcome, as a study records it: one JSON line in its {@link ResultStore}.
 * {@code valCurve} is the validation accuracy (or loss, for regression) per epoch; a diverged
 * trial's losses may be NaN (written as JSON null).
 */
public record TrialResult(String variant, double lr, long seed, boolean diverged, double trainLoss, double valLoss, double valAccuracy,
                          double testLoss, double testAccuracy, int epochs, double seconds, double[] valCurve) {

    public String key() {
        return key(variant, lr, seed);
    }

    /** The key of the result of a trial named {@code variant} at rate {@code lr} with {@code seed}. */
    public static String key(String variant, double lr, long seed) {
        return variant + " lr " + lr + " seed " + seed;
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
                + ",\"seconds\":" + Json.number(seconds) + ",\"val_curve\":" + curve.append(']') + "}";
    }

    /** The result {@link #toJson} wrote, parsed. */
    public static TrialResult fromJson(Map<?, ?> m) {
        List<?> c = (List<?>) m.get("val_curve");
        double[] curve = new double[c.size()];
        for (int i = 0; i < curve.length; i++) {
            curve[i] = num(c.get(i));
        }
        return new TrialResult((String) m.get("variant"), num(m.get("lr")), ((Number) m.get("seed")).longValue(),
                "diverged".equals(m.get("status")), num(m.get("train_loss")), num(m.get("val_loss")), num(m.get("val_accuracy")),
                num(m.get("test_loss")), num(m.get("test_accuracy")), ((Number) m.get("epochs")).intValue(),
                num(m.get("seconds")), curve);
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;   // JSON null: NaN
    }
}
