package dev.vecgrad.models.train;

import dev.vecgrad.autograd.Grad;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.data.Batch;
import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.data.Seeds;
import dev.vecgrad.models.optim.LRSchedulers;
import dev.vecgrad.models.optim.Optimizer;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The training loop of the notes, once: for each epoch, for each shuffled mini-batch,
 * {@code zeroGrad} / forward / loss / backward / (clip) / step; then a validation pass in eval
 * mode without a graph. Configure with the setters (each returns this), then {@link #fit}:
 *
 * <pre>{@code
 * History h = new Trainer(Objective.crossEntropy()).epochs(2).batchSize(64).seed(0)
 *         .fit(model, new Adam(model.parameters(), 0.003), split.train(), split.validation());
 * }</pre>
 *
 * Online training is batch size 1, full-batch training batch size {@code train.size()}.
 * Reproducible: the same seed gives the same batches, and the kernels give the same results
 * for any thread count. Not thread-safe.
 */
public final class Trainer {

    private final Objective objective;
    private int epochs = 1;
    private int batchSize = 64;
    private int evalBatchSize = 1000;
    private long seed;
    private boolean shuffle = true;
    private java.util.function.Function<Optimizer, LRSchedulers.LRScheduler> makeScheduler;
    private boolean schedulerPerStep;
    private java.util.function.Function<Optimizer, LRSchedulers.ReduceLROnPlateau> makePlateau;
    private double clipNorm;
    private EarlyStopping earlyStopping;
    private boolean keepBest;
    private Function<Module, Tensor> penalty;
    private TrainingListener listener = TrainingListener.none();
    private Consumer<EpochMetrics> onEpoch = m -> {};
    private Consumer<TrainingState> onState;
    private TrainingState resume;
    private java.util.function.BooleanSupplier stop = () -> false;

    public Trainer(Objective objective) {
        this.objective = objective;
    }

    public Trainer epochs(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        this.epochs = epochs;
        return this;
    }

    /** Training batch size: 1 is online training; the dataset size is full-batch training. */
    public Trainer batchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    /** Batch size of the validation pass (default 1000; it only bounds memory). */
    public Trainer evalBatchSize(int evalBatchSize) {
        if (evalBatchSize < 1) {
            throw new IllegalArgumentException("eval batch size must be >= 1, got " + evalBatchSize);
        }
        this.evalBatchSize = evalBatchSize;
        return this;
    }

    /** Seed of the shuffling (default 0). */
    public Trainer seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Whether to shuffle the training set every epoch (default true). */
    public Trainer shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    /**
     * A scheduler attached to the optimizer, as a PyTorch loop uses one: built from the
     * optimizer when {@link #fit} starts, stepped after every optimizer step ({@code perStep})
     * or after every epoch. For example {@code trainer.scheduler(o -> new
     * LRSchedulers.OneCycleLR(o, 0.01, epochs * train.batchCount(64)), true)}.
     */
    public Trainer scheduler(java.util.function.Function<Optimizer, LRSchedulers.LRScheduler> make, boolean perStep) {
        this.makeScheduler = make;
        this.schedulerPerStep = perStep;
        return this;
    }

    /**
     * Cuts the learning rate when the validation loss stalls (needs a validation set): the
     * scheduler is built from the optimizer when {@link #fit} starts and stepped with the
     * validation loss after every epoch, e.g. {@code trainer.reduceOnPlateau(o -> new
     * LRSchedulers.ReduceLROnPlateau(o))}.
     */
    public Trainer reduceOnPlateau(java.util.function.Function<Optimizer, LRSchedulers.ReduceLROnPlateau> make) {
        this.makePlateau = make;
        return this;
    }

    /** Clips the global gradient norm to {@code maxNorm} before each step; 0 turns it off. */
    public Trainer clipGradNorm(double maxNorm) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("clip norm must be >= 0, got " + maxNorm);
        }
        this.clipNorm = maxNorm;
        return this;
    }

    /** Stops when the validation loss stops improving and restores the best weights (needs a validation set). */
    public Trainer earlyStopping(EarlyStopping earlyStopping) {
        this.earlyStopping = earlyStopping;
        return this;
    }

    /**
     * Ends {@link #fit} with the weights of the epoch whose validation loss was lowest (needs a
     * validation set), kept as early stopping keeps them, without stopping early; the history
     * says which epoch ({@link History#keptBest()}). Keras's {@code ModelCheckpoint(save_best_only)}
     * and PyTorch Lightning's {@code ModelCheckpoint(monitor="val_loss")} do the same by saving
     * files; here the model itself ends with them.
     */
    public Trainer keepBest(boolean on) {
        this.keepBest = on;
        return this;
    }

    /** A term added to every batch loss, e.g. {@code m -> Regularization.l2(m.parameters(), 1e-4)}. */
    public Trainer penalty(Function<Module, Tensor> penalty) {
        this.penalty = penalty;
        return this;
    }

    /**
     * Told when each epoch starts, after each step and when each epoch ends (progress bars,
     * step-level logging). One listener: a later call replaces it.
     */
    public Trainer listener(TrainingListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Called after every epoch with its metrics (reporting, JSON lines, checkpoints). */
    public Trainer onEpoch(Consumer<EpochMetrics> onEpoch) {
        this.onEpoch = onEpoch;
        return this;
    }

    /**
     * Called at the end of every epoch that does not end the run, with everything needed to
     * continue from there ({@link #resumeFrom}): write it to a file for runs that may be stopped.
     */
    public Trainer onState(Consumer<TrainingState> onState) {
        this.onState = onState;
        return this;
    }

    /**
     * Makes {@link #fit} continue from a saved state instead of starting: the model, optimizer,
     * generators, early stopping and history are restored, the schedule is replayed to that
     * epoch, and training goes on from the next epoch. The trainer, model, optimizer and data
     * must be set up as they were for the run that saved it (the same options); the result is
     * then the same, bit for bit, as the uninterrupted run's.
     */
    public Trainer resumeFrom(TrainingState state) {
        this.resume = state;
        return this;
    }

    /**
     * Checked after every step: when it turns true, {@link #fit} returns at once with
     * {@link History#interrupted()} set, the model holding that step's weights (the last
     * completed epoch's state went to {@link #onState}). For Ctrl-C.
     */
    public Trainer stopWhen(java.util.function.BooleanSupplier stop) {
        this.stop = Objects.requireNonNull(stop, "stop");
        return this;
    }

    /**
     * Trains {@code model} with {@code optimizer} on {@code train}, validating on
     * {@code validation} (may be null) after every epoch. A loss that turns NaN or infinite
     * ends the run after that epoch, with {@link History#diverged()} set.
     */
    public History fit(Module model, Optimizer optimizer, Dataset train, Dataset validation) {
        if ((earlyStopping != null || makePlateau != null || keepBest) && validation == null) {
            throw new IllegalArgumentException("early stopping, reduce-on-plateau and keeping the best epoch need a validation set");
        }
        Seeds.Generator shuffler = shuffle ? Seeds.random(seed, "shuffle") : null;
        List<Tensor> params = model.parameters();
        History history = new History();
        LRSchedulers.LRScheduler scheduler = makeScheduler == null ? null : makeScheduler.apply(optimizer);
        LRSchedulers.ReduceLROnPlateau plateau = makePlateau == null ? null : makePlateau.apply(optimizer);
        // early stopping's bookkeeping also keeps the best weights for keepBest (a patience that never runs out)
        EarlyStopping stopper = earlyStopping != null ? earlyStopping : keepBest ? new EarlyStopping(Integer.MAX_VALUE, 0) : null;
        int first = 1;
        if (resume != null) {
            first = resume(model, optimizer, train, shuffler, history, scheduler, plateau, stopper);
        }
        for (int epoch = first; epoch <= epochs; epoch++) {
            listener.epochStart(epoch, epochs, train.size());
            model.train();
            long t0 = System.nanoTime();
            double lossSum = 0;
            long correct = 0;
            boolean scored = true;
            int done = 0;
            for (Batch batch : train.batches(batchSize, shuffler)) {
                optimizer.zeroGrad();
                Tensor output = model.forward(batch.x());
                Tensor loss = objective.loss(output, batch);
                Tensor total = penalty == null ? loss : loss.add(penalty.apply(model));
                total.backward();
                if (clipNorm > 0) {
                    Optimizer.clipGradNorm(params, clipNorm);
                }
                optimizer.step();
                if (scheduler != null && schedulerPerStep) {
                    scheduler.step();
                }
                lossSum += loss.item() * batch.size();
                int hits = scored ? objective.correct(output, batch) : -1;
                scored = hits >= 0;
                correct += Math.max(hits, 0);
                done += batch.size();
                listener.afterStep(done, lossSum / done);
                if (stop.getAsBoolean()) {
                    history.markInterrupted();
                    return history;
                }
            }
            double trainSeconds = (System.nanoTime() - t0) * 1e-9;
            double trainLoss = lossSum / done;
            long t1 = System.nanoTime();
            Evaluation val = validation == null ? null : evaluate(model, validation);
            double valSeconds = (System.nanoTime() - t1) * 1e-9;
            EpochMetrics m = new EpochMetrics(epoch, trainLoss, scored ? (double) correct / done : Double.NaN,
                    val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.accuracy(), optimizer.lr(),
                    trainSeconds, validation == null ? 0 : valSeconds, done);
            history.add(m);
            listener.epochEnd(m);
            onEpoch.accept(m);
            if (!Double.isFinite(trainLoss) || (val != null && !Double.isFinite(val.loss()))) {
                history.markDiverged();
                break;
            }
            endOfEpochSchedules(scheduler, plateau, val == null ? Double.NaN : val.loss());
            if (stopper != null && stopper.update(epoch, val.loss(), model)) {
                stopper.restoreBest(model);
                history.markStoppedEarly(stopper.bestEpoch());
                break;
            }
            if (onState != null && epoch < epochs) {
                onState.accept(TrainingState.capture(epoch, model, optimizer, shuffler, history, stopper));
            }
        }
        if (keepBest && !history.diverged() && !history.stoppedEarly() && stopper.restoreBest(model)) {
            history.markKeptBest(stopper.bestEpoch());
        }
        return history;
    }

    /** The schedules' steps at an epoch's end, in this order: reduce-on-plateau with the validation loss, then a per-epoch scheduler. */
    private void endOfEpochSchedules(LRSchedulers.LRScheduler scheduler, LRSchedulers.ReduceLROnPlateau plateau, double valLoss) {
        if (plateau != null) {
            plateau.step(valLoss);
        }
        if (scheduler != null && !schedulerPerStep) {
            scheduler.step();
        }
    }

    /** Restores {@link #resume} (see {@link #resumeFrom}); returns the first epoch left to train. */
    private int resume(Module model, Optimizer optimizer, Dataset train, Seeds.Generator shuffler, History history,
                       LRSchedulers.LRScheduler scheduler, LRSchedulers.ReduceLROnPlateau plateau, EarlyStopping stopper) {
        if (resume.epoch() >= epochs) {
            throw new IllegalArgumentException("the training state is at epoch " + resume.epoch() + " of a run of " + epochs
                    + " epochs: nothing is left to train");
        }
        List<EpochMetrics> done = resume.historyRows();
        int steps = train.batchCount(batchSize);
        // the schedule, replayed in fit's order: the per-step updates, then the epoch's end
        for (EpochMetrics m : done) {
            if (scheduler != null && schedulerPerStep) {
                for (int s = 0; s < steps; s++) {
                    scheduler.step();
                }
            }
            endOfEpochSchedules(scheduler, plateau, m.valLoss());
        }
        double replayed = optimizer.lr();
        try {
            optimizer.loadStateDict(resume.optimizer());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the training state does not fit the optimizer: " + e.getMessage(), e);
        }
        if (Double.doubleToLongBits(optimizer.lr()) != Double.doubleToLongBits(replayed)) {
            throw new IllegalArgumentException("the training state's learning rate " + optimizer.lr() + " is not the schedule's "
                    + replayed + " at epoch " + resume.epoch() + ": it was saved by a run with other options");
        }
        resume.restore(model, shuffler, stopper);
        for (EpochMetrics m : done) {
            history.add(m);
        }
        return resume.epoch() + 1;
    }

    /** Loss and accuracy over a whole dataset. */
    public record Evaluation(double loss, double accuracy, int samples) {}

    /**
     * The mean loss and the accuracy (NaN when undefined) of {@code model} on {@code data},
     * in eval mode and without a graph; the model's mode is restored afterwards.
     */
    public Evaluation evaluate(Module model, Dataset data) {
        boolean wasTraining = model.isTraining();
        model.eval();
        double lossSum = 0;
        long correct = 0;
        boolean scored = true;
        try (var g = Grad.disabled()) {
            for (Batch batch : data.batches(evalBatchSize, null)) {
                Tensor output = model.forward(batch.x());
                lossSum += objective.loss(output, batch).item() * batch.size();
                int hits = scored ? objective.correct(output, batch) : -1;
                scored = hits >= 0;
                correct += Math.max(hits, 0);
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        return new Evaluation(lossSum / data.size(), scored ? (double) correct / data.size() : Double.NaN, data.size());
    }
}
