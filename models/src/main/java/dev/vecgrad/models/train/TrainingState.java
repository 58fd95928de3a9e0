package dev.vecgrad.models.train;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import dev.vecgrad.models.data.Seeds;
import dev.vecgrad.models.dropout.Dropout;
import dev.vecgrad.models.io.FileFormatException;
import dev.vecgrad.models.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a {@link Trainer} needs to continue a run from the end of an epoch as if it had
 * never stopped: the model's parameters and buffers, the optimizer's state, the generators of
 * the shuffling and of dropout, early stopping's counters and best weights, and the history so
 * far. The learning-rate schedule is not stored: it is a function of the steps and validation
 * losses, and {@link Trainer#resumeFrom} replays it (then checks that it gives the stored rate).
 * A run resumed from a state and an uninterrupted run end with the same bits.
 *
 * <p>Saved as one safetensors file: {@code model.NAME}, {@code optimizer.NAME} (see
 * {@link dev.vecgrad.models.optim.Optimizer#stateDict()}), {@code trainer.shuffle}, {@code trainer.dropout.PATH},
 * {@code trainer.history} (one row per epoch), {@code early_stopping} and
 * {@code early_stopping.best.NAME}, and the caller's own tensors under {@code extra.NAME}.
 * Captured tensors are copies: the state does not change as training goes on.
 */
public final class TrainingState {

    private final int epoch;
    private final Map<String, Tensor> tensors;

    private TrainingState(int epoch, Map<String, Tensor> tensors) {
        this.epoch = epoch;
        this.tensors = tensors;
    }

    /** The last completed epoch (1-based). */
    public int epoch() {
        return epoch;
    }

    /** The history up to {@link #epoch()}. */
    public History history() {
        History h = new History();
        for (EpochMetrics m : historyRows()) {
            h.add(m);
        }
        return h;
    }

    /** The model's parameters and buffers by their state-dict names, as a checkpoint holds them. */
    public Map<String, Tensor> model() {
        return section("model.");
    }

    /** The caller's own tensors, added with {@link #withExtra}. */
    public Map<String, Tensor> extra() {
        return section("extra.");
    }

    /** This state with the caller's tensors added under {@code extra.NAME} (copied). */
    public TrainingState withExtra(Map<String, Tensor> extra) {
        Map<String, Tensor> t = new LinkedHashMap<>(tensors);
        extra.forEach((k, v) -> t.put("extra." + k, copy(v)));
        return new TrainingState(epoch, t);
    }

    /** Writes the state atomically, with {@code metadata} (the run's options, say) beside it. */
    public void save(Path file, Map<String, String> metadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("vecgrad.training_state.epoch", Integer.toString(epoch));
        SafeTensors.save(file, tensors, meta);
    }

    /** A state and the metadata saved with it. */
    public record Loaded(TrainingState state, Map<String, String> metadata) {}

    /** Reads a state {@link #save} wrote; FileFormatException naming the file when it is not one. */
    public static Loaded load(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.load(file);
        String e = c.metadata().get("vecgrad.training_state.epoch");
        if (e == null || !e.matches("[0-9]{1,9}") || Integer.parseInt(e) < 1) {
            throw new FileFormatException(file, "is not a training state (no vecgrad.training_state.epoch): a model checkpoint cannot be"
                    + " resumed");
        }
        TrainingState s = new TrainingState(Integer.parseInt(e), new LinkedHashMap<>(c.tensors()));
        Tensor h = s.tensors.get("trainer.history");
        if (h == null || h.dim() != 2 || h.shape()[0] != s.epoch || h.shape()[1] != 9 || h.dtype() != DType.F64) {
            throw new FileFormatException(file, "is not a training state: trainer.history must be float64 [" + s.epoch + ", 9]");
        }
        return new Loaded(s, c.metadata());
    }

    // ---------------------------------------------------------------- capture and restore (the Trainer's)

    static TrainingState capture(int epoch, Module model, dev.vecgrad.models.optim.Optimizer optimizer, Seeds.Generator shuffler,
                                 History history, EarlyStopping earlyStopping) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> t.put("model." + k, copy(v)));
        optimizer.stateDict().forEach((k, v) -> t.put("optimizer." + k, copy(v)));
        if (shuffler != null) {
            t.put("trainer.shuffle", Tensor.of(shuffler.state(), 3));
        }
        dropoutGenerators(model, "cannot save the training state", "read",
                (path, g) -> t.put("trainer.dropout." + path, Tensor.of(g.state(), 3)));
        List<EpochMetrics> rows = history.epochs();
        double[] h = new double[rows.size() * 9];
        for (int i = 0; i < rows.size(); i++) {
            EpochMetrics m = rows.get(i);
            System.arraycopy(new double[] {m.epoch(), m.trainLoss(), m.trainAccuracy(), m.valLoss(), m.valAccuracy(), m.lr(),
                m.trainSeconds(), m.valSeconds(), m.samples()}, 0, h, 9 * i, 9);
        }
        t.put("trainer.history", Tensor.of(h, rows.size(), 9));
        if (earlyStopping != null) {
            t.put("early_stopping", Tensor.of(new double[] {earlyStopping.bestLoss(), earlyStopping.bestEpoch(), earlyStopping.waited()}, 3));
            if (earlyStopping.bestState() != null) {
                earlyStopping.bestState().forEach((k, v) -> t.put("early_stopping.best." + k, copy(v)));
            }
        }
        return new TrainingState(epoch, t);
    }

    List<EpochMetrics> historyRows() {
        double[] h = tensors.get("trainer.history").toDoubleArray();
        List<EpochMetrics> rows = new ArrayList<>();
        for (int i = 0; i < epoch; i++) {
            int o = 9 * i;
            rows.add(new EpochMetrics((int) h[o], h[o + 1], h[o + 2], h[o + 3], h[o + 4], h[o + 5], h[o + 6], h[o + 7], (int) h[o + 8]));
        }
        return rows;
    }

    /** Puts the model, the generators and early stopping back; the optimizer is {@link #optimizer()}'s to load. */
    void restore(Module model, Seeds.Generator shuffler, EarlyStopping earlyStopping) {
        try {
            model.loadStateDict(model());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the training state does not fit the model: " + e.getMessage(), e);
        }
        if (shuffler != null) {
            shuffler.setState(require("trainer.shuffle").toDoubleArray());
        }
        dropoutGenerators(model, "cannot resume", "set", (path, g) -> g.setState(require("trainer.dropout." + path).toDoubleArray()));
        if (earlyStopping != null) {
            double[] es = require("early_stopping").toDoubleArray();
            Map<String, Tensor> best = section("early_stopping.best.");
            earlyStopping.restore(es[0], (int) es[1], (int) es[2], best.isEmpty() ? null : best);
        }
    }

    Map<String, Tensor> optimizer() {
        return section("optimizer.");
    }

    private Tensor require(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("the training state has no '" + name + "': it was saved by a run with other options");
        }
        return t;
    }

    private Map<String, Tensor> section(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    private static Tensor copy(Tensor t) {
        return Tensor.zeros(t.dtype(), t.shape()).copyFrom(t);
    }

    /**
     * The generator of every dropout layer under {@code model}, by dotted path, in name order;
     * IllegalStateException ("{@code failure}: ... whose state cannot be {@code verb}") for one whose
     * generator is not a {@link Seeds.Generator}.
     */
    private static void dropoutGenerators(Module model, String failure, String verb,
                                          java.util.function.BiConsumer<String, Seeds.Generator> action) {
        dropouts(model, "", (path, d) -> {
            if (!(d.generator() instanceof Seeds.Generator g)) {
                throw new IllegalStateException(failure + ": the dropout at '" + path + "' draws from a "
                        + d.generator().getClass().getName() + ", whose state cannot be " + verb + " (give it a Seeds.Generator)");
            }
            action.accept(path, g);
        });
    }

    /** Every dropout layer under {@code m}, by dotted path, in name order. */
    private static void dropouts(Module m, String prefix, java.util.function.BiConsumer<String, Dropout> action) {
        if (m instanceof Dropout d) {
            action.accept(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), d);
        }
        for (Map.Entry<String, Module> e : new TreeMap<>(m.children()).entrySet()) {
            dropouts(e.getValue(), prefix + e.getKey() + ".", action);
        }
    }
}
