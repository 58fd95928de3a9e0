package dev.vecgrad.models.study;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.data.DataSource;
import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.io.Json;
import dev.vecgrad.models.optim.Optimizer;
import dev.vecgrad.models.train.EarlyStopping;
import dev.vecgrad.models.train.EpochMetrics;
import dev.vecgrad.models.train.History;
import dev.vecgrad.models.train.Objective;
import dev.vecgrad.models.train.Trainer;
import dev.vecgrad.models.train.TrainingListener;
import dev.vecgrad.models.zoo.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Everything one training run is made of, as data: the model, the dataset, the optimizer and its
 * rate, the schedule, the budget, the regularization. A study changes one field at a time
 * ({@link #with(String, String)}, by the command line's option names), runs each spec as a
 * {@link Trial}, and records it as JSON ({@link #toJson()}, {@link #fromJson(String)}), so a
 * trial can be shipped to another process or machine and rebuilt bit for bit. The seed is not
 * part of the spec: a {@link Trial} is a spec and a seed.
 *
 * <p>{@link #defaults()} are the command line's ({@code ./vecgrad train}): an MLP 128-64 with
 * ReLU on make_moons, Adam at 0.003, batch 64, 10 epochs, a tenth held out for validation.
 *
 * @param model mlp, softmax, adaline, linreg or cnn (perceptron and seq2seq do not train with the Trainer)
 * @param dataset a {@link DataSource} name
 * @param samples training samples of a generated dataset (the test set has a fifth as many)
 * @param noise noise of a generated dataset; null for the dataset's own (0.2 moons, 0.01 linreg)
 * @param hidden MLP hidden widths
 * @param activation MLP hidden activation
 * @param batchNorm MLP BatchNorm1d after each hidden Linear
 * @param dropout MLP dropout after each hidden activation
 * @param output MLP output activation
 * @param loss loss name, or auto (cross-entropy for classes, mse for regression and adaline)
 * @param optimizer optimizer name
 * @param lr learning rate
 * @param momentum momentum of sgd, momentum and rmsprop; null for the optimizer's default
 * @param weightDecay weight decay (decoupled for adamw)
 * @param epochs epochs
 * @param batchSize mini-batch size
 * @param valFraction share of the training data held out for validation
 * @param schedule learning-rate schedule name
 * @param clip gradient-norm clipping threshold; 0 is off
 * @param earlyStopping patience of early stopping on the validation loss; 0 is off
 */
public record TrainSpec(String model, String dataset, int samples, Double noise, List<Integer> hidden, String activation,
                        boolean batchNorm, double dropout, String output, String loss, String optimizer, double lr, Double momentum,
                        double weightDecay, int epochs, int batchSize, double valFraction, String schedule, double clip,
                        int earlyStopping) {

    /** The option names {@link #with} takes, as the command line spells them (without {@code --}). */
    public static final List<String> OPTIONS = List.of("model", "dataset", "samples", "noise", "hidden", "activation", "batchnorm",
            "dropout", "output", "loss", "optimizer", "lr", "momentum", "weight-decay", "epochs", "batch-size", "val-fraction",
            "schedule", "clip", "early-stopping");

    public TrainSpec {
        hidden = List.copyOf(hidden);
    }

    /** The command line's defaults ({@code ./vecgrad train} with no options). */
    public static TrainSpec defaults() {
        return new TrainSpec("mlp", "moons", 2000, null, List.of(128, 64), "relu", false, 0, "none", "auto", "adam", 0.003, null, 0, 10,
                64, 0.1, "none", 0, 0);
    }

    /**
     * This spec with one option set from its text, as the command line reads it:
     * {@code with("activation", "tanh")}, {@code with("hidden", "64,32")},
     * {@code with("batch-size", "16")}. The name may carry the command line's {@code --}.
     *
     * @throws IllegalArgumentException naming the option, for an unknown option or a value that does not parse
     */
    public TrainSpec with(String option, String value) {
        String name = option.startsWith("--") ? option.substring(2) : option;
        Map<String, Object> m = fields();
        String key = name.replace('-', '_');
        if (!OPTIONS.contains(name)) {
            throw new IllegalArgumentException("--" + name + " is not a training option (" + String.join(", ", OPTIONS) + ")");
        }
        Object v = switch (name) {
            case "samples", "epochs", "batch-size", "early-stopping" -> parseInt(name, value);
            case "noise", "dropout", "lr", "weight-decay", "val-fraction", "clip", "momentum" -> parseDouble(name, value);
            case "hidden" -> {
                List<Integer> widths = new ArrayList<>();
                for (String w : value.split(",", -1)) {
                    widths.add(parseInt(name, w.strip()));
                }
                yield widths;
            }
            case "batchnorm" -> switch (value.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("--batchnorm: '" + value + "' is not true or false");
            };
            default -> value;
        };
        m.put(key.equals("batchnorm") ? "batch_norm" : key, v);
        return fromFields(m);
    }

    /** This spec at another learning rate. */
    public TrainSpec withLr(double rate) {
        return new TrainSpec(model, dataset, samples, noise, hidden, activation, batchNorm, dropout, output, loss, optimizer, rate, momentum,
                weightDecay, epochs, batchSize, valFraction, schedule, clip, earlyStopping);
    }

    private static int parseInt(String option, String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + ": '" + text + "' is not an integer");
        }
    }

    private static double parseDouble(String option, String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + ": '" + text + "' is not a number");
        }
    }

    /**
     * The first option that makes no sense, as one line naming it and what it takes (the
     * command line's messages); null when all are fine.
     */
    public String problem() {
        String p = Choices.oneOf("--model", model, Choices.MODELS);
        if (p != null || model.equals("seq2seq")) {
            return p;   // seq2seq checks its own options (its datasets, sizes)
        }
        for (String check : new String[] {Choices.oneOf("--dataset", dataset, DataSource.NAMES),
            Choices.oneOf("--activation", activation, Choices.ACTIVATIONS), Choices.oneOf("--output", output, Choices.OUTPUTS),
            Choices.oneOf("--loss", loss, Choices.LOSSES), Choices.oneOf("--optimizer", optimizer, Choices.OPTIMIZERS),
            Choices.oneOf("--schedule", schedule, Choices.SCHEDULES)}) {
            if (check != null) {
                return check;
            }
        }
        if (epochs < 1 || epochs > 1_000_000) {
            return "--epochs must be 1 to 1000000, got " + epochs;
        }
        if (batchSize < 1) {
            return "--batch-size must be >= 1, got " + batchSize;
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            return "--lr must be a positive finite number, got " + lr;
        }
        if (momentum != null && !(momentum >= 0 && momentum < 1)) {
            return "--momentum must be in [0, 1), got " + momentum;
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            return "--weight-decay must be a finite number >= 0, got " + weightDecay;
        }
        if (!(dropout >= 0 && dropout < 1)) {
            return "--dropout must be in [0, 1), got " + dropout;
        }
        if (dropout > 0 && !model.equals("mlp")) {
            return "--dropout is an option of --model mlp, not " + model;
        }
        if (batchNorm && !model.equals("mlp")) {
            return "--batchnorm is an option of --model mlp, not " + model;
        }
        if (!(valFraction >= 0 && valFraction < 1)) {
            return "--val-fraction must be in [0, 1), got " + valFraction;
        }
        if (!(clip >= 0) || Double.isInfinite(clip)) {
            return "--clip must be a finite number >= 0 (0 is off), got " + clip;
        }
        if (earlyStopping < 0) {
            return "--early-stopping must be >= 0 (0 is off), got " + earlyStopping;
        }
        if (samples < 10 || samples > 10_000_000) {
            return "--samples must be 10 to 10000000, got " + samples;
        }
        if (noise != null && (!(noise >= 0) || Double.isInfinite(noise))) {
            return "--noise must be a finite number >= 0, got " + noise;
        }
        if (hidden.isEmpty()) {
            return "--hidden needs at least one width";
        }
        for (int h : hidden) {
            if (h < 1 || h > 65_536) {
                return "--hidden widths must be 1 to 65536, got " + h;
            }
        }
        if (model.equals("mlp")) {
            // a lower bound (the input and output layers add more); say so instead of failing with an OutOfMemoryError
            long params = 2L * hidden.get(0);
            for (int i = 0; i + 1 < hidden.size(); i++) {
                params += (long) hidden.get(i) * hidden.get(i + 1) + hidden.get(i + 1);
            }
            // 4 bytes of weight and 4 of gradient, plus 4 per state tensor the optimizer keeps per parameter
            int states = switch (optimizer) {
                case "sgd" -> 0;
                case "momentum", "rmsprop", "adagrad" -> 1;
                default -> 2; // adam, adamw, adamax, adadelta
            };
            long bytes = (8 + 4L * states) * params;
            long max = Runtime.getRuntime().maxMemory();
            if (bytes > max) {
                return String.format(Locale.ROOT, "--hidden %s needs at least %.1f GB (%d parameters: weights, gradients"
                        + " and optimizer state), more than this JVM may use (%.1f GB; raise it with VECGRAD_JAVA_OPTS=-Xmx...)",
                        String.join(",", hidden.stream().map(String::valueOf).toList()), bytes / 1e9, params, max / 1e9);
            }
        }
        return null;
    }

    /** Whether the dataset is a logic gate (four points: trained and tested on all of them, no validation split). */
    public boolean isGate() {
        return DataSource.isGate(dataset);
    }

    /** The data this spec names; {@code fashionMnistDir} is where Fashion-MNIST's files are, {@code seed} the generators'. */
    public DataSource data(Path fashionMnistDir, long seed) {
        return new DataSource(dataset, fashionMnistDir, samples, noise != null ? noise : dataset.equals("linreg") ? 0.01 : 0.2, seed);
    }

    /**
     * The training and validation sets of {@code trainAll}: a random split of the validation
     * fraction with {@code seed}, or all of it and no validation set (null) for a logic gate or a
     * fraction of 0.
     */
    public Dataset.Split split(Dataset trainAll, long seed) {
        return !isGate() && valFraction > 0 ? trainAll.split(valFraction, seed) : new Dataset.Split(trainAll, null);
    }

    /** The loss's name: the spec's, or for auto cross-entropy (bce, nll after a sigmoid, log_softmax output) or mse. */
    public String resolvedLoss(Dataset train) {
        if (!loss.equals("auto")) {
            return loss;
        }
        if (!train.isClassification() || model.equals("linreg") || model.equals("adaline")) {
            return "mse";
        }
        return switch (output) {
            case "sigmoid" -> "bce";
            case "log_softmax" -> "nll";
            default -> "cross-entropy";
        };
    }

    /** The zoo model this spec trains on {@code train} with {@code lossName}; IllegalArgumentException when they do not fit. */
    public ModelSpec modelSpec(Dataset train, String lossName) {
        int in = train.features();
        boolean single = Choices.singleOutput(lossName);
        if (!train.isClassification() && !lossName.equals("mse")) {
            throw new IllegalArgumentException(lossName + " needs a classification dataset; " + dataset + " is regression (use --loss mse)");
        }
        int outWidth = single ? train.targetWidth() : train.numClasses();
        return switch (model) {
            case "mlp" -> {
                int[] sizes = new int[hidden.size() + 2];
                sizes[0] = in;
                for (int i = 0; i < hidden.size(); i++) {
                    sizes[i + 1] = hidden.get(i);
                }
                sizes[sizes.length - 1] = outWidth;
                yield ModelSpec.mlp(sizes, activation, output, dropout, batchNorm);
            }
            case "softmax" -> {
                if (!train.isClassification() || single) {
                    throw new IllegalArgumentException("softmax regression needs class labels and cross-entropy or nll");
                }
                yield ModelSpec.of("softmax", in, outWidth);
            }
            case "linreg" -> {
                if (train.isClassification()) {
                    throw new IllegalArgumentException("linreg needs a regression dataset (--dataset linreg), got " + dataset);
                }
                yield ModelSpec.of("linreg", in, outWidth);
            }
            case "adaline" -> {
                if (!train.isClassification() || train.numClasses() != 2 || !lossName.equals("mse")) {
                    throw new IllegalArgumentException("adaline learns 2-class data with the mse loss, got " + dataset + " / " + lossName);
                }
                yield ModelSpec.of("adaline", in);
            }
            case "cnn" -> {
                int side = (int) Math.round(Math.sqrt(in));
                if (!train.isClassification() || single || side * side != in || side % 4 != 0) {
                    throw new IllegalArgumentException("cnn needs square images with classes (--dataset fashion-mnist), got " + dataset);
                }
                yield ModelSpec.of("cnn", side, 32, 64, 128, outWidth);
            }
            default -> throw new IllegalArgumentException("unknown model '" + model + "' (mlp, softmax, perceptron, adaline, linreg, cnn,"
                    + " seq2seq)");
        };
    }

    /** This spec's optimizer, at its rate, over {@code params}. */
    public Optimizer makeOptimizer(List<Tensor> params) {
        return Choices.optimizer(optimizer, params, lr, momentum, weightDecay);
    }

    /** A trained model, its history, and the trainer that trained it (to evaluate with the same batch size). */
    public record Fit(Module net, History history, Trainer trainer) {}

    /**
     * Trains one model of {@code spec} with this spec's optimizer, rate, schedule, clipping,
     * early stopping, epochs and batch size; {@code seed} seeds the weights and the shuffling.
     */
    public Fit fit(ModelSpec spec, Objective objective, Dataset train, Dataset val, long seed, TrainingListener listener,
                   Consumer<EpochMetrics> onEpoch) {
        return fit(spec, objective, train, val, seed, listener, onEpoch, t -> {});
    }

    /**
     * As {@link #fit(ModelSpec, Objective, Dataset, Dataset, long, TrainingListener, Consumer)},
     * with {@code configure} given the trainer last, before it trains (to save the state of every
     * epoch, resume from one, or stop on Ctrl-C).
     */
    public Fit fit(ModelSpec spec, Objective objective, Dataset train, Dataset val, long seed, TrainingListener listener,
                   Consumer<EpochMetrics> onEpoch, Consumer<Trainer> configure) {
        Module net = spec.build(new Random(seed));
        Optimizer opt = makeOptimizer(net.parameters());
        Trainer trainer = new Trainer(objective).epochs(epochs).batchSize(batchSize).seed(seed).listener(listener);
        Choices.ScheduleChoice sc = Choices.schedule(schedule, lr, epochs, train.batchCount(batchSize));
        if (sc != null) {
            trainer.scheduler(sc.make(), sc.perStep());
        }
        if (clip > 0) {
            trainer.clipGradNorm(clip);
        }
        if (earlyStopping > 0) {
            if (val == null) {
                throw new IllegalArgumentException("--early-stopping needs a validation split (--val-fraction > 0, not a logic gate)");
            }
            trainer.earlyStopping(new EarlyStopping(earlyStopping, 0));
        }
        trainer.onEpoch(onEpoch);
        configure.accept(trainer);
        return new Fit(net, trainer.fit(net, opt, train, val), trainer);
    }

    /** The fields by their JSON names, in order. */
    private Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("dataset", dataset);
        m.put("samples", samples);
        m.put("noise", noise);
        m.put("hidden", hidden);
        m.put("activation", activation);
        m.put("batch_norm", batchNorm);
        m.put("dropout", dropout);
        m.put("output", output);
        m.put("loss", loss);
        m.put("optimizer", optimizer);
        m.put("lr", lr);
        m.put("momentum", momentum);
        m.put("weight_decay", weightDecay);
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("val_fraction", valFraction);
        m.put("schedule", schedule);
        m.put("clip", clip);
        m.put("early_stopping", earlyStopping);
        return m;
    }

    /** A JSON number that must be an int: refused (ArithmeticException) when it is fractional or out of range. */
    private static int whole(Object n) {
        if (n instanceof Integer i) {
            return i;
        }
        double d = ((Number) n).doubleValue();
        if (d != Math.rint(d)) {
            throw new ArithmeticException("not a whole number: " + n);
        }
        return Math.toIntExact(((Number) n).longValue());
    }

    private static TrainSpec fromFields(Map<String, Object> m) {
        List<Integer> widths = new ArrayList<>();
        for (Object w : (List<?>) m.get("hidden")) {
            widths.add(whole(w));
        }
        return new TrainSpec((String) m.get("model"), (String) m.get("dataset"), whole(m.get("samples")),
                m.get("noise") == null ? null : ((Number) m.get("noise")).doubleValue(), widths, (String) m.get("activation"),
                (Boolean) m.get("batch_norm"), ((Number) m.get("dropout")).doubleValue(), (String) m.get("output"), (String) m.get("loss"),
                (String) m.get("optimizer"), ((Number) m.get("lr")).doubleValue(),
                m.get("momentum") == null ? null : ((Number) m.get("momentum")).doubleValue(), ((Number) m.get("weight_decay")).doubleValue(),
                whole(m.get("epochs")), whole(m.get("batch_size")),
                ((Number) m.get("val_fraction")).doubleValue(), (String) m.get("schedule"), ((Number) m.get("clip")).doubleValue(),
                whole(m.get("early_stopping")));
    }

    /** One JSON object, every field named (snake_case, as {@link #fromJson} reads it); doubles print so that they read back exactly. */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : fields().entrySet()) {
            sb.append(sb.length() == 1 ? "" : ",").append(Json.quote(e.getKey())).append(':');
            Object v = e.getValue();
            if (v == null) {
                sb.append("null");
            } else if (v instanceof String s) {
                sb.append(Json.quote(s));
            } else if (v instanceof List<?> l) {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    sb.append(i == 0 ? "" : ",").append(l.get(i));
                }
                sb.append(']');
            } else {
                sb.append(v);   // Integer, Boolean, Double (Double.toString round-trips)
            }
        }
        return sb.append('}').toString();
    }

    /** The spec {@link #toJson} wrote; IllegalArgumentException naming a missing or mistyped field. */
    public static TrainSpec fromJson(String json) {
        Object parsed = Json.parse(json);
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("a training spec is a JSON object, got: " + json);
        }
        return fromMap(map);
    }

    /** The spec of a parsed JSON object (see {@link #fromJson}). */
    static TrainSpec fromMap(Map<?, ?> map) {
        Map<String, Object> m = defaults().fields();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!m.containsKey(e.getKey())) {
                throw new IllegalArgumentException("training spec: unknown field '" + e.getKey() + "'");
            }
            m.put((String) e.getKey(), e.getValue());
        }
        try {
            return fromFields(m);
        } catch (ClassCastException | NullPointerException | ArithmeticException e) {
            throw new IllegalArgumentException("training spec: a field has the wrong type or range (" + map + ")", e);
        }
    }
}
