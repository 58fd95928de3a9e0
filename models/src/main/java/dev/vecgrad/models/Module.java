package dev.vecgrad.models;

import dev.vecgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A building block of a model, as {@code torch.nn.Module}: it owns named parameters (tensors
 * that require grad), named buffers (state that is saved but not trained, like BatchNorm's
 * running statistics) and named child modules, and computes a forward pass.
 *
 * <p>A module with one input and one output overrides {@link #forward(Tensor)}; only those
 * can go into a {@link Sequential}. A module with several inputs, or a state in and out,
 * declares the forward methods it needs instead, e.g. {@code forward(Tensor x, State h)}
 * returning a record, or {@code forward(Tensor query, Tensor key, Tensor value, Tensor mask)};
 * calling the one-input {@code forward} on it throws, as PyTorch's base {@code forward} does.
 *
 * <p>Subclass it and register what you create in the constructor:
 * <pre>{@code
 * class TwoLayer extends Module {
 *     final Linear a = register("a", new Linear(784, 128, rng));
 *     final Linear b = register("b", new Linear(128, 10, rng));
 *     public Tensor forward(Tensor x) { return b.forward(a.forward(x).relu()); }
 * }
 * }</pre>
 * Names are dotted paths ({@code a.weight}). A module used twice in a model shares its
 * parameters, which then receive the sum of both gradients. {@link #train()} and
 * {@link #eval()} switch the mode of the whole tree (dropout, batch norm).
 *
 * <p>Not thread-safe: one module tree per training thread.
 */
public abstract class Module {

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /**
     * The computation of a one-input module.
     *
     * @throws UnsupportedOperationException unless overridden: the module takes other inputs
     */
    public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not take a single input: call the forward"
                + " method it declares (with its inputs and state)");
    }

    /** True when this module overrides {@link #forward(Tensor)} (what {@link Sequential} chains). */
    public final boolean takesOneInput() {
        try {
            return getClass().getMethod("forward", Tensor.class).getDeclaringClass() != Module.class;
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    /** Registers a trainable parameter (marked requiresGrad) under {@code name}; returns it. */
    protected Tensor registerParameter(String name, Tensor parameter) {
        checkName(name);
        parameters.put(name, parameter.requiresGrad(true));
        return parameter;
    }

    /** Registers state that is saved with the parameters but not trained; returns it. */
    protected Tensor registerBuffer(String name, Tensor buffer) {
        checkName(name);
        buffers.put(name, buffer);
        return buffer;
    }

    /** Registers a child module under {@code name}; returns it. */
    protected <M extends Module> M register(String name, M child) {
        checkName(name);
        children.put(name, child);
        return child;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("a parameter, buffer or module name must be non-empty and without '.', got '" + name + "'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is already registered in " + getClass().getSimpleName());
        }
    }

    /** Parameters of this module and its descendants by dotted name, each shared tensor once. */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false);
        return out;
    }

    /** All parameters, each shared tensor once, in registration order. */
    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Buffers by dotted name. */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean wantBuffers) {
        for (Map.Entry<String, Tensor> e : (wantBuffers ? buffers : parameters).entrySet()) {
            if (!out.containsValue(e.getValue())) {
                out.put(prefix + e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collect(prefix + e.getKey() + ".", out, wantBuffers);
        }
    }

    /** Direct children by name. */
    public Map<String, Module> children() {
        return Map.copyOf(children);
    }

    /** Parameters and buffers by dotted name: what a checkpoint saves. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>(namedParameters());
        out.putAll(namedBuffers());
        return out;
    }

    /**
     * The names {@link #loadStateDict(Map, boolean)} did not load: the module's names the state
     * lacks, and the state's names the module lacks (PyTorch's {@code missing_keys} and
     * {@code unexpected_keys}), each sorted.
     */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {
        public LoadResult {
            missingKeys = List.copyOf(missingKeys);
            unexpectedKeys = List.copyOf(unexpectedKeys);
        }
    }

    /**
     * Copies a saved state into this module's parameters and buffers, every name required: {@link
     * #loadStateDict(Map, boolean)} with {@code strict} true.
     *
     * @throws IllegalArgumentException naming every missing and unexpected name, or the first
     *         tensor whose shape differs; nothing is copied then
     */
    public void loadStateDict(Map<String, Tensor> state) {
        loadStateDict(state, true);
    }

    /**
     * Copies a saved state into this module's parameters and buffers, as PyTorch's
     * {@code load_state_dict(state, strict)}: each value is copied into the module's tensor and
     * cast to its dtype as {@code copy_} casts (a float64 state loads into a float32 module). With
     * {@code strict}, a name missing from the state or unknown to the module is refused; without,
     * the names both have are loaded and the others returned.
     *
     * @throws IllegalArgumentException when strict and a name is missing or unexpected (naming
     *         every one), or when a shared name's shape differs (strict or not, as PyTorch);
     *         nothing is copied then
     */
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> mine = stateDict();
        Set<String> missing = new TreeSet<>(mine.keySet());
        missing.removeAll(state.keySet());
        Set<String> unexpected = new TreeSet<>(state.keySet());
        unexpected.removeAll(mine.keySet());
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            throw new IllegalArgumentException("loadStateDict: " + (missing.isEmpty() ? "" : "missing " + missing)
                    + (missing.isEmpty() || unexpected.isEmpty() ? "" : ", ")
                    + (unexpected.isEmpty() ? "" : "unexpected " + unexpected));
        }
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            Tensor src = state.get(e.getKey());
            Tensor dst = e.getValue();
            if (src != null && !java.util.Arrays.equals(src.shape(), dst.shape())) {
                throw new IllegalArgumentException("loadStateDict: '" + e.getKey() + "' is " + java.util.Arrays.toString(src.shape())
                        + " " + src.dtype().torchName() + " in the state, " + java.util.Arrays.toString(dst.shape()) + " "
                        + dst.dtype().torchName() + " in the module");
            }
        }
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null) {
                e.getValue().copyFrom(src);   // casts to the module's dtype
            }
        }
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    /** Training mode for this module and all descendants; returns this. */
    public Module train() {
        setTraining(true);
        return this;
    }

    /** Evaluation mode (dropout off, batch norm on running statistics); returns this. */
    public Module eval() {
        setTraining(false);
        return this;
    }

    private void setTraining(boolean mode) {
        training = mode;
        for (Module m : children.values()) {
            m.setTraining(mode);
        }
    }

    public boolean isTraining() {
        return training;
    }

    /** Clears the gradients of all parameters. */
    public void zeroGrad() {
        for (Tensor p : parameters()) {
            p.zeroGrad();
        }
    }

    /** Number of trainable elements. */
    public long parameterCount() {
        long n = 0;
        for (Tensor p : parameters()) {
            n += p.numel();
        }
        return n;
    }

    /**
     * The module's own settings for {@link #toString()}, as PyTorch's {@code extra_repr}:
     * {@code in_features=784, out_features=128, bias=True}. Empty by default.
     */
    protected String extraRepr() {
        return "";
    }

    /** A double as Python's repr writes it ({@code 0.1}, {@code 1e-05}), for {@link #extraRepr()}. */
    protected static String repr(double v) {
        String s = Double.toString(v);
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        String mantissa = s.substring(0, e).replaceAll("\\.0$", "");
        int exp = Integer.parseInt(s.substring(e + 1));
        return mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }

    /** One line for messages: the class name and {@link #extraRepr()}, without the children. */
    public String summary() {
        return getClass().getSimpleName() + "(" + extraRepr() + ")";
    }

    /**
     * The module tree the way PyTorch's {@code print(model)} shows it: the class name with
     * {@link #extraRepr()}, and each child on its own line as {@code (name): child}, indented.
     */
    @Override
    public String toString() {
        String extra = extraRepr();
        if (children.isEmpty()) {
            return getClass().getSimpleName() + "(" + extra + ")";
        }
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append("(\n");
        if (!extra.isEmpty()) {
            sb.append("  ").append(extra).append('\n');
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            sb.append("  (").append(e.getKey()).append("): ").append(e.getValue().toString().replace("\n", "\n  ")).append('\n');
        }
        return sb.append(')').toString();
    }
}
