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

    /** {"epoch", "seconds", "train_loss", "val_loss", "val_accuracy", ...}; "lr" only in a learning-rate study. */
    static String epoch(EpochMetrics m, double studyLr) {
        return "{" + (Double.isNaN(studyLr) ? "" : "\"lr\":" + num(studyLr) + ",") + "\"epoch\":" + m.epoch()
                + ",\"seconds\":" + num(m.trainSeconds()) + ",\"train_loss\":" + num(m.trainLoss()) + ",\"val_loss\":"
                + num(m.valLoss()) + ",\"val_accuracy\":" + num(m.valAccuracy()) + ",\"train_accuracy\":"
                + num(m.trainAccuracy()) + ",\"val_seconds\":" + num(m.valSeconds()) + ",\"samples_per_second\":"
                + num(m.samplesPerSecond()) + ",\"lr_now\":" + num(m.lr()) + "}";
    }

    static String test(Trainer.Evaluation t, double studyLr, History h) {
        return "{" + (Double.isNaN(studyLr) ? "" : "\"lr\":" + num(studyLr) + ",") + "\"test_loss\":" + num(t.loss())
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
