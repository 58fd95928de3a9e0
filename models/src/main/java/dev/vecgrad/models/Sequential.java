package dev.vecgrad.models;

import dev.vecgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Modules applied in order; children are named 0, 1, 2... as in PyTorch. */
public class Sequential extends Module {

    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /**
     * Appends a module; returns this.
     *
     * @throws IllegalArgumentException if the module does not take a single input
     */
    public Sequential add(Module m) {
        if (!m.takesOneInput()) {
            throw new IllegalArgumentException("Sequential: " + m.getClass().getSimpleName() + " takes several inputs or a state;"
                    + " only one-input modules can be chained");
        }
        layers.add(register(Integer.toString(layers.size()), m));
        return this;
    }

    public Module get(int i) {
        return layers.get(i);
    }

    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Module m : layers) {
            x = m.forward(x);
        }
        return x;
    }
}
