package dev.vecgrad.models;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.data.Batch;
import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.data.Datasets;
import dev.vecgrad.models.io.Checkpoints;
import dev.vecgrad.models.loss.NLLLoss;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.train.History;
import dev.vecgrad.models.train.Objective;
import dev.vecgrad.models.train.Trainer;
import dev.vecgrad.models.zoo.Mlp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java tour, statement for statement, on make_moons instead of Fashion-MNIST
 * (2-16-8-2 instead of 784-128-64-10) so that it runs without the data ({@link ReadmeCompilesTest}
 * compiles the README's blocks themselves): if the API the README
 * shows changes, this stops compiling; if the loop stops learning, it fails.
 */
class ReadmeTourTest {

    @TempDir
    Path dir;

    @Test
    void theNotesLoopAndTheTrainerLearn() throws IOException {
        Dataset train = Datasets.moons(2000, 0.1, 1);
        Dataset test = Datasets.moons(400, 0.1, 2);
        var model = new Mlp(new int[] {2, 16, 8, 2}, "relu", "log_softmax", new Random(0));
        var criterion = new NLLLoss();
        var optimizer = new Optimizers.Adam(model.parameters(), 0.003);
        var shuffle = new Random(0);

        List<Double> errors = new ArrayList<>();
        for (int epoch = 0; epoch < 8; epoch++) {
            double runningLoss = 0;
            int batches = 0;
            for (Batch b : train.batches(64, shuffle)) {
                optimizer.zeroGrad();
                Tensor outputs = model.forward(b.x());
                Tensor loss = criterion.forward(outputs, b.labels());
                loss.backward();
                optimizer.step();
                runningLoss += loss.item();
                batches++;
            }
            assertEquals(32, batches);
            errors.add(runningLoss / batches);
        }
        assertTrue(errors.get(7) < errors.get(0) * 0.6, "running loss " + errors);

        var split = train.split(0.1, 42);
        History h = new Trainer(Objective.nll()).epochs(2).batchSize(64).seed(42)
                .fit(model, optimizer, split.train(), split.validation());
        Trainer.Evaluation t = new Trainer(Objective.nll()).evaluate(model, test);
        assertEquals(2, h.epochs().size());
        assertTrue(t.accuracy() > 0.85, "test accuracy " + t.accuracy());
        Checkpoints.save(dir.resolve("model.safetensors"), model, Map.of());
        h.writeCsv(dir.resolve("history.csv"));
        assertTrue(Files.size(dir.resolve("model.safetensors")) > 4 * (2 * 16 + 16 * 8 + 8 * 2));
        assertEquals(3, Files.readAllLines(dir.resolve("history.csv")).size(), "header and two epochs");
    }
}
