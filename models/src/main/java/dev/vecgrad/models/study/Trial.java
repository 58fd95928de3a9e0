package dev.vecgrad.models.study;

import dev.vecgrad.models.data.Dataset;
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

    /** The key of this trial's result in a {@link ResultStore}: its whole spec and its seed (not its name). */
    public String key() {
        return TrialResult.key(spec, seed);
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
        // every number from the model the trial ends with, in eval mode: the history's last epoch is another model under
        // early stopping (the best epoch's weights are restored), and its training loss is averaged during the epoch with
        // dropout on
        Trainer.Evaluation t = fit.trainer().evaluate(fit.net(), test);
        Trainer.Evaluation tr = fit.trainer().evaluate(fit.net(), split.train());
        Trainer.Evaluation v = fit.trainer().evaluate(fit.net(), split.validation());
        History h = fit.history();
        boolean classification = split.train().isClassification();
        double[] curve = h.epochs().stream().mapToDouble(m -> classification ? m.valAccuracy() : m.valLoss()).toArray();
        return new TrialResult(name, spec.lr(), seed, h.diverged(), tr.loss(), v.loss(), v.accuracy(), t.loss(), t.accuracy(),
                h.epochs().size(), (System.nanoTime() - t0) / 1e9, curve, spec);
    }

}
