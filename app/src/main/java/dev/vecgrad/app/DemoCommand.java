package dev.vecgrad.app;

import dev.vecgrad.models.data.DataSource;
import dev.vecgrad.models.data.FashionMnist;
import dev.vecgrad.models.study.TrainSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./vecgrad demo}: the notes' headline network, 784-128-64-10 with ReLU, Adam lr 0.003,
 * batch 64, on Fashion-MNIST (10% of the training images held out for validation). Without the
 * data it installs Debian's package when it can, else says how and trains the same pipeline on
 * make_moons.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains the notes' Fashion-MNIST MLP (784-128-64-10, ReLU, Adam lr 0.003, batch",
                "64) and shows it learning: per-epoch train loss, validation loss and accuracy,",
                "then the test accuracy; writes the curves PNG, the history CSV and a safetensors",
                "checkpoint. Without Fashion-MNIST (and without root to install Debian's",
                "dataset-fashion-mnist) it runs the same pipeline on make_moons."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--epochs", defaultValue = "2", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.003", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        String bad = epochs < 1 || epochs > 1_000_000 ? "--epochs must be 1 to 1000000, got " + epochs
                : batchSize < 1 ? "--batch-size must be >= 1, got " + batchSize
                : !(lr > 0) || Double.isInfinite(lr) ? "--lr must be a positive finite number, got " + lr : common.problem();
        if (bad != null) {
            System.err.println("vecgrad demo: " + bad);
            return 2;
        }
        common.applyThreads();
        Path dir = common.fashionMnistDir();
        TrainingRun run = new TrainingRun();
        run.options = TrainSpec.defaults().with("epochs", Integer.toString(epochs)).with("batch-size", Integer.toString(batchSize))
                .withLr(lr);
        run.lrs = new double[] {lr};
        run.seed = common.seed;
        run.json = common.json;
        run.outDir = common.outDir(Path.of("runs", "demo"));
        if (Packages.ensureFashionMnist(dir, !common.noInstall, System.err)) {
            run.data = new DataSource("fashion-mnist", dir, 0, 0, common.seed);
            run.options = run.options.with("dataset", "fashion-mnist");
            run.title = "Fashion-MNIST MLP";
        } else {
            if (common.dataDir != null) {
                throw DataSource.noFashionMnist(dir);
            }
            System.err.println("Fashion-MNIST is not installed in " + dir + " (as root: apt-get install " + FashionMnist.DEBIAN_PACKAGE
                    + "; or --data DIR with the four IDX files). Running the same pipeline on make_moons instead.");
            run.data = new DataSource("moons", null, 10_000, 0.2, common.seed);
            run.options = run.options.with("hidden", "16,16");
            run.title = "make_moons MLP";
        }
        return run.run();
    }
}
