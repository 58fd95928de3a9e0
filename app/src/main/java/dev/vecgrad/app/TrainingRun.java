package dev.vecgrad.app;

import dev.vecgrad.app.report.Plots;
import dev.vecgrad.app.report.Progress;
import dev.vecgrad.app.report.StepLosses;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.kernels.Parallelism;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.data.DataSource;
import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.data.FashionMnist;
import dev.vecgrad.models.io.Checkpoints;
import dev.vecgrad.models.linear.Linear;
import dev.vecgrad.models.train.EpochMetrics;
import dev.vecgrad.models.train.History;
import dev.vecgrad.models.train.Objective;
import dev.vecgrad.models.train.Trainer;
import dev.vecgrad.models.train.TrainingState;
import dev.vecgrad.models.study.Choices;
import dev.vecgrad.models.study.TrainSpec;
import dev.vecgrad.models.zoo.LinearRegression;
import dev.vecgrad.models.zoo.ModelSpec;
import dev.vecgrad.models.zoo.Perceptron;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * One {@code train} (or {@code demo}) invocation: loads the data, builds the model, trains it
 * once per learning rate, reports every epoch (text or JSON lines on {@code out}), evaluates
 * on the test split and writes the history CSV, the curves PNG and the checkpoint.
 */
final class TrainingRun {

    /** The model, optimizer, schedule and budget; its rate is the first of {@link #lrs}'s, its data {@link #data}. */
    TrainSpec options = TrainSpec.defaults().with("epochs", "2");
    DataSource data;
    double[] lrs = {0.003};
    long seed;
    Path outDir;
    boolean json;
    String title;
    PrintStream out = System.out;
    PrintStream err = System.err;
    /** {@code --keep best}: the run ends with the weights of its epoch of lowest validation loss, not its last. */
    boolean keepBest;
    /** The state of an earlier run of these options to continue from ({@code train --resume}), or null. */
    TrainingState resume;
    /** Set by Ctrl-C (see {@link #interruptible}): training stops after the current step. */
    final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();

    /** The file that holds the last completed epoch's state while a run is unfinished. */
    static final String STATE_FILE = "resume.safetensors";
    /** The exit code of a run stopped by Ctrl-C (128 + SIGINT, as the shell reports it). */
    static final int INTERRUPTED = 130;

    /** Wall seconds of each phase (load, train, test, files), summed over a learning-rate study. */
    private final Map<String, Double> phases = new LinkedHashMap<>();
    private long phaseStart;

    private void phase(String name) {
        long now = System.nanoTime();
        phases.merge(name, (now - phaseStart) * 1e-9, Double::sum);
        phaseStart = now;
    }

