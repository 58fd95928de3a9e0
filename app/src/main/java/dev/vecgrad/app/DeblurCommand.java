package dev.vecgrad.app;

import dev.vecgrad.app.deblur.Blur;
import dev.vecgrad.app.deblur.Classical;
import dev.vecgrad.app.deblur.Quality;
import dev.vecgrad.app.report.Plots;
import dev.vecgrad.autograd.Grad;
import dev.vecgrad.autograd.Losses;
import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.models.data.DataSource;
import dev.vecgrad.models.data.Dataset;
import dev.vecgrad.models.data.FashionMnist;
import dev.vecgrad.models.io.AtomicFiles;
import dev.vecgrad.models.io.Checkpoints;
import dev.vecgrad.models.io.Json;
import dev.vecgrad.models.io.SafeTensors;
import dev.vecgrad.models.optim.Optimizer;
import dev.vecgrad.models.optim.Optimizers;
import dev.vecgrad.models.study.Stats;
import dev.vecgrad.models.zoo.DeblurNet;
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
 * {@code ./vecgrad deblur}: blind deconvolution (seed 004). Fashion-MNIST images are blurred with
 * random kernels (Gaussian, motion, defocus; a new kernel per image, drawn with a seed) plus
 * Gaussian noise; a residual CNN learns to restore them without knowing the kernel, and is
 * compared on test images (whose kernels it never saw) with three classical restorations GIVEN
 * the true kernel, each as its practitioners run it ({@link Classical}: Wiener in a padded
 * domain, Richardson-Lucy with the zero-boundary normalisation, total variation), their settings
 * tuned on training images. Reports PSNR and SSIM and one line saying where the network stands,
 * writes deblur.csv, deblur.json, grid.png and the network's checkpoint.
 */
@Command(name = "deblur", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Blind deblurring of Fashion-MNIST: a CNN that never sees the blur kernels",
                "against Wiener, Richardson-Lucy and total variation given the true kernel",
                "(tuned on training images); PSNR and SSIM on the test images, a PNG grid."})
final class DeblurCommand implements Callable<Integer> {

    @Option(names = "--train", defaultValue = "12000", description = "Training images (default: ${DEFAULT-VALUE}).")
    int trainCount;

    @Option(names = "--test", defaultValue = "1000", description = "Test images (default: ${DEFAULT-VALUE}).")
    int testCount;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--channels", defaultValue = "32", description = "The network's width (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--noise", defaultValue = "0.01", description = "Noise standard deviation, images in [0, 1] (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Mixin
    CommonOptions common;

    private static final int SIDE = 28;

