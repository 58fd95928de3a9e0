package dev.vecgrad.app;

import dev.vecgrad.app.deblur.Blur;
import dev.vecgrad.app.deblur.Classical;
import dev.vecgrad.app.deblur.Quality;
import dev.vecgrad.app.report.Plots;
import dev.vecgrad.app.report.Progress;
import dev.vecgrad.autograd.Grad;
import dev.vecgrad.autograd.Losses;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.kernels.Parallelism;
import dev.vecgrad.models.data.DataSource;
import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.data.FashionMnist;
import dev.vecgrad.models.io.AtomicFiles;
import dev.vecgrad.models.io.Checkpoints;
import dev.vecgrad.models.io.Json;
import dev.vecgrad.models.io.SafeTensors;
import dev.vecgrad.models.optim.LRSchedulers;
import dev.vecgrad.models.optim.Optimizer;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.study.Stats;
import dev.vecgrad.models.train.EpochMetrics;
import dev.vecgrad.models.zoo.UNet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./vecgrad deblur}: blind deconvolution (the course's image-restoration exercise). Fashion-MNIST images are blurred with
 * random kernels (Gaussian, motion, defocus) plus Gaussian noise. A U-Net ({@link UNet}) learns to
 * restore them without knowing the kernel, trained on degradations drawn afresh for every image
 * in every epoch (no fixed pairs to overfit); a second U-Net is also given the kernel, through a
 * Wiener restoration as a second input channel (as DWDN and USRNet feed theirs a
 * pre-deconvolution). Both are compared on test images (whose kernels they never saw) with
 * three classical restorations GIVEN the true kernel, each as its practitioners run it
 * ({@link Classical}: Wiener in a padded domain, Richardson-Lucy with the zero-boundary
 * normalisation, total variation), their settings tuned on training images. Reports PSNR and
 * SSIM and one line saying where the blind network stands, writes deblur.csv, deblur.json,
 * grid.png, restorations.safetensors and both networks' checkpoints.
 */
@Command(name = "deblur", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Blind deblurring of Fashion-MNIST: a U-Net that never sees the blur kernels,",
                "and one given the kernel, against Wiener, Richardson-Lucy and total variation",
                "given the true kernel (tuned on training images); PSNR and SSIM on the test",
                "images, a PNG grid and every restoration in a safetensors file."})