    int run() throws IOException {
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        Thread hook = resumable() ? interruptible(finished) : null;
        try {
            return train();
        } finally {
            finished.countDown();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook is running and returns now that the files are written
                }
            }
        }
    }

    /**
     * Makes Ctrl-C (SIGINT, SIGTERM) stop the training after its current step instead of killing
     * it: the JVM runs this hook, which sets {@link #stop} and waits (up to a minute) for the run
     * to write the last completed epoch's files and release {@code finished}; the process then
     * exits with 130.
     */
    private Thread interruptible(java.util.concurrent.CountDownLatch finished) {
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                finished.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vecgrad-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private int train() throws IOException {
        phaseStart = System.nanoTime();
        data.check();   // a file the loading refuses is refused before the warm-up starts beside it
        JitWarmup warmup = startWarmup();
        DataSource.Splits splits;
        try {
            splits = data.load();
        } finally {
            if (warmup != null) {
                warmup.close();
            }
        }
        phase("load");
        Dataset trainAll = splits.train();
        Dataset test = splits.test();
        Dataset.Split split = options.split(trainAll, seed);
        Dataset train = split.train();
        Dataset val = split.validation();
        if (options.model().equals("perceptron")) {
            return perceptron(train, test);
        }
        String lossName = options.resolvedLoss(train);
        ModelSpec spec = options.modelSpec(train, lossName);
        Objective objective = Choices.objective(lossName);
        if (!json) {
            // two short lines rather than one that an 80-column terminal wraps mid-word
            out.printf(Locale.ROOT, "%s: %s, %s loss%n", title, spec, lossName);
            out.printf(Locale.ROOT, "training: %s%s, batch %d, %d %s, %d %s%n", options.optimizer(),
                    lrs.length == 1 ? " lr " + lrs[0] : " lr " + Arrays.toString(lrs), options.batchSize(), options.epochs(),
                    options.epochs() == 1 ? "epoch" : "epochs",
                    Parallelism.threads(), Parallelism.threads() == 1 ? "thread" : "threads");
            out.printf(Locale.ROOT, "data: %d train%s / %d test samples (%s)%n", train.size(),
                    val == null ? "" : " / " + val.size() + " validation", test.size(), data.name());
        }
        Map<String, History> study = new LinkedHashMap<>();
        Map<String, String> saved = new LinkedHashMap<>();
        int diverged = 0;
        try (RunDirectory files = RunDirectory.create(outDir)) {
            Path staged = files.dir();   // the files go here, then into outDir as one set
            for (double lr : lrs) {
                String tag = lrs.length == 1 ? "" : "-lr" + lr;
                StepLosses steps = new StepLosses(json || train.size() < 20_000 ? Progress.none() : Progress.auto());
                int every = Math.max(1, options.epochs() / 20);
                phaseStart = System.nanoTime();
                boolean resumable = resumable();
                Map<String, String> stateMeta = stateMetadata();
                TrainSpec.Fit fit = options.withLr(lr).fit(spec, objective, train, val, seed, steps,
                        m -> reportEpoch(m, lr, lrs.length > 1, every), t -> {
                            if (resumable) {
                                t.onState(state -> saveState(state, steps, staged.resolve(STATE_FILE), stateMeta)).stopWhen(stop::get);
                            }
                            t.keepBest(keepBest);
                            if (resume != null) {
                                t.resumeFrom(resume);
                                restoreSteps(steps, resume);
                            }
                        });
                Module net = fit.net();
                Trainer trainer = fit.trainer();
                History h = fit.history();
                phase("train");
                if (h.interrupted()) {
                    return interrupted(files, h, spec, lossName, train);
                }
                java.nio.file.Files.deleteIfExists(staged.resolve(STATE_FILE));   // finished: nothing to resume
                study.put("lr " + lr, h);
                Trainer.Evaluation t = trainer.evaluate(net, test);
                phase("test");
                reportTest(t, lr, lrs.length > 1, h);
                Map<String, String> meta = checkpointMetadata(spec, lossName, train, h.epochs().size());
                if (h.bestEpoch() > 0) {
                    meta.put("vecgrad.weights_of_epoch", Integer.toString(h.bestEpoch()));
                }
                meta.put("vecgrad.test_loss", Double.toString(t.loss()));
                meta.put("vecgrad.test_accuracy", Double.toString(t.accuracy()));
                Path ckpt = outDir.resolve("model" + tag + ".safetensors");
                if (h.diverged()) {
                    // weights that are NaN or infinite never replace a good checkpoint
                    diverged++;
                    if (!json) {
                        out.println(java.nio.file.Files.exists(ckpt) ? "kept the earlier checkpoint " + ckpt + ": this run's weights are not finite"
                                : "no checkpoint written: this run's weights are not finite");
                    }
                } else {
                    Checkpoints.save(staged.resolve(ckpt.getFileName()), net, meta);
                    saved.put("checkpoint" + tag, ckpt.toString());
                }
                h.writeCsv(staged.resolve("history" + tag + ".csv"));
                saved.put("history" + tag, outDir.resolve("history" + tag + ".csv").toString());
                if (lrs.length == 1) {
                    Plots.curves(h, steps, title, staged.resolve("curves.png"));
                    saved.put("plot", outDir.resolve("curves.png").toString());
                }
                phase("files");
                if (options.model().equals("linreg")) {
                    compareWithNormalEquations(net, trainAll);
                }
            }
            if (lrs.length > 1) {
                Plots.compare(study, title + ": training loss by learning rate", true, staged.resolve("lr-study.png"));
                saved.put("plot", outDir.resolve("lr-study.png").toString());
                phase("files");
            }
            files.commit();
        }
        // the state an interrupted run left in the folder is spent once the run is complete
        java.nio.file.Files.deleteIfExists(outDir.resolve(STATE_FILE));
        reportFiles(saved);
        // a run whose loss became NaN or infinite failed; in a learning-rate study, only when every rate did
        return diverged == lrs.length ? DIVERGED : 0;
    }

    /**
     * Whether Ctrl-C keeps the run's last epoch and {@code --resume} continues it: one model of the
     * Trainer's (a learning-rate study trains several; the perceptron has its own rule).
     */
    private boolean resumable() {
        return lrs.length == 1 && !options.model().equals("perceptron");
    }

    /** What a state file carries besides the tensors: the options, data and seed that {@code --resume} rebuilds the run from. */
    private Map<String, String> stateMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vecgrad.resume.spec", options.withLr(lrs[0]).toJson());
        m.put("vecgrad.resume.seed", Long.toString(seed));
        m.put("vecgrad.resume.title", title);
        m.put("vecgrad.resume.keep", keepBest ? "best" : "last");
        return m;
    }

    /** Writes the state of a completed epoch, with the step losses for the curves, over the previous epoch's. */
    private static void saveState(TrainingState state, StepLosses steps, Path file, Map<String, String> meta) {
        double[] x = steps.x();
        double[] l = steps.losses();
        try {
            state.withExtra(Map.of(STEP_X, Tensor.of(x, x.length), STEP_LOSS, Tensor.of(l, l.length))).save(file, meta);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The names {@link #saveState} gives the step positions and losses among the state's extra tensors. */
    private static final String STEP_X = "step_x";
    private static final String STEP_LOSS = "step_loss";

    /** Puts the step losses {@link #saveState} kept back into {@code steps}. */
    private static void restoreSteps(StepLosses steps, TrainingState state) {
        steps.restore(state.extra().get(STEP_X).toDoubleArray(), state.extra().get(STEP_LOSS).toDoubleArray());
    }

    /** The metadata of a checkpoint of {@code spec} after {@code epochs} epochs: the model, the data, the loss and the classes. */
    private Map<String, String> checkpointMetadata(ModelSpec spec, String lossName, Dataset train, int epochs) {
        Map<String, String> meta = new LinkedHashMap<>(spec.toMetadata());
        meta.putAll(data.toMetadata());
        meta.put("vecgrad.loss", lossName);
        meta.put("vecgrad.classes", String.join("|", train.classNames()));
        meta.put("vecgrad.epochs", Integer.toString(epochs));
        return meta;
    }

    /**
     * Ctrl-C stopped the training: keeps the last completed epoch (its checkpoint, history and
     * curves, and the state to resume from) in the run's folder and says how to continue.
     */
    private int interrupted(RunDirectory files, History h, ModelSpec spec, String lossName, Dataset train)
            throws IOException {
        int during = h.epochs().size() + 1;
        PrintStream say = json ? err : out;
        Path stateFile = files.dir().resolve(STATE_FILE);
        if (h.epochs().isEmpty() || !java.nio.file.Files.exists(stateFile)) {
            say.println();
            say.println("interrupted in epoch " + during + " of " + options.epochs() + ": no epoch was complete, nothing kept");
            return INTERRUPTED;   // closing the run's folder removes what was staged
        }
        TrainingState state = TrainingState.load(stateFile).state();
        History kept = state.history();
        dev.vecgrad.models.io.SafeTensors.save(files.dir().resolve("model.safetensors"), state.model(),
                checkpointMetadata(spec, lossName, train, state.epoch()));
        kept.writeCsv(files.dir().resolve("history.csv"));
        StepLosses keptSteps = new StepLosses(Progress.none());   // the steps of the kept epochs, not those of the stopped one
        restoreSteps(keptSteps, state);
        Plots.curves(kept, keptSteps, title, files.dir().resolve("curves.png"));
        files.commit();
        say.println();
        say.println("interrupted in epoch " + during + " of " + options.epochs() + ": kept epoch " + state.epoch() + " in " + outDir
                + " (checkpoint, history, curves)");
        say.println("continue with: ./vecgrad train --resume " + outDir);
        return INTERRUPTED;
    }

    /** The exit code of a run whose loss became NaN or infinite. */
    static final int DIVERGED = 4;

    /**
     * For Fashion-MNIST, whose shape is known before the files are read, trains a throw-away
     * copy of the model on random data while they are read and checked, so that the JIT's
     * warm-up overlaps the loading instead of slowing the first epoch (see {@link JitWarmup}).
     * Off with {@code -Dvecgrad.warmup=false}, and by default on a single CPU (pinned runs), where
     * it only moves time from the first epoch to the loading: on one pinned AMD EPYC core the demo's
     * epoch 1 went from 4.8-5.1 s to 2.8-2.9 s and its loading from 0.6 s to 3.0 s, the process
     * taking 8.2-8.6 s either way. {@code -Dvecgrad.warmup=true} turns it on there too. Nothing in
     * the real run depends on it.
     */
    private JitWarmup startWarmup() {
        if (!data.name().equals("fashion-mnist") || options.model().equals("perceptron")
                || (Runtime.getRuntime().availableProcessors() < 2 && !"true".equalsIgnoreCase(System.getProperty("vecgrad.warmup")))
                || "false".equalsIgnoreCase(System.getProperty("vecgrad.warmup"))) {
            return null;
        }
        // 8 batches, each at most WARMUP_BATCH: the kernels compiled are the same, and a full batch (--batch-size 60000)
        // made the warm-up allocate 3 GB (300000: an OutOfMemoryError; 2147483647: an overflow)
        int batch = Math.min(options.batchSize(), WARMUP_BATCH);
        Dataset sample = JitWarmup.randomClassification(batch * 8, FashionMnist.sampleShape(), FashionMnist.CLASS_NAMES.size(), seed);
        String lossName;
        ModelSpec spec;
        try {
            lossName = options.resolvedLoss(sample);
            spec = options.modelSpec(sample, lossName);
        } catch (IllegalArgumentException e) {
            return null; // the real run reports the problem with the real data
        }
        return JitWarmup.start(() -> spec.build(new Random(seed)),
                options.withLr(lrs[0])::makeOptimizer,
                Choices.objective(lossName), sample, batch);
    }

    /** The largest batch the warm-up trains on. */
    static final int WARMUP_BATCH = 512;

    private int perceptron(Dataset train, Dataset test) throws IOException {
        if (lrs.length != 1) {
            throw new IllegalArgumentException("the perceptron takes one learning rate");
        }
        Perceptron p = new Perceptron(train.features(), lrs[0], new Random(seed));
        Perceptron.Result r = p.train(train, options.epochs());
        phase("train");
        long hits;
        try (var g = dev.vecgrad.autograd.Grad.disabled()) {
            float[] pred = p.forward(test.x()).toFloatArray();
            hits = 0;
            for (int i = 0; i < pred.length; i++) {
                hits += (int) pred[i] == test.label(i) ? 1 : 0;
            }
        }
        double acc = (double) hits / test.size();
        if (json) {
            out.println("{\"model\":\"perceptron\",\"converged\":" + r.converged() + ",\"epochs\":" + r.epochs()
                    + ",\"mistakes_per_epoch\":" + Arrays.toString(r.mistakesPerEpoch()).replace(" ", "")
                    + ",\"test_accuracy\":" + JsonLines.num(acc) + "}");
        } else {
            out.println(title + ": perceptron rule on " + data.name() + ", lr " + lrs[0] + ", at most " + count(options.epochs(), "epoch"));
            out.println("mistakes per epoch: " + Arrays.toString(Arrays.copyOf(r.mistakesPerEpoch(), Math.min(20, r.epochs())))
                    + (r.epochs() > 20 ? " ..." : ""));
            out.println(r);
            out.printf(Locale.ROOT, "test accuracy %.2f%% (%d samples)%n", 100 * acc, test.size());
        }
        Map<String, String> meta = new LinkedHashMap<>(ModelSpec.of("perceptron", train.features()).toMetadata());
        meta.putAll(data.toMetadata());
        meta.put("vecgrad.classes", String.join("|", train.classNames()));
        meta.put("vecgrad.converged", Boolean.toString(r.converged()));
        Path ckpt = outDir.resolve("model.safetensors");
        try (RunDirectory files = RunDirectory.create(outDir)) {
            Checkpoints.save(files.dir().resolve(ckpt.getFileName()), p, meta);
            files.commit();
        }
        reportFiles(Map.of("checkpoint", ckpt.toString()));
        return r.converged() ? 0 : 3;
    }

    private void compareWithNormalEquations(Module net, Dataset trainAll) {
        Linear exact = LinearRegression.normalEquations(trainAll);
        Linear sgd = (Linear) net;
        double maxDiff = Math.max(maxAbsDiff(exact.weight, sgd.weight), maxAbsDiff(exact.bias, sgd.bias));
        if (json) {
            out.println("{\"normal_equations_weight\":" + Arrays.toString(exact.weight.toFloatArray()).replace(" ", "")
                    + ",\"normal_equations_bias\":" + Arrays.toString(exact.bias.toFloatArray()).replace(" ", "")
                    + ",\"max_abs_difference\":" + JsonLines.num(maxDiff) + "}");
        } else {
            out.println("normal equations: w = " + Arrays.toString(exact.weight.toFloatArray()) + ", b = "
                    + Arrays.toString(exact.bias.toFloatArray()));
            out.println("SGD:              w = " + Arrays.toString(sgd.weight.toFloatArray()) + ", b = "
                    + Arrays.toString(sgd.bias.toFloatArray()));
            out.printf(Locale.ROOT, "largest difference %.2e%n", maxDiff);
        }
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    private void reportEpoch(EpochMetrics m, double lr, boolean study, int every) {
        if (json) {
            out.println(JsonLines.epoch(m, study ? lr : Double.NaN));
            return;
        }
        if (m.epoch() % every != 0 && m.epoch() != options.epochs()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        if (study) {
            sb.append(String.format(Locale.ROOT, "lr %-8s ", lr));
        }
        // fits 80 columns: "epoch 10/10  loss train 0.5060 val 0.4308  val acc 83.93%  1.61 s  33499/s"
        sb.append(String.format(Locale.ROOT, "epoch %d/%d  loss train %.4f", m.epoch(), options.epochs(), m.trainLoss()));
        if (!Double.isNaN(m.valLoss())) {
            sb.append(String.format(Locale.ROOT, " val %.4f", m.valLoss()));
        }
        if (!Double.isNaN(m.valAccuracy())) {
            sb.append(String.format(Locale.ROOT, "  val acc %.2f%%", 100 * m.valAccuracy()));
        } else if (!Double.isNaN(m.trainAccuracy())) {
            sb.append(String.format(Locale.ROOT, "  train acc %.2f%%", 100 * m.trainAccuracy()));
        }
        sb.append(String.format(Locale.ROOT, "  %.2f s", m.trainSeconds()));
        if (!study) {
            sb.append(String.format(Locale.ROOT, "  %.0f/s", m.samplesPerSecond()));
        }
        out.println(sb);
    }

    /**
     * Why the loss likely diverged: the learning rate when the loss was finite and rising before
     * (or the rate is high for the optimizer); otherwise the data or the loss.
     */
    private String divergenceHint(History h, double lr) {
        List<EpochMetrics> e = h.epochs();
        boolean rising = e.size() >= 2 && e.get(e.size() - 2).trainLoss() > e.get(0).trainLoss();
        double high = options.optimizer().equals("sgd") || options.optimizer().equals("momentum") ? 1 : 0.03;
        return rising || lr >= high ? " (the learning rate " + lr + " is the likely cause: try a lower one)"
                : " (the learning rate " + lr + " is moderate: look for NaN or infinite values in the data, or a loss that does not"
                        + " fit the outputs)";
    }

    private void reportTest(Trainer.Evaluation t, double lr, boolean study, History h) {
        if (json) {
            out.println(JsonLines.test(t, study ? lr : Double.NaN, h));
            return;
        }
        String prefix = study ? String.format(Locale.ROOT, "lr %-8s ", lr) : "";
        if (h.diverged()) {
            out.println(prefix + "the loss became NaN or infinite: training stopped" + divergenceHint(h, lr));
        }
        if (h.stoppedEarly()) {
            out.println(prefix + "early stopping after epoch " + h.last().epoch() + "; restored the weights of epoch " + h.bestEpoch());
        }
        if (h.keptBest()) {
            out.println(prefix + "kept the weights of epoch " + h.bestEpoch() + ", whose validation loss was the lowest (--keep best)");
        }
        out.printf(Locale.ROOT, "%stest loss %.4f%s (%d samples)%n", prefix, t.loss(),
                Double.isNaN(t.accuracy()) ? "" : String.format(Locale.ROOT, "  test accuracy %.2f%%", 100 * t.accuracy()), t.samples());
    }

    private void reportFiles(Map<String, String> files) {
        if (json) {
            out.println(JsonLines.files(files, phases));
            return;
        }
        files.forEach((k, v) -> out.println("wrote " + k.replace('-', ' ') + ": " + v));
        StringBuilder sb = new StringBuilder("time:");
        phases.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.2f s,", k, v)));
        out.println(sb.substring(0, sb.length() - 1));
    }

    /** "1 job", "2 jobs": a count and its noun, plural when it is not 1. */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
