package dev.vecgrad.app;

import dev.vecgrad.models.io.Json;
import dev.vecgrad.models.train.EpochMetrics;
import dev.vecgrad.models.train.History;
import dev.vecgrad.models.train.Trainer;
import java.util.Map;

/** The JSON objects the CLI prints with {@code --json}, one per line. */
final class JsonLines {

    private JsonLines() {}

    static String num(double v) {
        return Json.number(v);
    }

    /**
     * {"epoch", then {@link EpochMetrics#fields()}: the columns of history.csv, same names, same
     * order}; "study_lr" first in a learning-rate study.
     */
    static String epoch(EpochMetrics m, double studyLr) {
        StringBuilder sb = new StringBuilder("{");
        if (!Double.isNaN(studyLr)) {
            sb.append("\"study_lr\":").append(num(studyLr)).append(',');
        }
        sb.append("\"epoch\":").append(m.epoch());
        m.fields().forEach((k, v) -> sb.append(",\"").append(k).append("\":").append(num(v)));
        return sb.append('}').toString();
    }

    static String test(Trainer.Evaluation t, double studyLr, History h) {
        return "{" + (Double.isNaN(studyLr) ? "" : "\"study_lr\":" + num(studyLr) + ",") + "\"test_loss\":" + num(t.loss())
                + ",\"test_accuracy\":" + num(t.accuracy()) + ",\"test_samples\":" + t.samples() + ",\"epochs\":"
                + h.epochs().size() + ",\"diverged\":" + h.diverged() + ",\"stopped_early\":" + h.stoppedEarly() + "}";
    }

    /** {"files": {name: path}, "phase_seconds": {phase: seconds}}. */
    static String files(Map<String, String> files, Map<String, Double> phaseSeconds) {
        StringBuilder sb = new StringBuilder("{\"files\":{");
        String sep = "";
        for (Map.Entry<String, String> e : files.entrySet()) {
            sb.append(sep).append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
            sep = ",";
        }
        sb.append("},\"phase_seconds\":{");
        sep = "";
        for (Map.Entry<String, Double> e : phaseSeconds.entrySet()) {
            sb.append(sep).append(Json.quote(e.getKey())).append(':').append(num(e.getValue()));
            sep = ",";
        }
        return sb.append("}}").toString();
    }
}