    @Override
    public Integer call() throws Exception {
        String bad = trainCount < 100 || trainCount > 60_000 ? "--train must be 100 to 60000"
                : testCount < 10 || testCount > 10_000 ? "--test must be 10 to 10000"
                : epochs < 1 ? "--epochs must be >= 1" : channels < 1 || channels > 256 ? "--channels must be 1 to 256"
                : !(noise >= 0 && noise <= 0.5) ? "--noise must be 0 to 0.5" : !(lr > 0) || Double.isInfinite(lr) ? "--lr must be positive"
                : common.problem();
        if (bad != null) {
            System.err.println("vecgrad deblur: " + bad);
            return 2;
        }
        common.applyThreads();
        Path dir = common.fashionMnistDir();
        if (!Packages.ensureFashionMnist(dir, !common.noInstall, System.err)) {
            throw DataSource.noFashionMnist(dir);
        }
        Path out = common.outDir(Path.of("runs", "deblur"));
        long start = System.nanoTime();
        FashionMnist.Splits data = DataSource.fashionMnist(dir, FashionMnist.Scaling.UNIT);
        Random blurRng = new Random(common.seed);
        Pairs train = pairs(data.train(), trainCount, blurRng, noise);
        Pairs test = pairs(data.test(), testCount, testKernels(common.seed), noise);
        System.out.printf(Locale.ROOT, "%d training and %d test images, each blurred by its own random kernel, noise sigma %.3f%n",
                trainCount, testCount, noise);
        // every classical method's setting tuned on training images (never on the test set)
        Tuned tuned = tune(train, Math.min(100, trainCount));
        System.out.printf(Locale.ROOT, "tuned on %d training images: Wiener nsr %.3g, Richardson-Lucy %d iterations, TV lambda %.3g%s%n",
                Math.min(100, trainCount), tuned.nsr(), tuned.rlIterations(), tuned.lambda(), tuned.warning());
        DeblurNet net = new DeblurNet(channels, new Random(common.seed));
        Optimizer opt = new Optimizers.Adam(net.parameters(), lr);
        Random shuffle = new Random(common.seed + 7);
        int batch = 32;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long t0 = System.nanoTime();
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < trainCount; i++) {
                order.add(i);
            }
            java.util.Collections.shuffle(order, shuffle);
            double sum = 0;
            int steps = 0;
            for (int b = 0; b + batch <= trainCount; b += batch) {
                float[] x = new float[batch * SIDE * SIDE];
                float[] y = new float[batch * SIDE * SIDE];
                for (int j = 0; j < batch; j++) {
                    copy(train.blurred.get(order.get(b + j)), x, j);
                    copy(train.sharp.get(order.get(b + j)), y, j);
                }
                opt.zeroGrad();
                Tensor loss = Losses.mse(net.forward(Tensor.fromArray(x, batch, 1, SIDE, SIDE)), Tensor.fromArray(y, batch, 1, SIDE, SIDE));
                loss.backward();
                opt.step();
                sum += loss.item();
                steps++;
            }
            System.out.printf(Locale.ROOT, "epoch %d/%d  train mse %.5f  %.1f s%n", epoch, epochs, sum / steps, (System.nanoTime() - t0) / 1e9);
        }
        net.eval();
        String[] methods = {"blurred input", "Wiener (given the kernel)", "Richardson-Lucy (given the kernel)", "TV (given the kernel)",
            "network (blind)"};
        int count = methods.length;
        double[][] psnr = new double[count][testCount];
        double[][] ssim = new double[count][testCount];
        List<double[][]> examples = new ArrayList<>();
        float[][] outputs = new float[count][testCount * SIDE * SIDE];   // restorations.safetensors: every method's output
        for (int i = 0; i < testCount; i++) {
            double[] sharp = test.sharp.get(i);
            double[] blurred = test.blurred.get(i);
            double[] k = test.kernels.get(i);
            double[][] restored = {Quality.clip(blurred), Classical.wiener(blurred, SIDE, k, tuned.nsr()),
                Classical.richardsonLucy(blurred, SIDE, k, tuned.rlIterations()),
                Classical.totalVariation(blurred, SIDE, k, tuned.lambda(), TV_ITERATIONS), network(net, blurred)};
            for (int m = 0; m < count; m++) {
                psnr[m][i] = Quality.psnr(restored[m], sharp);
                ssim[m][i] = Quality.ssim(restored[m], sharp, SIDE);
                copy(restored[m], outputs[m], i);
            }
            if (i < 8) {
                examples.add(new double[][] {restored[0], restored[1], restored[2], restored[3], restored[4], sharp});
            }
        }
        Report report = report(methods, psnr, ssim, test.kinds());
        System.out.println();
        System.out.print(report.table());
        System.out.println(verdict(methods, psnr, ssim));
        try (RunDirectory files = RunDirectory.create(out)) {
            Path staged = files.dir();
            AtomicFiles.writeString(staged.resolve("deblur.csv"), report.csv());
            AtomicFiles.writeString(staged.resolve("deblur.json"), report.json());
            // the test set and every method's output, for anyone to recompute the table with their own code
            Map<String, Tensor> tensors = new java.util.LinkedHashMap<>();
            tensors.put("sharp", stack(test.sharp(), SIDE));
            tensors.put("blurred", stack(test.blurred(), SIDE));
            tensors.put("kernels", stack(test.kernels(), Blur.K));
            String[] names = {null, "wiener", "rl", "tv", "network"};
            for (int m = 1; m < count; m++) {
                tensors.put(names[m], Tensor.fromArray(outputs[m], testCount, SIDE, SIDE));
            }
            SafeTensors.save(staged.resolve("restorations.safetensors"), tensors, Map.of("vecgrad.noise",
                    Double.toString(noise), "vecgrad.seed", Long.toString(common.seed), "vecgrad.kinds", String.join("|", test.kinds()),
                    "vecgrad.wiener_nsr", Double.toString(tuned.nsr()), "vecgrad.rl_iterations", Integer.toString(tuned.rlIterations()),
                    "vecgrad.tv_lambda", Double.toString(tuned.lambda()), "vecgrad.blurred_row",
                    "blurred is the input every method got, noise and all; the table's blurred-input row scores it clipped to [0, 1]"));
            Checkpoints.save(staged.resolve("model.safetensors"), net, Map.of("vecgrad.model", "deblurnet", "vecgrad.channels",
                    Integer.toString(channels), "vecgrad.noise", Double.toString(noise), "vecgrad.seed", Long.toString(common.seed)));
            // rows of examples: blurred, Wiener, Richardson-Lucy, TV, network, sharp; each image scaled 4x
            Plots.imageGrid(new String[] {"blurred", "Wiener (kernel)", "R-L (kernel)", "TV (kernel)", "network (blind)", "sharp"}, examples,
                    SIDE, 4, staged.resolve("grid.png"));
            files.commit();
        }
        System.out.printf(Locale.ROOT, "wrote %s, %s, %s, %s and the network's checkpoint; %.0f s in all%n", out.resolve("deblur.csv"),
                out.resolve("deblur.json"), out.resolve("grid.png"), out.resolve("restorations.safetensors"),
                (System.nanoTime() - start) / 1e9);
        return 0;
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
                table.append(String.format(Locale.ROOT, " %8.2f", kp));
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

    /** TV's iterations, on training and test images alike. */
    static final int TV_ITERATIONS = 200;

    /** The classical methods' settings, tuned on training images; a warning when a best value sits at the end of its grid. */
    record Tuned(double nsr, int rlIterations, double lambda, String warning) {}

    static final double[] NSR_GRID = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1};
    static final int[] RL_GRID = {5, 10, 20, 40, 60, 80, 120, 160, 200, 300};
    static final double[] LAMBDA_GRID = {0.0002, 0.0005, 0.001, 0.002, 0.005};

    /**
     * Each classical method's setting with the best mean PSNR on the first {@code n} training
     * pairs: Wiener's noise-to-signal ratio, Richardson-Lucy's iteration count (one run to the
     * grid's end gives every shorter count) and TV's weight (on a quarter of them: TV is the
     * slowest). A best value at an end of its grid is reported, since the grid may then not
     * bracket the optimum.
     */
    static Tuned tune(Pairs train, int n) {
        double[] wienerPsnr = new double[NSR_GRID.length];
        double[] rlPsnr = new double[RL_GRID.length];
        double[] tvPsnr = new double[LAMBDA_GRID.length];
        for (int i = 0; i < n; i++) {
            double[] y = train.blurred.get(i);
            double[] k = train.kernels.get(i);
            double[] x = train.sharp.get(i);
            for (int g = 0; g < NSR_GRID.length; g++) {
                wienerPsnr[g] += Quality.psnr(Classical.wiener(y, SIDE, k, NSR_GRID[g]), x);
            }
            double[][] rl = Classical.richardsonLucy(y, SIDE, k, RL_GRID);
            for (int g = 0; g < RL_GRID.length; g++) {
                rlPsnr[g] += Quality.psnr(rl[g], x);
            }
            if (i % 4 == 0) {
                for (int g = 0; g < LAMBDA_GRID.length; g++) {
                    tvPsnr[g] += Quality.psnr(Classical.totalVariation(y, SIDE, k, LAMBDA_GRID[g], TV_ITERATIONS), x);
                }
            }
        }
        int w = best(wienerPsnr);
        int r = best(rlPsnr);
        int t = best(tvPsnr);
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

    private static int best(double[] scores) {
        int b = 0;
        for (int i = 1; i < scores.length; i++) {
            b = scores[i] > scores[b] ? i : b;
        }
        return b;
    }

    /**
     * One line saying what the table shows: the best method by mean PSNR and by mean SSIM, and
     * where the blind network stands against the best method that was given the kernel.
     */
    static String verdict(String[] methods, double[][] psnr, double[][] ssim) {
        int net = methods.length - 1;
        int bestClassical = 1;
        for (int m = 2; m < net; m++) {
            bestClassical = mean(psnr[m]) > mean(psnr[bestClassical]) ? m : bestClassical;
        }
        double dp = mean(psnr[net]) - mean(psnr[bestClassical]);
        double ds = mean(ssim[net]) - mean(ssim[bestClassical]);
        return String.format(Locale.ROOT, "the blind network %s %s, the best method given the kernel:%n  %+.2f dB PSNR, %+.4f SSIM",
                dp > 0 && ds > 0 ? "beats" : "does not beat", methods[bestClassical].replace(" (given the kernel)", ""), dp, ds);
    }

    /** The test images' kernels and noise: never those of training. */
    private static Random testKernels(long seed) {
        return new Random(seed + 1_000_003);
    }

    /**
     * {@code ./vecgrad predict} on a deblur checkpoint: the first {@code limit} test images blurred
     * as at training (same seed and noise), restored; PSNR and SSIM before and after.
     */
    static int predict(Path checkpoint, SafeTensors.Contents contents, Path dataDir, int limit)
            throws java.io.IOException {
        Map<String, String> meta = contents.metadata();
        int channels = Integer.parseInt(meta.getOrDefault("vecgrad.channels", "32"));
        double noise = Double.parseDouble(meta.getOrDefault("vecgrad.noise", "0.01"));
        long seed = Long.parseLong(meta.getOrDefault("vecgrad.seed", "0"));
        DeblurNet net = new DeblurNet(channels, new Random(0));
        Checkpoints.apply(checkpoint, contents, net);
        net.eval();
        int n = Math.max(1, Math.min(limit, 10_000));
        Pairs test = pairs(DataSource.fashionMnist(dataDir, "t10k", FashionMnist.Scaling.UNIT), n, testKernels(seed), noise);
        double[] sum = new double[4];
        System.out.println("checkpoint " + checkpoint + ": deblurring network (" + channels + " channels), " + n
                + " blurred test images (noise " + noise + ")");
        for (int i = 0; i < n; i++) {
            double[] restored = network(net, test.blurred.get(i));
            double[] blurred = Quality.clip(test.blurred.get(i));
            double pb = Quality.psnr(blurred, test.sharp.get(i));
            double pr = Quality.psnr(restored, test.sharp.get(i));
            double sb = Quality.ssim(blurred, test.sharp.get(i), SIDE);
            double sr = Quality.ssim(restored, test.sharp.get(i), SIDE);
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

    private record Pairs(List<double[]> sharp, List<double[]> blurred, List<double[]> kernels, List<String> kinds) {}

    /** The first n images of d, each blurred by a fresh random kernel, plus Gaussian noise. */
    private static Pairs pairs(Dataset d, int n, Random rng, double noise) {
        List<double[]> sharp = new ArrayList<>();
        List<double[]> blurred = new ArrayList<>();
        List<double[]> kernels = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] x = new double[SIDE * SIDE];
            for (int j = 0; j < x.length; j++) {
                x[j] = d.feature(i, j);
            }
            Blur.Kernel drawn = Blur.randomKernel(rng);
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

    private static double[] network(DeblurNet net, double[] blurred) {
        float[] x = new float[blurred.length];
        copy(blurred, x, 0);
        try (var noGrad = Grad.disabled()) {
            double[] y = net.forward(Tensor.fromArray(x, 1, 1, SIDE, SIDE)).toDoubleArray();
            return Quality.clip(y);
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
