package dev.vecgrad.models.data;

import dev.vecgrad.kernels.CacheFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The datasets the CLI knows by name, as a training and a test split, and the metadata that
 * lets {@code predict} get the same data back: {@code fashion-mnist} (files), and the
 * generated {@code moons}, {@code xor}, {@code and}, {@code or}, {@code blobs},
 * {@code linreg}. The command line names its data this way, and a study's trials load theirs
 * from it ({@code dev.vecgrad.models.study}).
 */
public record DataSource(String name, Path dir, int samples, double noise, long seed) {

    public static final List<String> NAMES = List.of("fashion-mnist", "moons", "xor", "and", "or", "blobs", "linreg");

    /** The notes' synthetic regression: w = [2, -3.4], b = 4.2. */
    public static final double[] LINREG_W = {2, -3.4};
    public static final double LINREG_B = 4.2;

    public DataSource {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown dataset '" + name + "' (" + String.join(", ", NAMES) + ")");
        }
    }

    /** Training and test data. */
    public record Splits(Dataset train, Dataset test) {}

    /**
     * Refuses now what {@link #load} would refuse from the files' sizes and headers alone (for
     * Fashion-MNIST: {@link FashionMnist#checkHeaders}); nothing to check for generated data.
     */
    public void check() throws IOException {
        if (name.equals("fashion-mnist")) {
            FashionMnist.checkHeaders(dir, true);
        }
    }

    public Splits load() throws IOException {
        if (name.equals("fashion-mnist")) {
            FashionMnist.Splits s = fashionMnist(dir, FashionMnist.Scaling.SYMMETRIC);
            return new Splits(s.train(), s.test());
        }
        return new Splits(load("train"), load("test"));
    }

    /**
     * One split, {@code "train"} or {@code "test"}, the same data as {@link #load()}'s, without
     * making (or reading) the other: {@code predict} of a checkpoint trained on 10 million moons
     * generated all 12 million samples to score the 2 million of the test split.
     */
    public Dataset load(String split) throws IOException {
        boolean train = switch (split) {
            case "train" -> true;
            case "test" -> false;
            default -> throw new IllegalArgumentException("split must be train or test, got '" + split + "'");
        };
        return switch (name) {
            case "fashion-mnist" -> fashionMnist(dir, train ? "train" : "t10k", FashionMnist.Scaling.SYMMETRIC);
            case "moons" -> train ? Datasets.moons(samples, noise, seed) : Datasets.moons(Math.max(2, samples / 5), noise, seed + 1);
            case "blobs" -> train ? Datasets.blobs(samples, 2, 3, 5, seed) : Datasets.blobs(Math.max(3, samples / 5), 2, 3, 5, seed + 1);
            case "linreg" -> train ? Datasets.linearRegression(samples, LINREG_W, LINREG_B, noise, seed)
                    : Datasets.linearRegression(Math.max(1, samples / 5), LINREG_W, LINREG_B, noise, seed + 1);
            case "xor" -> Datasets.xor();
            case "and" -> Datasets.and();
            default -> Datasets.or();
        };
    }

    /** Fashion-MNIST from {@code dir}, checked against its checksums, through the {@link #cacheDir()}: as every command loads it. */
    public static FashionMnist.Splits fashionMnist(Path dir, FashionMnist.Scaling scaling) throws IOException {
        return FashionMnist.load(dir, scaling, true, cacheDir());
    }

    /** One split of Fashion-MNIST ("train" or "t10k"), loaded as {@link #fashionMnist(Path, FashionMnist.Scaling)} does. */
    public static Dataset fashionMnist(Path dir, String split, FashionMnist.Scaling scaling) throws IOException {
        return FashionMnist.load(dir, split, scaling, true, cacheDir());
    }

    /**
     * Where inflated Fashion-MNIST files are kept between runs ({@link FashionMnist#load(Path,
     * FashionMnist.Scaling, boolean, Path)}): {@code fashion-mnist} in {@link CacheFolder#root()};
     * null (none) when there is no such folder.
     */
    public static Path cacheDir() {
        Path root = CacheFolder.root();
        return root == null ? null : root.resolve("fashion-mnist");
    }

    /** The logic gates have four points: they are trained and tested on all of them, without a validation split. */
    public boolean isGate() {
        return isGate(name);
    }

    /** Whether the dataset {@code name} is a logic gate (see {@link #isGate()}). */
    public static boolean isGate(String name) {
        return name.equals("xor") || name.equals("and") || name.equals("or");
    }

    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vecgrad.dataset", name);
        switch (name) {
            case "fashion-mnist" -> m.put("vecgrad.scaling", FashionMnist.Scaling.SYMMETRIC.name().toLowerCase());
            case "moons", "blobs", "linreg" -> {
                m.put("vecgrad.dataset.samples", Integer.toString(samples));
                m.put("vecgrad.dataset.noise", Double.toString(noise));
                m.put("vecgrad.dataset.seed", Long.toString(seed));
            }
            default -> { }
        }
        return m;
    }

    /** The data a checkpoint was trained on, from its metadata; {@code dir} for Fashion-MNIST. */
    public static DataSource fromMetadata(Map<String, String> m, Path dir) {
        String name = m.get("vecgrad.dataset");
        if (name == null) {
            throw new IllegalArgumentException("the checkpoint does not say which dataset it was trained on; pass --dataset");
        }
        // each entry parsed with its name in the error, and the sample count held to what train accepts: it decides
        // how much the generator allocates
        String samples = m.getOrDefault("vecgrad.dataset.samples", "1000");
        String noise = m.getOrDefault("vecgrad.dataset.noise", "0.2");
        String seed = m.getOrDefault("vecgrad.dataset.seed", "0");
        int n;
        double sigma;
        long s;
        try {
            n = Integer.parseInt(samples.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 10 || n > MAX_SAMPLES) {
            throw new IllegalArgumentException("vecgrad.dataset.samples '" + samples + "' is not a whole number from 10 to " + MAX_SAMPLES);
        }
        try {
            sigma = Double.parseDouble(noise.trim());
        } catch (NumberFormatException e) {
            sigma = Double.NaN;
        }
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("vecgrad.dataset.noise '" + noise + "' is not a finite number >= 0");
        }
        try {
            s = Long.parseLong(seed.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("vecgrad.dataset.seed '" + seed + "' is not a whole number");
        }
        return new DataSource(name, dir, n, sigma, s);
    }

    /** The most training samples a generated dataset may have (train's --samples bound). */
    public static final int MAX_SAMPLES = 10_000_000;

    /** The error every command gives when {@code dir} has no Fashion-MNIST: the folder, and how to get the files. */
    public static java.nio.file.NoSuchFileException noFashionMnist(Path dir) {
        return new java.nio.file.NoSuchFileException(dir.toString(), null, "no Fashion-MNIST files here (as root: apt-get install "
                + FashionMnist.DEBIAN_PACKAGE + ", or --data DIR with the four IDX files)");
    }
}
