package dev.vecgrad.models.study;

import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.train.EpochMetrics;
import dev.vecgrad.models.train.History;
import dev.vecgrad.models.train.Trainer;
import dev.vecgrad.models.train.TrainingListener;
import dev.vecgrad.models.zoo.ModelSpec;

/**
 * One training run of a study: a name (the variant or configuration it belongs to), a complete
 * {@link TrainSpec} (its rate included) and a seed. Its result depends on these and on the data
 * alone, never on which thread or machine runs it, or when.
 */
public record Trial(String name, TrainSpec spec, long seed) {

    /** The key of this trial's result in a {@link ResultStore}: name, rate and seed. */
    public String key() {
        return TrialResult.key(name, spec.lr(), seed);
    }

    /**
     * Trains the spec on {@code trainAll} (split into training and validation with the seed) and
     * evaluates it on {@code test}: the result a study records.
     */
    public TrialResult run(Dataset trainAll, Dataset test) {
        long t0 = System.nanoTime();
        Dataset.Split split = spec.split(trainAll, seed);
        String lossName = spec.resolvedLoss(split.train());
        ModelSpec model = spec.modelSpec(split.train(), lossName);
        TrainSpec.Fit fit = spec.fit(model, Choices.objective(lossName), split.train(), split.validation(), seed, TrainingListener.none(),
                m -> { });
        Trainer.Evaluation t = fit.trainer().evaluate(fit.net(), test);
        History h = fit.history();
        EpochMetrics last = h.last();
        boolean classification = split.train().isClassification();
        double[] curve = h.epochs().stream().mapToDouble(m -> classification ? m.valAccuracy() : m.valLoss()).toArray();
        return new TrialResult(name, spec.lr(), seed, h.diverged(), last.trainLoss(), last.valLoss(), last.valAccuracy(), t.loss(),
                t.accuracy(), h.epochs().size(), (System.nanoTime() - t0) / 1e9, curve);
    }

}
