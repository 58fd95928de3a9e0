package dev.vecgrad.app;

import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.data.Datasets;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.train.History;
import dev.vecgrad.models.train.Objective;
import dev.vecgrad.models.train.Trainer;
import dev.vecgrad.models.train.TrainingListener;
import dev.vecgrad.models.zoo.Mlp;
import java.util.Random;

/** The application tests' small training run: a 2-16-16-2 MLP on 1000 make_moons samples (800 train, 200 validation), Adam 0.01. */
public final class Moons {

    private Moons() {}

    public static Mlp net(long seed) {
        return new Mlp(new int[] {2, 16, 16, 2}, "relu", "none", new Random(seed));
    }

    public static History train(long seed, int epochs, int batch) {
        return train(seed, epochs, batch, TrainingListener.none());
    }

    /** Trains {@link #net}{@code (seed)}, telling {@code listener} as it goes. */
    public static History train(long seed, int epochs, int batch, TrainingListener listener) {
        Dataset.Split s = Datasets.moons(1000, 0.1, 1).split(0.2, 1);
        Mlp net = net(seed);
        return new Trainer(Objective.crossEntropy()).epochs(epochs).batchSize(batch).seed(seed).listener(listener)
                .fit(net, new Optimizers.Adam(net.parameters(), 0.01), s.train(), s.validation());
    }
}