final class DeblurCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "A small run for trying it out: " + Quick.TRAIN + " training and " + Quick.TEST
            + " test images, " + Quick.EPOCHS + " epoch, width " + Quick.WIDTH + ", tuning on " + Quick.TUNE + " images.")
    boolean quick;

    @Option(names = "--train", description = "Training images (default: " + Full.TRAIN + ").")
    Integer trainCount;

    @Option(names = "--test", description = "Test images (default: " + Full.TEST + ").")
    Integer testCount;

    @Option(names = "--epochs", description = "Epochs of the blind network (default: " + Full.EPOCHS + ").")
    Integer epochs;

    @Option(names = "--nonblind-epochs", description = "Epochs of the network given the kernel (default: " + Full.NONBLIND_EPOCHS
            + ").")
    Integer nonBlindEpochs;

    @Option(names = {"--width", "--channels"}, description = "The U-Nets' width: channels of the first level (default: " + Full.WIDTH
            + ").")
    Integer width;

    @Option(names = "--depth", defaultValue = "2", description = "The U-Nets' levels below full size (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--batch", defaultValue = "32", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--noise", defaultValue = "0.01", description = "Noise standard deviation, images in [0, 1] (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--kernel-size", defaultValue = "" + Blur.K, description = "Side of the blur kernels, odd, at most the images' "
            + SIDE + " (default: ${DEFAULT-VALUE}); their widths scale with it.")
    int kernelSize;

    @Option(names = "--lr", defaultValue = "0.002", description = "Adam's peak learning rate, one-cycle schedule (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--no-nonblind", description = "Train the blind network only (the one given the kernel is skipped).")
    boolean noNonBlind;

    @Mixin
    CommonOptions common;

    private static final int SIDE = 28;

    /** The default run's sizes. */
    static final class Full {
        static final int TRAIN = 60_000;
        static final int TEST = 1000;
        // 8 + 2 epochs fit the 15 minutes here (14 min 7 s on a 2-core AMD EPYC Zen 5) and gave the blind network 25.50 dB where
        // 6 + 4 gave 25.37; the network given the kernel scored 26.64 after 2 epochs and 26.92 after 4, ahead of the blind one
        // either way (noise 0.01, 1000 test images)
        static final int EPOCHS = 8;
        static final int NONBLIND_EPOCHS = 2;
        static final int WIDTH = 16;
        static final int TUNE = 100;
    }

    /** {@code --quick}'s sizes. */
    static final class Quick {
        static final int TRAIN = 500;
        static final int TEST = 20;
        static final int EPOCHS = 1;
        static final int NONBLIND_EPOCHS = 1;
        static final int WIDTH = 8;
        static final int TUNE = 12;
    }

    @Override
    public Integer call() throws Exception {
        String bad = problem();
        if (bad != null) {
            System.err.println("vecgrad deblur: " + bad);
            return 2;
        }
        int train = trainCount != null ? trainCount : quick ? Quick.TRAIN : Full.TRAIN;
        int test = testCount != null ? testCount : quick ? Quick.TEST : Full.TEST;
        int epochCount = epochs != null ? epochs : quick ? Quick.EPOCHS : Full.EPOCHS;
        int nonBlindEpochCount = nonBlindEpochs != null ? nonBlindEpochs : quick ? Quick.NONBLIND_EPOCHS : Full.NONBLIND_EPOCHS;
        int w = width != null ? width : quick ? Quick.WIDTH : Full.WIDTH;
        int tuneCount = Math.min(train, quick ? Quick.TUNE : Full.TUNE);
        common.applyThreads();
        Path dir = common.dataDirFor("fashion-mnist");
        Path out = common.outDir(Path.of("runs", "deblur"));
        long start = System.nanoTime();
        FashionMnist.Splits data = DataSource.fashionMnist(dir, FashionMnist.Scaling.UNIT);
        Pairs tuneSet = pairs(data.train(), tuneCount, new Random(common.seed), noise, kernelSize);
        Pairs testSet = pairs(data.test(), test, testKernels(common.seed), noise, kernelSize);
        System.out.printf(Locale.ROOT, "%d training images, blurred afresh every epoch (a new random %dx%d kernel and noise for each), "
                + "%d test images; noise sigma %.3f%n", train, kernelSize, kernelSize, test, noise);
        // every classical method's setting tuned on training images (never on the test set)
        Tuned tuned = tune(tuneSet, tuneCount);
        System.out.printf(Locale.ROOT, "tuned on %d training images: Wiener nsr %.3g, Richardson-Lucy %d iterations, TV lambda %.3g%s%n",
                tuneCount, tuned.nsr(), tuned.rlIterations(), tuned.lambda(), tuned.warning());
        Training setup = new Training(data.train(), train, w, depth, batch, lr, noise, kernelSize, tuned.nsr(), common.seed);
        UNet blind = setup.run("U-Net (blind)", false, epochCount, Progress.auto());
        UNet nonBlind = noNonBlind ? null : setup.run("U-Net (kernel)", true, nonBlindEpochCount, Progress.auto());
        // the compared methods in the table's order, the blind network last
        List<Method> methods = new ArrayList<>(List.of(new Method("blurred input", "blurred", "blurred"),
                new Method("Wiener (given the kernel)", "wiener", "Wiener (kernel)"),
                new Method("Richardson-Lucy (given the kernel)", "rl", "R-L (kernel)"), new Method("TV (given the kernel)", "tv", "TV (kernel)")));
        if (nonBlind != null) {
            methods.add(new Method("network (given the kernel)", "network_nonblind", "U-Net (kernel)"));
        }
        methods.add(new Method("network (blind)", "network", "U-Net (blind)"));
        int count = methods.size();
        double[][] psnr = new double[count][test];
        double[][] ssim = new double[count][test];
        float[][] outputs = new float[count][test * SIDE * SIDE];   // restorations.safetensors: every method's output
        double[][] wiener = wiener(testSet, tuned.nsr());   // a row of the table, and the second input of the network given the kernel
        double[][] blindOut = restore(blind, testSet, null);
        double[][] nonBlindOut = nonBlind == null ? null : restore(nonBlind, testSet, wiener);
        // the images over the kernel threads (--threads): each writes its own slots, so the values are the same on any count
        Parallelism.forEach(test, i -> {
            double[] sharp = testSet.sharp.get(i);
            double[] blurred = testSet.blurred.get(i);
            double[] k = testSet.kernels.get(i);
            List<double[]> restored = new ArrayList<>(List.of(Quality.clip(blurred), wiener[i],
                    Classical.richardsonLucy(blurred, SIDE, k, tuned.rlIterations()),
                    Classical.totalVariation(blurred, SIDE, k, tuned.lambda(), TV_ITERATIONS)));
            if (nonBlindOut != null) {
                restored.add(nonBlindOut[i]);
            }
            restored.add(blindOut[i]);
            for (int m = 0; m < count; m++) {
                psnr[m][i] = Quality.psnr(restored.get(m), sharp);
                ssim[m][i] = Quality.ssim(restored.get(m), sharp, SIDE);
                copy(restored.get(m), outputs[m], i);
            }
        });
        String[] methodArray = methods.stream().map(Method::label).toArray(String[]::new);
        Report report = report(methodArray, psnr, ssim, testSet.kinds());
        System.out.println();
        System.out.print(report.table());
        System.out.println(verdict(methodArray, psnr, ssim));
        try (RunDirectory files = RunDirectory.create(out)) {
            Path staged = files.dir();
            AtomicFiles.writeString(staged.resolve("deblur.csv"), report.csv());
            AtomicFiles.writeString(staged.resolve("deblur.json"), report.json());
            // the test set and every method's output, for anyone to recompute the table with their own code
            Map<String, Tensor> tensors = new java.util.LinkedHashMap<>();
            tensors.put("sharp", stack(testSet.sharp(), SIDE));
            tensors.put("blurred", stack(testSet.blurred(), SIDE));
            tensors.put("kernels", stack(testSet.kernels(), kernelSize));
            for (int m = 1; m < count; m++) {
                tensors.put(methods.get(m).tensor(), Tensor.fromArray(outputs[m], test, SIDE, SIDE));
            }
            SafeTensors.save(staged.resolve("restorations.safetensors"), tensors, Map.of("vecgrad.noise",
                    Double.toString(noise), "vecgrad.seed", Long.toString(common.seed), "vecgrad.kinds", String.join("|", testSet.kinds()),
                    "vecgrad.wiener_nsr", Double.toString(tuned.nsr()), "vecgrad.rl_iterations", Integer.toString(tuned.rlIterations()),
                    "vecgrad.tv_lambda", Double.toString(tuned.lambda()), "vecgrad.kernel_size", Integer.toString(kernelSize), "vecgrad.blurred_row",
                    "blurred is the input every method got, noise and all; the table's blurred-input row scores it clipped to [0, 1]"));
            Checkpoints.save(staged.resolve("model.safetensors"), blind, checkpointMeta(blind, tuned.nsr()));
            if (nonBlind != null) {
                Checkpoints.save(staged.resolve("model_nonblind.safetensors"), nonBlind, checkpointMeta(nonBlind, tuned.nsr()));
            }
            // a row per method (the sharp image last), a column per test image; each image scaled 3x
            List<String> rowNames = new ArrayList<>(methods.stream().map(Method::row).toList());
            rowNames.add("sharp");
            int shown = Math.min(8, test);
            List<double[]> rows = new ArrayList<>();
            for (int m = 0; m <= count; m++) {
                double[] row = new double[shown * SIDE * SIDE];
                for (int i = 0; i < shown; i++) {
                    for (int j = 0; j < SIDE * SIDE; j++) {
                        row[i * SIDE * SIDE + j] = m < count ? outputs[m][i * SIDE * SIDE + j] : testSet.sharp.get(i)[j];
                    }
                }
                rows.add(row);
            }
            Plots.imageRows(rowNames.toArray(String[]::new), rows, shown, SIDE, 3, staged.resolve("grid.png"));
            files.commit();
        }
        System.out.printf(Locale.ROOT, "wrote %s, %s, %s, %s and the networks' checkpoints; %.0f s in all%n", out.resolve("deblur.csv"),
                out.resolve("deblur.json"), out.resolve("grid.png"), out.resolve("restorations.safetensors"),
                (System.nanoTime() - start) / 1e9);
        return 0;
    }

    /** A compared method: its name in the table, its tensor in restorations.safetensors, its row label in grid.png. */
    private record Method(String label, String tensor, String row) {}

    /** The first bad option, as one line, or null: checked before any work. */
    String problem() {
        if (quick) {
            List<String> full = new ArrayList<>();
            if (trainCount != null) {
                full.add("--train");
            }
            if (testCount != null) {
                full.add("--test");
            }
            if (epochs != null) {
                full.add("--epochs");
            }
            if (nonBlindEpochs != null) {
                full.add("--nonblind-epochs");
            }
            if (width != null) {
                full.add("--width");
            }
            if (!full.isEmpty()) {
                return "--quick sets the sizes itself; drop " + String.join(" and ", full) + " or --quick";
            }
        }
        if (common.json) {   // accepted and ignored before: say so instead
            return "--json: deblur prints no JSON lines; its results are in deblur.json and deblur.csv in the run's folder";
        }
        return trainCount != null && (trainCount < 100 || trainCount > 60_000) ? "--train must be 100 to 60000"
                : testCount != null && (testCount < 10 || testCount > 10_000) ? "--test must be 10 to 10000"
                : epochs != null && (epochs < 1 || epochs > 1000) ? "--epochs must be 1 to 1000"
                : nonBlindEpochs != null && (nonBlindEpochs < 1 || nonBlindEpochs > 1000) ? "--nonblind-epochs must be 1 to 1000"
                : width != null && (width < 1 || width > 256) ? "--width must be 1 to 256"
                : depth < 1 || depth > 2 ? "--depth must be 1 or 2 (the 28x28 images halve twice at most)"
                : batch < 1 || batch > 1024 ? "--batch must be 1 to 1024"
                : trainCount != null && batch > trainCount ? "--batch must not exceed --train"
                : !(noise >= 0 && noise <= 0.5) ? "--noise must be 0 to 0.5"
                : kernelSize > SIDE ? "--kernel-size " + kernelSize + " is larger than the " + SIDE + "x" + SIDE + " images"
                : kernelSize < 3 || kernelSize % 2 == 0 ? "--kernel-size must be odd (a kernel has a centre pixel) and at least 3, got " + kernelSize
                : !(lr > 0) || Double.isInfinite(lr) ? "--lr must be positive"
                : common.problem();
    }

    private Map<String, String> checkpointMeta(UNet net, double nsr) {
        return Map.of("vecgrad.model", "unet-deblur", "vecgrad.in_channels", Integer.toString(net.inChannels), "vecgrad.width",
                Integer.toString(net.width), "vecgrad.depth", Integer.toString(net.depth), "vecgrad.noise", Double.toString(noise),
                "vecgrad.seed", Long.toString(common.seed), "vecgrad.wiener_nsr", Double.toString(nsr), "vecgrad.kernel_size",
                Integer.toString(kernelSize));
    }

    /**
     * How both networks train: {@code count} training images per epoch in a fresh order, each
     * blurred by a kernel and noise drawn for it in that epoch (so no two epochs see the same
     * pair), MSE loss, Adam under a one-cycle schedule (warm-up to {@code lr} over the first 30%
     * of the steps, cosine down after). The draws depend on the seed and the epoch alone, so both
     * networks see the same degraded images.
     */
    record Training(Dataset images, int count, int width, int depth, int batch, double lr, double noise, int kernelSize, double nsr,
            long seed) {

        UNet run(String name, boolean givenKernel, int epochs, Progress progress) {
            UNet net = new UNet(givenKernel ? 2 : 1, width, depth, new Random(seed));
            Optimizer opt = new Optimizers.Adam(net.parameters(), lr);
            int steps = count / batch;
            LRSchedulers.OneCycleLR schedule = new LRSchedulers.OneCycleLR(opt, lr, epochs * steps);
            int channels = givenKernel ? 2 : 1;
            int plane = SIDE * SIDE;
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long t0 = System.nanoTime();
                Random rng = new Random(seed * 1_000_003L + epoch);
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    order.add(i);
                }
                java.util.Collections.shuffle(order, rng);
                progress.epochStart(epoch, epochs, steps * batch);
                double sum = 0;
                for (int s = 0; s < steps; s++) {
                    float[] x = new float[batch * channels * plane];
                    float[] y = new float[batch * plane];
                    // the draws in order (a kernel, then its noise, image by image); the blurs and Wiener restorations split over
                    // the kernel threads (--threads), in whole images: the same values on any thread count
                    double[][] kernels = new double[batch][];
                    double[][] noises = new double[batch][plane];
                    for (int j = 0; j < batch; j++) {
                        kernels[j] = Blur.random(rng, kernelSize);
                        for (int p = 0; p < plane; p++) {
                            noises[j][p] = noise * rng.nextGaussian();
                        }
                    }
                    int first = s * batch;
                    int parts = Math.min(batch, Parallelism.threads());
                    Parallelism.forEach(parts, part -> {
                        for (int j = batch * part / parts; j < batch * (part + 1) / parts; j++) {
                            degrade(j, order.get(first + j), kernels[j], noises[j], givenKernel, x, y, channels);
                        }
                    });
                    opt.zeroGrad();
                    Tensor loss = Losses.mse(net.forward(Tensor.fromArray(x, batch, channels, SIDE, SIDE)),
                            Tensor.fromArray(y, batch, 1, SIDE, SIDE));
                    loss.backward();
                    opt.step();
                    schedule.step();
                    sum += loss.item();
                    progress.afterStep((s + 1) * batch, sum / (s + 1));
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                progress.epochEnd(new EpochMetrics(epoch, sum / steps, Double.NaN, Double.NaN, Double.NaN, schedule.lastLr()[0], seconds, 0,
                        steps * batch));
                System.out.printf(Locale.ROOT, "%s  epoch %d/%d  train mse %.5f  %.1f s  live heap %s%n", name, epoch, epochs, sum / steps,
                        seconds, liveHeap());
            }
            net.eval();
            return net;
        }

        /**
         * Slot j of the batch: x = image {@code index} blurred by k plus the drawn noise (and its Wiener restoration with k as
         * the second channel when the network is given the kernel), y = the image.
         */
        private void degrade(int j, int index, double[] k, double[] drawn, boolean givenKernel, float[] x, float[] y, int channels) {
            int plane = SIDE * SIDE;
            double[] sharp = new double[plane];
            for (int p = 0; p < plane; p++) {
                sharp[p] = images.feature(index, p);
            }
            double[] blurred = Blur.convolve(sharp, SIDE, k, false);
            for (int p = 0; p < plane; p++) {
                blurred[p] += drawn[p];
            }
            copy(blurred, x, j * channels);
            if (givenKernel) {
                copy(Classical.wiener(blurred, SIDE, k, nsr), x, j * channels + 1);
            }
            copy(sharp, y, j);
        }
    }

    /**
     * The heap in use after a full collection (what survives an epoch: the data, the model and
     * the optimizer's state), as "N MiB": one collection per epoch, so that a leak shows as a
     * number that grows from epoch to epoch.
     */
    static String liveHeap() {
        System.gc();
        return (java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20) + " MiB";
    }

    /** The Wiener restoration (noise-to-signal ratio nsr) of every blurred image of the set, with its true kernel. */
    private static double[][] wiener(Pairs set, double nsr) {
        double[][] out = new double[set.blurred.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Classical.wiener(set.blurred.get(i), SIDE, set.kernels.get(i), nsr);
        }
        return out;
    }

    /**
     * A network's restorations of every image of the set, clipped to [0, 1]; {@code second}, when
     * given (the network given the kernel), is each image's second input channel.
     */
    private static double[][] restore(UNet net, Pairs set, double[][] second) {
        int n = set.blurred.size();
        int plane = SIDE * SIDE;
        int channels = second != null ? 2 : 1;
        double[][] out = new double[n][];
        int chunk = 100;
        try (var noGrad = Grad.disabled()) {
            for (int b0 = 0; b0 < n; b0 += chunk) {
                int nb = Math.min(chunk, n - b0);
                float[] x = new float[nb * channels * plane];
                for (int j = 0; j < nb; j++) {
                    copy(set.blurred.get(b0 + j), x, j * channels);
                    if (second != null) {
                        copy(second[b0 + j], x, j * channels + 1);
                    }
                }
                float[] y = net.forward(Tensor.fromArray(x, nb, channels, SIDE, SIDE)).toFloatArray();
                for (int j = 0; j < nb; j++) {
                    double[] r = new double[plane];
                    for (int p = 0; p < plane; p++) {
                        r[p] = y[j * plane + p];
                    }
                    out[b0 + j] = Quality.clip(r);
                }
            }
        }
        return out;
    }

    /** N side x side arrays (images or kernels) as one float32 tensor [N, side, side]. */
    private static Tensor stack(List<double[]> xs, int side) {
        float[] all = new float[xs.size() * side * side];
        for (int i = 0; i < xs.size(); i++) {
            copy(xs.get(i), all, i);
        }
        return Tensor.fromArray(all, xs.size(), side, side);
    }

    /** The printed table and the CSV and JSON files of one comparison. */
    record Report(String table, String csv, String json) {}

    /**
     * Per method: mean PSNR and SSIM overall and per kernel kind, and against the blind network
     * (the last method) the paired per-image PSNR difference (method - network) with its 95%
     * interval and the share of images on which the network is better.
     */
    static Report report(String[] methods, double[][] psnr, double[][] ssim, List<String> kinds) {
        int net = methods.length - 1;
        int n = psnr[0].length;
        // two blocks, each narrower than an 80-column terminal: the scores, then the paired comparison
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-24s %8s %7s", "on " + n + " test images", "PSNR dB", "SSIM"));
        StringBuilder paired = new StringBuilder(String.format(Locale.ROOT, "%nagainst the blind network: per image, PSNR minus the network's"
                + "%n%-24s %-24s %s%n", "", "mean [95% CI]", "network wins"));
        StringBuilder csv = new StringBuilder("method,psnr_db,ssim");
        for (String kind : Blur.KINDS) {
            table.append(String.format(Locale.ROOT, " %8s", kind));
            csv.append(",psnr_").append(kind).append(",ssim_").append(kind);
        }
        table.append('\n');
        csv.append(",psnr_minus_network,ci_low,ci_high,network_wins\n");
        StringBuilder json = new StringBuilder("{");
        for (int m = 0; m < methods.length; m++) {
            double p = mean(psnr[m]);
            double s = mean(ssim[m]);
            String label = methods[m].replace(" (given the kernel)", " (kernel)");
            table.append(String.format(Locale.ROOT, "%-24s %8.2f %7.4f", label, p, s));
            csv.append('"').append(methods[m]).append("\",").append(p).append(',').append(s);
            json.append(m == 0 ? "" : ", ").append(Json.quote(methods[m])).append(": {\"psnr_db\": ")
                    .append(Json.number(p)).append(", \"ssim\": ").append(Json.number(s));
            for (String kind : Blur.KINDS) {
                double kp = meanOf(psnr[m], kinds, kind);
                double ks = meanOf(ssim[m], kinds, kind);
                table.append(Double.isNaN(kp) ? String.format(Locale.ROOT, " %8s", "-") : String.format(Locale.ROOT, " %8.2f", kp));
                csv.append(',').append(kp).append(',').append(ks);
                json.append(", \"psnr_").append(kind).append("\": ").append(Json.number(kp)).append(", \"ssim_")
                        .append(kind).append("\": ").append(Json.number(ks));
            }
            table.append('\n');
            if (m == net) {
                csv.append(",,,,\n");
                json.append('}');
                continue;
            }
            double[] diff = new double[n];
            int wins = 0;
            for (int i = 0; i < n; i++) {
                diff[i] = psnr[m][i] - psnr[net][i];
                wins += psnr[net][i] > psnr[m][i] ? 1 : 0;
            }
            Stats d = Stats.of(diff);
            double half = Stats.tQuantile975(n - 1) * d.sd() / Math.sqrt(n);
            double share = (double) wins / n;
            paired.append(String.format(Locale.ROOT, "%-24s %+6.2f [%+6.2f, %+6.2f]   %5.1f%%%n", label, d.mean(), d.mean() - half,
                    d.mean() + half, 100 * share));
            csv.append(',').append(d.mean()).append(',').append(d.mean() - half).append(',').append(d.mean() + half).append(',')
                    .append(share).append('\n');
            json.append(", \"psnr_minus_network\": ").append(Json.number(d.mean())).append(", \"ci\": [")
                    .append(Json.number(d.mean() - half)).append(", ")
                    .append(Json.number(d.mean() + half)).append("], \"network_wins\": ")
                    .append(Json.number(share)).append('}');
        }
        table.append("(kernel): given the true kernel; gaussian, motion, disc: PSNR dB per kernel kind\n").append(paired);
        return new Report(table.toString(), csv.toString(), json.append("}\n").toString());
    }

    /** The mean of the values whose kind is {@code kind}; NaN when there are none. */
    private static double meanOf(double[] v, List<String> kinds, String kind) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < v.length; i++) {
            if (kinds.get(i).equals(kind)) {
                sum += v[i];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * TV's iterations, on training and test images alike. 200 left it short of its optimum: on 300 test images at noise
     * 0.01 (lambda 0.0005) the same method in PyTorch scored 25.54 dB after 200 iterations, 25.71 after 400, 25.75 after
     * 1000, and an independent TV (app/src/test/python/deblur_check.py) 25.7.
     */
    static final int TV_ITERATIONS = 600;

    /** TV's weight is tuned on every TV_TUNE_EVERY-th tuning image: TV is the slowest method. */
    static final int TV_TUNE_EVERY = 2;

    /** The classical methods' settings, tuned on training images; a warning when a best value sits at the end of its grid. */
    record Tuned(double nsr, int rlIterations, double lambda, String warning) {}

    static final double[] NSR_GRID = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1};
    static final int[] RL_GRID = {5, 10, 20, 40, 60, 80, 120, 160, 200, 300};
    static final double[] LAMBDA_GRID = {0.0002, 0.0005, 0.001, 0.002, 0.005};

    /**
     * Each classical method's setting with the best mean PSNR on the first {@code n} training
     * pairs: Wiener's noise-to-signal ratio, Richardson-Lucy's iteration count (one run to the
     * grid's end gives every shorter count) and TV's weight (on half of them: TV is the
     * slowest). A best value at an end of its grid is reported, since the grid may then not
     * bracket the optimum.
     */
    static Tuned tune(Pairs train, int n) {
        double[][] wienerEach = new double[n][NSR_GRID.length];
        double[][] rlEach = new double[n][RL_GRID.length];
        double[][] tvEach = new double[n][LAMBDA_GRID.length];
        Parallelism.forEach(n, i -> {   // images over the kernel threads; their scores summed in order below
            double[] y = train.blurred.get(i);
            double[] k = train.kernels.get(i);
            double[] x = train.sharp.get(i);
            for (int g = 0; g < NSR_GRID.length; g++) {
                wienerEach[i][g] = Quality.psnr(Classical.wiener(y, SIDE, k, NSR_GRID[g]), x);
            }
            double[][] rl = Classical.richardsonLucy(y, SIDE, k, RL_GRID);
            for (int g = 0; g < RL_GRID.length; g++) {
                rlEach[i][g] = Quality.psnr(rl[g], x);
            }
            if (i % TV_TUNE_EVERY == 0) {
                for (int g = 0; g < LAMBDA_GRID.length; g++) {
                    tvEach[i][g] = Quality.psnr(Classical.totalVariation(y, SIDE, k, LAMBDA_GRID[g], TV_ITERATIONS), x);
                }
            }
        });
        int w = best(columnSums(wienerEach, NSR_GRID.length));
        int r = best(columnSums(rlEach, RL_GRID.length));
        int t = best(columnSums(tvEach, LAMBDA_GRID.length));
        List<String> atEdge = new ArrayList<>();
        if (w == 0 || w == NSR_GRID.length - 1) {
            atEdge.add("Wiener's nsr");
        }
        if (r == RL_GRID.length - 1) {
            atEdge.add("Richardson-Lucy's iterations");
        }
        if (t == 0 || t == LAMBDA_GRID.length - 1) {
            atEdge.add("TV's lambda");
        }
        return new Tuned(NSR_GRID[w], RL_GRID[r], LAMBDA_GRID[t],
                atEdge.isEmpty() ? "" : " (at the end of its grid: " + String.join(", ", atEdge) + ")");
    }

    /** The sum of each of the rows' columns, added in row order. */
    private static double[] columnSums(double[][] rows, int columns) {
        double[] sums = new double[columns];
        for (double[] row : rows) {
            for (int g = 0; g < sums.length; g++) {
                sums[g] += row[g];
            }
        }
        return sums;
    }

    private static int best(double[] scores) {
        int b = 0;
        for (int i = 1; i < scores.length; i++) {
            b = scores[i] > scores[b] ? i : b;
        }
        return b;
    }

    /**
     * What the table shows, in a few lines: where the blind network (the last method) stands
     * against the best classical method given the kernel, by mean PSNR and SSIM; and, when there
     * is one, where the network given the kernel stands against both.
     */
    static String verdict(String[] methods, double[][] psnr, double[][] ssim) {
        int net = methods.length - 1;
        int bestClassical = -1;
        int nonBlind = -1;
        for (int m = 0; m < net; m++) {
            if (methods[m].startsWith("network")) {
                nonBlind = m;
            } else if (methods[m].endsWith("(given the kernel)") && (bestClassical < 0 || mean(psnr[m]) > mean(psnr[bestClassical]))) {
                bestClassical = m;
            }
        }
        String best = methods[bestClassical].replace(" (given the kernel)", "");
        StringBuilder s = new StringBuilder(compare("the blind network", best + ", the best classical method given the kernel",
                net, bestClassical, psnr, ssim));
        if (nonBlind >= 0) {
            s.append('\n').append(compare("the network given the kernel", best, nonBlind, bestClassical, psnr, ssim));
            s.append('\n').append(compare("the network given the kernel", "the blind network", nonBlind, net, psnr, ssim));
        }
        return s.toString();
    }

    /**
     * "a beats b" or "a does not beat b" (with "a tie in PSNR" when the interval holds zero), the
     * mean differences in PSNR and SSIM and the paired 95% interval of the PSNR difference, for
     * methods i and j. Beats: both means higher and the interval above zero. (A mean 0.02 dB
     * higher whose interval runs from -0.17 to +0.20 is a tie, not a win.)
     */
    private static String compare(String a, String b, int i, int j, double[][] psnr, double[][] ssim) {
        double dp = mean(psnr[i]) - mean(psnr[j]);
        double ds = mean(ssim[i]) - mean(ssim[j]);
        int n = psnr[i].length;
        double[] diff = new double[n];
        for (int k = 0; k < n; k++) {
            diff[k] = psnr[i][k] - psnr[j][k];
        }
        double half = n > 1 ? Stats.tQuantile975(n - 1) * Stats.of(diff).sd() / Math.sqrt(n) : Double.POSITIVE_INFINITY;
        boolean beats = dp - half > 0 && ds > 0;
        boolean tie = dp - half <= 0 && dp + half >= 0;
        return String.format(Locale.ROOT, "%s %s %s:%n  %+.2f dB PSNR [95%% interval %+.2f, %+.2f], %+.4f SSIM%s", a,
                beats ? "beats" : "does not beat", b, dp, dp - half, dp + half, ds, tie ? "; a tie in PSNR" : "");
    }

    /** The test images' kernels and noise: never those of training. */
    private static Random testKernels(long seed) {
        return new Random(seed + 1_000_003);
    }

    /**
     * {@code ./vecgrad predict} on a deblur checkpoint (either network): the first {@code limit}
     * test images blurred as at training (same seed and noise), restored; PSNR and SSIM before
     * and after. The network given the kernel gets the Wiener restoration (the checkpoint's nsr)
     * of each image as deblur gave it.
     */
    static int predict(Path checkpoint, SafeTensors.Contents contents, Path dataDir, int limit)
            throws java.io.IOException {
        Map<String, String> meta = contents.metadata();
        // each entry parsed with its name in the error and held to what deblur writes; the sizes checked against the
        // values the file holds before the network is built
        int inChannels = (int) entry(checkpoint, meta, "vecgrad.in_channels", "1", 1, 2, true);
        int width = (int) entry(checkpoint, meta, "vecgrad.width", "16", 1, 256, true);
        int depth = (int) entry(checkpoint, meta, "vecgrad.depth", "2", 1, 2, true);
        double noise = entry(checkpoint, meta, "vecgrad.noise", "0.01", 0, 0.5, false);
        long seed;
        try {
            seed = Long.parseLong(meta.getOrDefault("vecgrad.seed", "0").trim());
        } catch (NumberFormatException e) {
            throw new dev.vecgrad.models.io.FileFormatException(checkpoint, "metadata vecgrad.seed is '" + meta.get("vecgrad.seed")
                    + "', not a whole number");
        }
        double nsr = entry(checkpoint, meta, "vecgrad.wiener_nsr", "0.01", 1e-12, 1e6, false);
        int kernelSize = (int) entry(checkpoint, meta, "vecgrad.kernel_size", "" + Blur.K, 3, SIDE, true);
        if (kernelSize % 2 == 0) {
            throw new dev.vecgrad.models.io.FileFormatException(checkpoint, "metadata vecgrad.kernel_size is " + kernelSize + ", not odd");
        }
        long stored = contents.tensors().values().stream().mapToLong(Tensor::numel).sum();
        long needed = UNet.stateCount(inChannels, width, depth);
        if (needed != stored) {
            throw new dev.vecgrad.models.io.FileFormatException(checkpoint, "the metadata describes a U-Net (in_channels " + inChannels
                    + ", width " + width + ", depth " + depth + ") of " + needed + " values, the tensors hold " + stored
                    + ": metadata and weights disagree");
        }
        UNet net = new UNet(inChannels, width, depth, new Random(0));
        Checkpoints.apply(checkpoint, contents, net);
        net.eval();
        int n = Math.max(1, Math.min(limit, 10_000));
        Pairs test = pairs(DataSource.fashionMnist(dataDir, "t10k", FashionMnist.Scaling.UNIT), n, testKernels(seed), noise, kernelSize);
        double[][] restored = restore(net, test, inChannels == 2 ? wiener(test, nsr) : null);
        double[] sum = new double[4];
        System.out.println("checkpoint " + checkpoint + ": deblurring U-Net (" + (inChannels == 2 ? "given the kernel" : "blind")
                + ", width " + width + "), " + n + " blurred test images (noise " + noise + ", " + kernelSize + "x" + kernelSize + " kernels)");
        for (int i = 0; i < n; i++) {
            double[] blurred = Quality.clip(test.blurred.get(i));
            double pb = Quality.psnr(blurred, test.sharp.get(i));
            double pr = Quality.psnr(restored[i], test.sharp.get(i));
            double sb = Quality.ssim(blurred, test.sharp.get(i), SIDE);
            double sr = Quality.ssim(restored[i], test.sharp.get(i), SIDE);
            sum[0] += pb;
            sum[1] += pr;
            sum[2] += sb;
            sum[3] += sr;
            if (i < 5) {
                System.out.printf(Locale.ROOT, "#%d  PSNR %.2f -> %.2f dB  SSIM %.3f -> %.3f%n", i, pb, pr, sb, sr);
            }
        }
        System.out.printf(Locale.ROOT, "mean over %d images: PSNR %.2f -> %.2f dB, SSIM %.4f -> %.4f%n", n, sum[0] / n, sum[1] / n,
                sum[2] / n, sum[3] / n);
        return 0;
    }

    /**
     * A number from a checkpoint's metadata (fallback when absent), within [min, max] and whole when asked: else one line
     * naming the file, the entry and its value.
     */
    private static double entry(Path file, Map<String, String> meta, String key, String fallback, double min, double max, boolean whole)
            throws dev.vecgrad.models.io.FileFormatException {
        String text = meta.getOrDefault(key, fallback);
        double v;
        try {
            v = whole ? Long.parseLong(text.trim()) : Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v >= min && v <= max)) {
            throw new dev.vecgrad.models.io.FileFormatException(file, "metadata " + key + " is '" + text + "', not a " + (whole ? "whole " : "")
                    + "number from " + fmt(min) + " to " + fmt(max));
        }
        return v;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private record Pairs(List<double[]> sharp, List<double[]> blurred, List<double[]> kernels, List<String> kinds) {}

    /** The first n images of d, each blurred by a fresh random kernel, plus Gaussian noise. */
    private static Pairs pairs(Dataset d, int n, Random rng, double noise, int kernelSize) {
        List<double[]> sharp = new ArrayList<>();
        List<double[]> blurred = new ArrayList<>();
        List<double[]> kernels = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] x = new double[SIDE * SIDE];
            for (int j = 0; j < x.length; j++) {
                x[j] = d.feature(i, j);
            }
            Blur.Kernel drawn = Blur.randomKernel(rng, kernelSize);
            double[] k = drawn.weights();
            double[] y = Blur.convolve(x, SIDE, k, false);
            for (int j = 0; j < y.length; j++) {
                y[j] += noise * rng.nextGaussian();
            }
            sharp.add(x);
            blurred.add(y);
            kernels.add(k);
            kinds.add(drawn.kind());
        }
        return new Pairs(sharp, blurred, kernels, kinds);
    }

    private static void copy(double[] src, float[] dst, int slot) {
        for (int i = 0; i < src.length; i++) {
            dst[slot * src.length + i] = (float) src[i];
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
