package dev.vecgrad.app;

import dev.vecgrad.autograd.Grad;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.data.DataSource;
import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.data.FashionMnist;
import dev.vecgrad.models.io.Checkpoints;
import dev.vecgrad.models.io.FileFormatException;
import dev.vecgrad.models.io.SafeTensors;
import dev.vecgrad.models.zoo.ModelSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./vecgrad predict --checkpoint F}: rebuilds the model a checkpoint describes, loads its
 * weights, and predicts the test split of its dataset (accuracy and the first rows) or the
 * rows of a CSV file.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Loads a checkpoint written by demo or train and predicts with it: the accuracy",
                "on its dataset's test split and the first predictions, or one prediction per",
                "line of a CSV file of features."})
final class PredictCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A .safetensors file written by demo or train.")
    Path checkpoint;

    @Option(names = "--input", paramLabel = "CSV", description = "Predict these rows instead (comma-separated features, one sample per line; '#' lines skipped).")
    Path input;

    @Option(names = "--split", defaultValue = "test", description = "test or train (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory with the Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--limit", defaultValue = "10", description = "Predictions to print (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "JSON lines: one per printed prediction, then a summary.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!split.equals("test") && !split.equals("train")) {   // before the checkpoint and the data are read
            System.err.println("vecgrad predict: --split must be test or train, got '" + split + "'");
            return 2;
        }
        SafeTensors.Contents contents = SafeTensors.load(checkpoint);
        Map<String, String> meta = contents.metadata();
        if ("seq2seq".equals(meta.get("vecgrad.model"))) {
            throw new FileFormatException(checkpoint, "a seq2seq checkpoint, which translates text: ./vecgrad translate --checkpoint "
                    + checkpoint + " TEXT");
        }
        if ("deblurnet".equals(meta.get("vecgrad.model"))) {
            throw new FileFormatException(checkpoint, "a checkpoint of deblur's earlier small network (deblurnet), which deblur no longer "
                    + "trains; run ./vecgrad deblur again for a U-Net checkpoint");
        }
        if ("unet-deblur".equals(meta.get("vecgrad.model"))) {
            return DeblurCommand.predict(checkpoint, contents, dataDir != null ? dataDir : FashionMnist.SYSTEM_DIR, limit);
        }
        ModelSpec spec;
        try {
            spec = ModelSpec.fromMetadata(meta);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(checkpoint, e.getMessage());
        }
        long stored = contents.tensors().values().stream().mapToLong(Tensor::numel).sum();
        if (spec.stateCount() != stored) {
            // Checked before building: sizes in the metadata decide allocations, and forged ones could ask for gigabytes.
            throw new FileFormatException(checkpoint, "the metadata describes " + spec + " with "
                    + (spec.stateCount() == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(spec.stateCount()))
                    + " parameters, the tensors hold " + stored + ": metadata and weights disagree");
        }
        Module model = spec.build(new Random(0));
        Checkpoints.apply(checkpoint, contents, model);
        model.eval();
        String loss = meta.getOrDefault("vecgrad.loss", spec.kind().equals("perceptron") ? "none" : "cross-entropy");
        List<String> classes = meta.containsKey("vecgrad.classes") && !meta.get("vecgrad.classes").isEmpty()
                ? List.of(meta.get("vecgrad.classes").split("\\|")) : List.of();
        if (!json) {
            System.out.println("checkpoint " + checkpoint + ": " + spec + (meta.containsKey("vecgrad.dataset")
                    ? ", trained on " + meta.get("vecgrad.dataset") : ""));
        }
        if (input != null) {
            float[][] rows = readCsv(input, spec.inputs());
            if (meta.containsKey("vecgrad.scaling")) {
                rows = matchScaling(input, rows, meta.get("vecgrad.scaling"));
            }
            float[] flat = new float[rows.length * spec.inputs()];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, flat, i * rows[i].length, rows[i].length);
            }
            Tensor out = forward(model, Tensor.fromArray(flat, rows.length, spec.inputs()));
            for (int i = 0; i < rows.length; i++) {
                printPrediction(i, out, loss, classes, null);
            }
            return 0;
        }
        Path dir = dataDir != null ? dataDir : FashionMnist.SYSTEM_DIR;
        DataSource source;
        try {
            source = DataSource.fromMetadata(meta, dir);
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(checkpoint, e.getMessage());
        }
        Dataset data = source.load(split);   // only the split scored: the other is never made
        if (data.features() != spec.inputs()) {
            throw new IllegalArgumentException(data.name() + " has " + data.features() + " features, the model takes " + spec.inputs());
        }
        Tensor out = forward(model, data);
        int shown = Math.min(limit, data.size());
        for (int i = 0; i < shown; i++) {
            printPrediction(i, out, loss, classes, data);
        }
        if (data.isClassification()) {
            int[] predicted = predictedClasses(out, loss);
            int hits = 0;
            for (int i = 0; i < predicted.length; i++) {
                hits += predicted[i] == data.label(i) ? 1 : 0;
            }
            double acc = (double) hits / data.size();
            if (json) {
                System.out.println("{\"dataset\":" + dev.vecgrad.models.io.Json.quote(data.name()) + ",\"samples\":" + data.size()
                        + ",\"accuracy\":" + JsonLines.num(acc) + "}");
            } else {
                System.out.printf(Locale.ROOT, "accuracy on %s: %.2f%% (%d of %d)%n", data.name(), 100 * acc, hits, data.size());
            }
        } else {
            float[] v = out.toFloatArray();
            double se = 0;
            for (int i = 0; i < data.size(); i++) {
                for (int j = 0; j < data.targetWidth(); j++) {
                    double d = v[i * data.targetWidth() + j] - data.target(i, j);
                    se += d * d;
                }
            }
            double mse = se / ((double) data.size() * data.targetWidth());
            if (json) {
                System.out.println("{\"dataset\":" + dev.vecgrad.models.io.Json.quote(data.name()) + ",\"samples\":" + data.size()
                        + ",\"mse\":" + JsonLines.num(mse) + "}");
            } else {
                System.out.printf(Locale.ROOT, "mean squared error on %s: %.6g (%d samples)%n", data.name(), mse, data.size());
            }
        }
        return 0;
    }

    private static Tensor forward(Module model, Tensor x) {
        try (var g = Grad.disabled()) {
            return model.forward(x);
        }
    }

    /** Rows scored at once: the outputs of a whole split are kept, its activations only a batch at a time. */
    static final int BATCH = 4096;

    /** The model's outputs for every sample of {@code data}, computed {@link #BATCH} rows at a time. */
    private static Tensor forward(Module model, Dataset data) {
        float[] all = null;
        int[] shape = null;
        int row = 0;
        try (var g = Grad.disabled()) {
            for (dev.vecgrad.models.data.Batch b : data.batches(BATCH, null)) {
                Tensor out = model.forward(b.x());
                if (all == null) {
                    shape = out.shape().clone();
                    shape[0] = data.size();
                    all = new float[Math.multiplyExact(data.size(), out.numel() / out.size(0))];
                }
                float[] v = out.toFloatArray();
                System.arraycopy(v, 0, all, row, v.length);
                row += v.length;
            }
        }
        return Tensor.of(all, shape);
    }

    /** Class per row: argmax for several outputs, a threshold for one (0 for logits, 0.5 for probabilities and sums). */
    private static int[] predictedClasses(Tensor out, String loss) {
        if (out.dim() == 2 && out.size(1) > 1) {
            return out.argmax(1);
        }
        float[] v = out.toFloatArray();
        double threshold = loss.equals("bce-with-logits") ? 0 : 0.5;
        int[] c = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            c[i] = v[i] > threshold ? 1 : 0;
        }
        return c;
    }

    /** Confidence in each row's predicted class: softmax of logits, exp of log-probabilities, sigmoid of a logit. */
    private static double confidence(Tensor out, String loss, int row, int cls) {
        if (out.dim() == 2 && out.size(1) > 1) {
            Tensor p = loss.equals("nll") ? out.slice(0, row, row + 1).exp() : out.slice(0, row, row + 1).softmax(1);
            return p.get(0, cls);
        }
        double v = out.toFloatArray()[row];
        double p = loss.equals("bce-with-logits") ? 1 / (1 + Math.exp(-v)) : loss.equals("bce") ? v : Double.NaN;
        return cls == 1 ? p : 1 - p;
    }

    private void printPrediction(int i, Tensor out, String loss, List<String> classes, Dataset data) {
        boolean regression = loss.equals("mse") && (data == null ? classes.isEmpty() : !data.isClassification());
        if (regression) {
            float[] row = out.slice(0, i, i + 1).toFloatArray();
            String truth = data == null ? "" : String.format(Locale.ROOT, "  target %.4f", data.target(i, 0));
            if (json) {
                System.out.println("{\"index\":" + i + ",\"prediction\":" + Arrays.toString(row).replace(" ", "") + "}");
            } else {
                System.out.printf(Locale.ROOT, "#%d  predicted %s%s%n", i, Arrays.toString(row), truth);
            }
            return;
        }
        int cls = predictedClasses(out.slice(0, i, i + 1), loss)[0];
        double conf = confidence(out, loss, i, cls);
        String name = cls < classes.size() ? classes.get(cls) : Integer.toString(cls);
        if (json) {
            System.out.println("{\"index\":" + i + ",\"class\":" + cls + ",\"name\":" + dev.vecgrad.models.io.Json.quote(name)
                    + ",\"confidence\":" + JsonLines.num(conf) + (data == null ? "" : ",\"label\":" + data.label(i)) + "}");
        } else {
            String truth = data == null ? "" : "  true " + (data.label(i) < classes.size() ? classes.get(data.label(i)) : data.label(i))
                    + (data.label(i) == cls ? "" : "  (wrong)");
            System.out.printf(Locale.ROOT, "#%d  predicted %s%s%s%n", i, name,
                    Double.isNaN(conf) ? "" : String.format(Locale.ROOT, " (%.1f%%)", 100 * conf), truth);
        }
    }

    /**
     * Rows for a model trained on scaled pixels: kept when they are in the training range; scaled,
     * with a note on stderr, when they are raw pixels (integers 0 to 255); refused otherwise.
     */
    static float[][] matchScaling(Path file, float[][] rows, String scalingName) throws FileFormatException {
        FashionMnist.Scaling scaling;
        try {
            scaling = FashionMnist.Scaling.valueOf(scalingName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, "the checkpoint's vecgrad.scaling '" + scalingName + "' is not one of unit, symmetric");
        }
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        boolean integral = true;
        for (float[] r : rows) {
            for (float v : r) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                integral &= v == Math.rint(v);
            }
        }
        String range = "[" + num(scaling.min()) + ", " + num(scaling.max()) + "]";
        float eps = 1e-5f;
        if (min >= scaling.min() - eps && max <= scaling.max() + eps) {
            return rows;
        }
        if (min >= 0 && max <= 255 && integral) {
            System.err.println("vecgrad predict: " + file + " holds raw pixels (0 to 255): scaled to " + range
                    + " as in training (vecgrad.scaling " + scaling.name().toLowerCase(Locale.ROOT) + ")");
            float[][] out = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                out[i] = new float[rows[i].length];
                for (int j = 0; j < rows[i].length; j++) {
                    out[i][j] = scaling.apply(rows[i][j]);
                }
            }
            return out;
        }
        throw new FileFormatException(file, "values from " + num(min) + " to " + num(max)
                + " are neither raw pixels (integers 0 to 255) nor scaled as in training " + range);
    }

    /** A float as a person writes it: 1 rather than 1.0000001 or 1.0. */
    private static String num(float v) {
        String s = Float.toString(Math.round(v * 1e5f) / 1e5f);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    private static float[][] readCsv(Path file, int width) throws IOException {
        List<float[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int ln = 0; ln < lines.size(); ln++) {
            String line = lines.get(ln).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(",");
            if (parts.length != width) {
                throw new FileFormatException(file, "line " + (ln + 1) + " has " + parts.length + " values, the model takes " + width);
            }
            float[] r = new float[width];
            for (int j = 0; j < width; j++) {
                try {
                    r[j] = Float.parseFloat(parts[j].trim());
                    if (!Float.isFinite(r[j])) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new FileFormatException(file, "line " + (ln + 1) + ", value " + (j + 1) + ": '" + parts[j].trim() + "' is not a finite number");
                }
            }
            rows.add(r);
        }
        if (rows.isEmpty()) {
            throw new FileFormatException(file, "no rows of features");
        }
        return rows.toArray(new float[0][]);
    }
}
