package com.example;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.data.Batch;
import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.data.Datasets;
import dev.vecgrad.models.data.FashionMnist;
import dev.vecgrad.models.loss.NLLLoss;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.train.Objective;
import dev.vecgrad.models.train.Trainer;
import dev.vecgrad.models.zoo.Mlp;
import java.io.IOException;
import java.util.Random;

/**
 * The Java API tour (docs/java-api.md) in a project of its own: the notes' 784-128-64-10 network on Fashion-MNIST
 * (or a 2-16-16-2 network on make_moons when the data is not installed), the PyTorch loop
 * written out, then the test accuracy.
 *
 * <p>Run it with {@code mvn -q compile exec:exec} (the pom's exec plugin adds
 * {@code --add-modules jdk.incubator.vector}); {@code mvn test} runs {@code FirstModelTest}.
 */
public final class FirstModel {

    /** What one run gives: the last epoch's mean training loss and the test accuracy. */
    public record Result(String data, double trainLoss, double testAccuracy) {}

    public static void main(String[] args) throws IOException {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Result r = FashionMnist.isPresent(FashionMnist.SYSTEM_DIR) ? fashionMnist(epochs) : moons(epochs * 10);
        System.out.printf("%s: test accuracy %.2f%%%n", r.data(), 100 * r.testAccuracy());
    }

    /** The tour's model on Fashion-MNIST, scaled to [-1, 1] as the notes do. */
    public static Result fashionMnist(int epochs) throws IOException {
        FashionMnist.Splits data = FashionMnist.load(FashionMnist.SYSTEM_DIR, FashionMnist.Scaling.SYMMETRIC, true);
        Mlp model = new Mlp(new int[] {784, 128, 64, 10}, "relu", "log_softmax", new Random(0));
        return train("Fashion-MNIST", model, data.train(), data.test(), epochs);
    }

    /** A small network on make_moons, for machines without Fashion-MNIST. */
    public static Result moons(int epochs) {
        Dataset.Split s = Datasets.moons(1000, 0.1, 1).split(0.2, 1);
        Mlp model = new Mlp(new int[] {2, 16, 16, 2}, "relu", "log_softmax", new Random(0));
        return train("make_moons", model, s.train(), s.validation(), epochs);
    }

    private static Result train(String name, Mlp model, Dataset train, Dataset test, int epochs) {
        var criterion = new NLLLoss();
        var optimizer = new Optimizers.Adam(model.parameters(), 0.003);
        var shuffle = new Random(0);
        double meanLoss = Double.NaN;
        for (int epoch = 0; epoch < epochs; epoch++) {
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
            meanLoss = runningLoss / batches;
            System.out.printf("%s epoch %d - Error: %.4f%n", name, epoch + 1, meanLoss);
        }
        Trainer.Evaluation eval = new Trainer(Objective.nll()).evaluate(model, test);
        return new Result(name, meanLoss, eval.accuracy());
    }
}
