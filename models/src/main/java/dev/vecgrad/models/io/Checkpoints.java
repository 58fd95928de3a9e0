package dev.vecgrad.models.io;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.Module;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Model checkpoints as safetensors files whose tensor names are the module's state-dict names
 * ({@code 0.weight}, {@code 0.bias}, ...), the names PyTorch gives the same
 * {@code nn.Sequential}, so {@code model.load_state_dict(safetensors.torch.load_file(f))} works
 * on the PyTorch side too.
 */
public final class Checkpoints {

    private Checkpoints() {}

    /** Saves the model's parameters and buffers, and {@code metadata}, atomically. */
    public static void save(Path file, Module model, Map<String, String> metadata) throws IOException {
        SafeTensors.save(file, model.stateDict(), metadata);
    }

    /**
     * Loads a checkpoint into {@code model}; returns the file's metadata.
     *
     * @throws FileFormatException if the file is not valid safetensors, or its tensors do not
     *         match the model: the message lists every missing and unexpected name and every
     *         shape or dtype that differs; the model is unchanged then
     */
    public static Map<String, String> load(Path file, Module model) throws IOException {
        SafeTensors.Contents contents = SafeTensors.load(file);
        apply(file, contents, model);
        return contents.metadata();
    }

    /** Copies already-read contents of {@code file} into {@code model}, checked as {@link #load}. */
    public static void apply(Path file, SafeTensors.Contents contents, Module model) throws FileFormatException {
        Map<String, Tensor> mine = model.stateDict();
        Map<String, Tensor> theirs = contents.tensors();
        List<String> problems = new ArrayList<>();
        TreeSet<String> missing = new TreeSet<>(mine.keySet());
        missing.removeAll(theirs.keySet());
        TreeSet<String> unexpected = new TreeSet<>(theirs.keySet());
        unexpected.removeAll(mine.keySet());
        if (!missing.isEmpty()) {
            problems.add("missing " + missing);
        }
        if (!unexpected.isEmpty()) {
            problems.add("unexpected " + unexpected);
        }
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            Tensor t = theirs.get(e.getKey());
            Tensor m = e.getValue();
            if (t != null && (!Arrays.equals(t.shape(), m.shape()) || t.dtype() != m.dtype())) {
                problems.add("'" + e.getKey() + "' is " + Arrays.toString(t.shape()) + " " + t.dtype().torchName()
                        + " in the file, " + Arrays.toString(m.shape()) + " " + m.dtype().torchName() + " in the model");
            }
        }
        if (!problems.isEmpty()) {
            throw new FileFormatException(file, "does not fit the model " + model.summary() + ": " + String.join("; ", problems));
        }
        model.loadStateDict(theirs);
    }
}
