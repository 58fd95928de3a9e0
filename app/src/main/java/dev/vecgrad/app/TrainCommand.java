package dev.vecgrad.app;

import dev.vecgrad.models.data.DataSource;
import dev.vecgrad.models.study.TrainSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./vecgrad train}: any zoo model on any known dataset, with the optimizer, schedule and batch size chosen. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a zoo model and reports every epoch; writes the checkpoint, history CSV",
                "and curves PNG. Several learning rates (--lr 0.1,0.5,10) train one model each",
                "and plot their losses together.",
                "Examples:",
                "  ./vecgrad train --model mlp --dataset fashion-mnist --epochs 5",
                "  ./vecgrad train --model softmax --dataset fashion-mnist \\",
                "      --optimizer sgd --lr 0.1",
                "  ./vecgrad train --model perceptron --dataset xor --lr 0.1 --epochs 100",
                "  ./vecgrad train --model adaline --dataset and --optimizer sgd \\",
                "      --lr 0.05 --batch-size 1 --epochs 200",
                "  ./vecgrad train --model linreg --dataset linreg --optimizer sgd \\",
                "      --lr 0.03 --epochs 20 --schedule cosine",
                "  ./vecgrad train --model seq2seq --dataset dates   # 10,000 pairs, 3 epochs",
                "  ./vecgrad train --model cnn --dataset fashion-mnist --epochs 5",
                "  ./vecgrad train --model mlp --dataset xor --hidden 2 \\",
                "      --activation sigmoid --output sigmoid --loss mse --optimizer sgd \\",
                "      --lr 0.1,0.5,2,10 --batch-size 4 --epochs 5000"})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "mlp",
            description = "mlp, softmax, perceptron, adaline, linreg, cnn (fashion-mnist), or seq2seq (--dataset dates or numbers) (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--dataset",
            description = "fashion-mnist, moons, xor, and, or, blobs or linreg (default: the model's: fashion-mnist for cnn, dates for "
                    + "seq2seq, linreg for linreg, moons for the others).")
    String dataset;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continues the unfinished run in DIR (stopped with Ctrl-C, or killed) from its last completed epoch, with the"
                    + " options it was started with; it ends with the same bits as a run that was never stopped.")
    Path resume;

    @Option(names = "--keep", defaultValue = "last", paramLabel = "last|best",
            description = "Which weights the checkpoint holds: the last epoch's, or the best epoch's by validation loss (default:"
                    + " ${DEFAULT-VALUE}).")
    String keep;

    @Option(names = "--embedding", paramLabel = "N", description = "seq2seq: the width of the character embeddings (default: "
            + SEQ2SEQ_EMBEDDING + ").")
    Integer embedding;

    @Option(names = "--attention", paramLabel = "N", description = "seq2seq: the size of the additive attention (default: "
            + SEQ2SEQ_ATTENTION + ").")
    Integer attention;

    /** The seq2seq model's sizes when not given: embedding 32, encoder LSTM 64, decoder LSTM 128, attention 64. */
    static final int SEQ2SEQ_EMBEDDING = 32;
    static final String SEQ2SEQ_HIDDEN = "64,128";
    static final int SEQ2SEQ_ATTENTION = 64;

    /** Options of every model: what to train on, for how long, where the files go. */
    private static final java.util.List<String> ANY_MODEL = java.util.List.of("--model", "--dataset", "--epochs", "--seed", "--threads",
            "--out", "--overwrite", "--json", "--data", "--no-install", "--help", "--version", "--resume");
    /** Options of the models the Trainer trains: the optimizer, its schedule, the split and what is kept. */
    private static final java.util.List<String> TRAINER = java.util.List.of("--samples", "--noise", "--loss", "--optimizer", "--lr",
            "--momentum", "--weight-decay", "--batch-size", "--val-fraction", "--schedule", "--clip", "--early-stopping", "--keep");

    /**
     * The options each model takes besides {@link #ANY_MODEL}: any other given explicitly is
     * refused, where it was accepted and ignored (seq2seq trained its fixed network whatever
     * --optimizer or --hidden said; the CNN ignored --hidden and --activation).
     */
    static final Map<String, java.util.List<String>> MODEL_OPTIONS = Map.of(
            "mlp", concat(TRAINER, java.util.List.of("--hidden", "--activation", "--batchnorm", "--dropout", "--output")),
            "softmax", TRAINER, "linreg", TRAINER, "adaline", TRAINER, "cnn", TRAINER,
            "perceptron", java.util.List.of("--samples", "--noise", "--lr"),
            "seq2seq", java.util.List.of("--samples", "--batch-size", "--lr", "--hidden", "--embedding", "--attention"));

    private static java.util.List<String> concat(java.util.List<String> a, java.util.List<String> b) {
        java.util.List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return java.util.List.copyOf(out);
    }

    /** The datasets each model trains on, where not all (seq2seq checks its own: dates, numbers). */
    static final Map<String, java.util.List<String>> MODEL_DATASETS = Map.of(
            "cnn", java.util.List.of("fashion-mnist"),
            "linreg", java.util.List.of("linreg"),
            "adaline", java.util.List.of("moons", "xor", "and", "or"),
            "softmax", java.util.List.of("fashion-mnist", "moons", "blobs", "xor", "and", "or"));

    /**
     * A dataset the model cannot train on, as one line (exit 2, before any data is read); it was
     * found after loading and exited 1.
     */
    private String datasetProblem() {
        java.util.List<String> ok = MODEL_DATASETS.get(model);
        if (ok == null || ok.contains(dataset) || !DataSource.NAMES.contains(dataset)) {
            return null;   // an unknown dataset gets its own message
        }
        String why = switch (model) {
            case "cnn" -> "square images with classes";
            case "linreg" -> "a regression dataset";
            case "adaline" -> "two classes";
            default -> "class labels";
        };
        return "--model " + model + " needs " + why + ": --dataset " + (ok.size() == 1 ? ok.get(0) : "one of " + String.join(", ", ok))
                + ", got " + dataset;
    }

    /** The first option given that the model does not take, as the refusal's line; null when every one applies. */
    private String optionThatDoesNotApply() {
        if (spec == null || spec.commandLine().getParseResult() == null) {
            return null;
        }
        java.util.List<String> takes = MODEL_OPTIONS.get(model);
        if (takes == null) {
            return null;   // an unknown model is refused with its own message
        }
        var parsed = spec.commandLine().getParseResult();
        for (var o : parsed.matchedOptions()) {
            String name = o.longestName();
            if (!ANY_MODEL.contains(name) && !takes.contains(name)) {
                return name + " does not apply to --model " + model + "; it takes " + String.join(", ", takes)
                        + " (besides --dataset, --epochs, --seed, --out, ...)";
            }
        }
        boolean generated = java.util.List.of("moons", "blobs", "linreg").contains(dataset) || model.equals("seq2seq");
        for (String data : java.util.List.of("--samples", "--noise")) {
            if (parsed.hasMatchedOption(data) && (!generated || (model.equals("seq2seq") && data.equals("--noise")))) {
                return data + " does not apply to --dataset " + dataset + (dataset.equals("fashion-mnist")
                        ? " (its 60,000 training and 10,000 test images are fixed)" : "");
            }
        }
        return null;
    }

    /** The options --resume takes beside it: where and how to run, not what to train. */
    private static final java.util.Set<String> RESUME_OPTIONS = java.util.Set.of("--resume", "--threads", "--json", "--data", "--no-install");

    /** The dataset a model trains on when --dataset is not given (cnn on moons failed: it takes images). */
    static String defaultDataset(String model) {
        return switch (model) {
            case "cnn" -> "fashion-mnist";
            case "seq2seq" -> "dates";
            case "linreg" -> "linreg";
            default -> "moons";
        };
    }

    @Option(names = "--samples", defaultValue = "2000", description = "Training samples of a generated dataset (default: ${DEFAULT-VALUE}; the test set has a fifth as many).")
    int samples;

    @Option(names = "--noise", description = "Noise of a generated dataset (default: 0.2 for moons, 0.01 for linreg).")
    Double noise;

    @Option(names = "--hidden", split = ",", defaultValue = "128,64", description = "MLP hidden widths (default: ${DEFAULT-VALUE}); for"
            + " seq2seq the encoder's and the decoder's LSTM sizes (default: " + SEQ2SEQ_HIDDEN + ").")
    int[] hidden;

    @Option(names = "--activation", defaultValue = "relu", description = "MLP hidden activation: relu, leaky_relu, sigmoid, tanh, gelu (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--batchnorm", arity = "0..1", defaultValue = "false", paramLabel = "true|false",
            description = "MLP BatchNorm1d after each hidden Linear, before the activation (default: ${DEFAULT-VALUE}).")
    boolean batchNorm;

    @Option(names = "--dropout", defaultValue = "0", paramLabel = "P", description = "MLP dropout after each hidden activation, as nn.Dropout(P); 0 is none (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--output", defaultValue = "none", description = "MLP output activation: none, sigmoid, log_softmax (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--loss", defaultValue = "auto",
            description = "auto, cross-entropy, nll, bce-with-logits, bce, mse (default: ${DEFAULT-VALUE}: cross-entropy for classes, mse for regression and adaline).")
    String loss;

    @Option(names = "--optimizer", defaultValue = "adam", description = "sgd, momentum, adam, adamw, rmsprop, adagrad, adadelta, adamax (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", split = ",", defaultValue = "0.003",
            description = "Learning rate; a comma list runs a study (default: ${DEFAULT-VALUE}; 0.001 for cnn).")
    double[] lrs;

    @Option(names = "--momentum", description = "Momentum of sgd, momentum (default 0.9) and rmsprop.")
    Double momentum;

    @Option(names = "--weight-decay", defaultValue = "0", description = "Weight decay (L2; decoupled for adamw) (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs; for the perceptron the most it may take (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Mini-batch size: 1 is online, the dataset size is full batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--val-fraction", defaultValue = "0.1", description = "Share of the training data held out for validation (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--schedule", defaultValue = "none", description = "Learning-rate schedule: none, step, cosine, warmup-cosine, one-cycle (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--clip", defaultValue = "0", description = "Clip the gradient norm to this; 0 is off (default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--early-stopping", defaultValue = "0", paramLabel = "PATIENCE",
            description = "Stop after this many epochs without a better validation loss, keeping the best weights; 0 is off.")
    int patience;

    @Mixin
    CommonOptions common;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The first option that makes no sense, as one line naming it and what it takes; null when all are fine. */
    String problem() {
        if (dataset == null) {
            dataset = defaultDataset(model);
        }
        if (model.equals("seq2seq") && common.json) {   // accepted and ignored before: say so instead
            return "--json: --model seq2seq prints no JSON lines yet; its history is in the run's folder";
        }
        if (lrs.length == 0) {   // "--lr ," parses to no rate: refused here, not reported as a divergence after the set-up
            return "--lr needs at least one rate, e.g. --lr 0.003";
        }
        if (hidden.length == 0) {
            return "--hidden needs at least one width, e.g. --hidden 128,64";
        }
        String data = datasetProblem();
        if (data != null) {
            return data;
        }
        String notHere = optionThatDoesNotApply();
        if (notHere != null) {
            return notHere;
        }
        if (!keep.equals("last") && !keep.equals("best")) {
            return "--keep must be last or best, got '" + keep + "'";
        }
        for (double lr : lrs) {
            String p = toSpec(lr).problem();
            if (p != null || model.equals("seq2seq")) {
                return p;   // seq2seq checks its own options (its datasets, sizes)
            }
        }
        if (keep.equals("best") && (model.equals("perceptron") || DataSource.isGate(dataset) || !(valFraction > 0))) {
            return "--keep best chooses on the validation split: it needs one (--val-fraction > 0, not a logic gate or the perceptron)";
        }
        return common.problem();
    }

    /** {@code --resume DIR}: the run the state file in DIR describes, continued from it. */
    private int resumeRun() throws Exception {
        if (!java.nio.file.Files.isDirectory(resume)) {
            throw new java.nio.file.NoSuchFileException(resume.toString(), null, "--resume: no such folder");
        }
        RunDirectory.recover(resume, TrainingRun.STATE_FILE);
        Path file = resume.resolve(TrainingRun.STATE_FILE);
        if (!java.nio.file.Files.exists(file)) {
            throw new IllegalArgumentException("--resume " + resume + ": no unfinished run there (a run keeps " + TrainingRun.STATE_FILE
                    + " from the end of its first epoch until it completes)");
        }
        dev.vecgrad.models.train.TrainingState.Loaded loaded = dev.vecgrad.models.train.TrainingState.load(file);
        Map<String, String> meta = loaded.metadata();
        String specJson = meta.get("vecgrad.resume.spec");
        String seedText = meta.get("vecgrad.resume.seed");
        if (specJson == null || seedText == null || !seedText.matches("-?[0-9]{1,19}")) {
            throw new dev.vecgrad.models.io.FileFormatException(file, "does not say which run it belongs to (vecgrad.resume.spec and"
                    + " vecgrad.resume.seed)");
        }
        TrainSpec spec = TrainSpec.fromJson(specJson);
        String problem = spec.problem();
        if (problem != null) {
            throw new dev.vecgrad.models.io.FileFormatException(file, "holds options that are refused: " + problem);
        }
        long seed = Long.parseLong(seedText);
        Path dir = common.dataDirFor(spec.dataset());
        TrainingRun run = new TrainingRun();
        run.options = spec;
        run.data = spec.data(dir, seed);
        run.lrs = new double[] {spec.lr()};
        run.seed = seed;
        run.title = meta.getOrDefault("vecgrad.resume.title", spec.model() + " on " + spec.dataset());
        run.json = common.json;
        run.resume = loaded.state();
        run.keepBest = "best".equals(meta.get("vecgrad.resume.keep"));
        run.outDir = RunDirectory.claim(resume);
        if (!common.json) {
            System.out.println("resuming " + resume + " after epoch " + loaded.state().epoch() + " of " + spec.epochs());
        }
        return run.run();
    }

    @Override
    public Integer call() throws Exception {
        if (resume != null) {
            var parsed = spec.commandLine().getParseResult();
            for (var o : parsed.matchedOptions()) {
                if (!RESUME_OPTIONS.contains(o.longestName())) {
                    return bad("--resume continues the run with the options it was started with: drop " + o.longestName());
                }
            }
            String bad = common.problem();
            if (bad != null) {
                return bad(bad);
            }
            common.applyThreads();
            return resumeRun();
        }
        String bad = problem();
        if (bad != null) {
            return bad(bad);
        }
        common.applyThreads();
        if (model.equals("seq2seq")) {
            var parsed = spec.commandLine().getParseResult();
            int[] hiddenSizes = parsed.hasMatchedOption("--hidden") ? hidden
                    : java.util.Arrays.stream(SEQ2SEQ_HIDDEN.split(",")).mapToInt(Integer::parseInt).toArray();
            Seq2SeqRun.Sizes sizes = new Seq2SeqRun.Sizes(embedding != null ? embedding : SEQ2SEQ_EMBEDDING, hiddenSizes,
                    attention != null ? attention : SEQ2SEQ_ATTENTION);
            int n = parsed.hasMatchedOption("--samples") ? samples : 10_000;
            int e = parsed.hasMatchedOption("--epochs") ? epochs : 3;
            String problem = Seq2SeqRun.problem(dataset, n, e, batchSize, lrs[0], sizes);
            if (problem != null) {   // before the run's folder is claimed
                return bad(problem);
            }
            return Seq2SeqRun.run(dataset, n, e, batchSize, lrs[0], common.seed, common.outDir(Path.of("runs", "seq2seq-" + dataset)),
                    sizes);
        }
        common.dataDirFor(dataset);   // installed first where it may be, or refused with how to get it
        TrainingRun run = toRun();
        run.json = common.json;
        run.outDir = common.outDir(Path.of("runs", model + "-" + dataset));
        return run.run();
    }

    /** The CNN's learning rate when {@code --lr} is not given (see {@link #effectiveLrs()}). */
    static final double CNN_LR = 0.001;

    /**
     * The learning rates the run uses: {@code --lr}, or for the CNN without {@code --lr} its own
     * default, 0.001 (the MLP's 0.003 overfits the CNN from epoch 3 on: 90.8% test after 5 epochs,
     * 91.2% at 0.001). Ablations and searches start from these too.
     */
    double[] effectiveLrs() {
        boolean given = spec != null && spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--lr");
        return model.equals("cnn") && !given ? new double[] {CNN_LR} : lrs;
    }

    /**
     * The train command these arguments describe, checked (the way a study reads its baseline);
     * IllegalArgumentException naming the problem.
     */
    static TrainCommand parse(java.util.List<String> args) {
        TrainCommand t = new TrainCommand();
        try {
            new picocli.CommandLine(t).parseArgs(args.toArray(String[]::new));
        } catch (picocli.CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        String problem = t.problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return t;
    }

    /** These options at learning rate {@code lr}, as the library's {@link TrainSpec}. */
    TrainSpec toSpec(double lr) {
        return new TrainSpec(model, dataset, samples, noise, java.util.Arrays.stream(hidden).boxed().toList(), activation, batchNorm,
                dropout, output, loss, optimizer, lr, momentum, weightDecay, epochs, batchSize, valFraction, schedule, clip, patience);
    }

    /** The run these options describe (data, model, optimizer, schedule; not where its files go). */
    TrainingRun toRun() {
        lrs = effectiveLrs();
        TrainSpec spec = toSpec(lrs[0]);
        TrainingRun run = new TrainingRun();
        run.options = spec;
        run.data = spec.data(common.fashionMnistDir(), common.seed);
        run.lrs = lrs;
        run.seed = common.seed;
        run.title = model + " on " + dataset;
        run.keepBest = keep.equals("best");
        return run;
    }

    /** A bad option: one line on standard error, exit code 2. */
    private static int bad(String problem) {
        System.err.println("vecgrad train: " + problem);
        return 2;
    }
}
