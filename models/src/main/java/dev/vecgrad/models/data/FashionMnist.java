package dev.vecgrad.models.data;

import dev.vecgrad.models.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Fashion-MNIST (Zalando): 60,000 training and 10,000 test images of 28 x 28 grey pixels in 10
 * classes, read from the four IDX files, gzip-compressed or not. Debian's
 * {@value #DEBIAN_PACKAGE} package installs them in {@link #SYSTEM_DIR}.
 */
public final class FashionMnist {

    private FashionMnist() {}

    /** Where {@code apt-get install dataset-fashion-mnist} puts the files. */
    public static final Path SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";

    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The shape of one sample, {28, 28} (a fresh array). */
    public static int[] sampleShape() {
        return new int[] {28, 28};
    }

    /** The file stems: images and labels of the training and the test split. */
    static final String[] FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte"};

    /**
     * CRC-32C of each file's content, inflated: what Zalando's archives and any re-compressed
     * copy (such as Debian's) hold. They were computed from content whose MD5 is the published
     * one (train-images f4a8712d7a061bf5bd6d2ca38dc4d50a, train-labels
     * 9018921c3c673c538a1fc5bad174d6f9, t10k-images 8181f5470baa50b63fa0f6fddb340f0a, t10k-labels
     * 15d484375f8d13e6eb1aabb0c3f46965). The check is against accidents (another dataset in the
     * same format, a truncated or edited copy), not against tampering, and CRC-32C has a hardware
     * instruction that even the interpreter uses: 4 ms for the 47 MB of training images on a cold
     * JVM, against 135-141 ms for MD5, most of it before MD5's intrinsic is compiled (AVX-512
     * Zen 4-class core).
     */
    static final Map<String, Integer> CRC32C_RAW = Map.of(
            "train-images-idx3-ubyte", 0x7af1f2bf,
            "train-labels-idx1-ubyte", 0x219e9393,
            "t10k-images-idx3-ubyte", 0xaf8d0264,
            "t10k-labels-idx1-ubyte", 0x0780b6fc);

    /** The dimensions of each file's data, as its header gives them. */
    static final Map<String, int[]> DIMS = Map.of(
            "train-images-idx3-ubyte", new int[] {60_000, 28, 28},
            "train-labels-idx1-ubyte", new int[] {60_000},
            "t10k-images-idx3-ubyte", new int[] {10_000, 28, 28},
            "t10k-labels-idx1-ubyte", new int[] {10_000});

    /** How pixel bytes 0..255 become inputs. */
    public enum Scaling {
        /** p / 255, in [0, 1] (torchvision's ToTensor). */
        UNIT(1f / 255, 0f),
        /** (p / 255 - 0.5) / 0.5, in [-1, 1] (ToTensor then Normalize((0.5,), (0.5,)), the PyTorch tutorials'). */
        SYMMETRIC(2f / 255, -1f);

        final float scale;
        final float shift;

        Scaling(float scale, float shift) {
            this.scale = scale;
            this.shift = shift;
        }

        /** A raw pixel value, 0 to 255, scaled. */
        public float apply(float pixel) {
            return pixel * scale + shift;
        }

        /** The scaled value of pixel 0. */
        public float min() {
            return shift;
        }

        /** The scaled value of pixel 255. */
        public float max() {
            return apply(255);
        }
    }

    /** The training and the test split. */
    public record Splits(Dataset train, Dataset test) {}

    /** True when {@code dir} holds all four files (each gzip-compressed or raw). */
    public static boolean isPresent(Path dir) {
        for (String stem : FILES) {
            if (find(dir, stem) == null) {
                return false;
            }
        }
        return true;
    }

    private static Path find(Path dir, String stem) {
        for (Path p : new Path[] {dir.resolve(stem + ".gz"), dir.resolve(stem)}) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Loads both splits from {@code dir}.
     *
     * @param verifyChecksums compare each file's CRC-32C with Fashion-MNIST's first
     * @throws FileFormatException naming the file: missing, corrupt, a wrong checksum, image and
     *         label counts that differ, an image that is not 28 x 28, a label outside 0..9
     */
    public static Splits load(Path dir, Scaling scaling, boolean verifyChecksums) throws IOException {
        return load(dir, scaling, verifyChecksums, null);
    }

    /**
     * As {@link #load(Path, Scaling, boolean)}, keeping the inflated content of each gzip file in
     * {@code cacheDir} (null: none) for the next load, as torchvision keeps its processed copies:
     * inflating the 26 MB of training images took 0.24 s of a 5 s cold demo on one core, reading
     * the 47 MB copy takes about 0.02 s. A copy is named after its file's real path, size,
     * modification time and gzip trailer, so a changed file is inflated again. It gets the checks
     * reading the file would: gzip's (the size and CRC-32 the trailer records), then the CRC-32C
     * when {@code verifyChecksums}, and the header; one that fails is deleted and the file read
     * instead. Copies are written atomically; a cache that cannot be written or changed is left
     * alone (the load is the same without it). One copy per file name is kept (writing one
     * removes the others of that name), about 55 MB for the four files; two folders of the same
     * files used in turn would inflate again each time.
     */
    public static Splits load(Path dir, Scaling scaling, boolean verifyChecksums, Path cacheDir) throws IOException {
        return new Splits(load(dir, "train", scaling, verifyChecksums, cacheDir), load(dir, "t10k", scaling, verifyChecksums, cacheDir));
    }

    /** One split, {@code "train"} or {@code "t10k"} (the test set). */
    public static Dataset load(Path dir, String split, Scaling scaling, boolean verifyChecksums) throws IOException {
        return load(dir, split, scaling, verifyChecksums, null);
    }

    /** One split, with the cache of {@link #load(Path, Scaling, boolean, Path)}. */
    public static Dataset load(Path dir, String split, Scaling scaling, boolean verifyChecksums, Path cacheDir)
            throws IOException {
        if (!split.equals("train") && !split.equals("t10k")) {
            throw new IllegalArgumentException("Fashion-MNIST split must be train or t10k, got '" + split + "'");
        }
        Path imagesFile = require(dir, split + "-images-idx3-ubyte");
        Path labelsFile = require(dir, split + "-labels-idx1-ubyte");
        Idx images = read(imagesFile, verifyChecksums, cacheDir);
        Idx labels = read(labelsFile, verifyChecksums, cacheDir);
        if (images.type() != Idx.UBYTE || images.dims().length != 3 || images.dims()[1] != 28 || images.dims()[2] != 28) {
            throw new FileFormatException(imagesFile, "expected N x 28 x 28 ubyte images, found " + images);
        }
        if (labels.dims().length != 1) {
            throw new FileFormatException(labelsFile, "expected a vector of labels, found " + labels);
        }
        if (images.count() != labels.count()) {
            throw new FileFormatException(labelsFile, "holds " + labels.count() + " labels but " + imagesFile.getFileName()
                    + " holds " + images.count() + " images");
        }
        int[] y = labels.toInts();
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] > 9) {
                throw new FileFormatException(labelsFile, "label " + y[i] + " of item " + i + " is outside 0..9");
            }
        }
        String name = "fashion-mnist/" + (split.equals("train") ? "train" : "test");
        return Dataset.classificationOfUnsignedBytes(name, images.data(), scaling.scale, scaling.shift, sampleShape(), y,
                CLASS_NAMES.size(), CLASS_NAMES);
    }

    private static Path require(Path dir, String stem) throws IOException {
        Path p = find(dir, stem);
        if (p == null) {
            throw new java.nio.file.NoSuchFileException(dir.resolve(stem + ".gz").toString(), null,
                    "Fashion-MNIST file missing (neither " + stem + ".gz nor " + stem + " in " + dir + ")");
        }
        return p;
    }

    /**
     * Checks a Fashion-MNIST file's content (inflated when it is gzip) against the CRC-32C of
     * Fashion-MNIST's (see {@link #CRC32C_RAW}). Only the content is checked: distributions
     * recompress the archives (Debian's differ from the published ones); gzip's own CRC already
     * guards the archive.
     *
     * @throws FileFormatException if it does not match
     */
    public static void verify(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        verify(file, raw, Idx.contents(file, raw));
    }

    /**
     * Checks the four files of {@code dir} as far as their sizes and headers go, without
     * inflating them (a few milliseconds): what {@link #load} would refuse before reading a file
     * whole. A command checks this before it starts work beside the loading (the JIT warm-up
     * grew a refused run to 460 MB).
     */
    public static void checkHeaders(Path dir, boolean verifyChecksums) throws IOException {
        for (String split : List.of("train", "t10k")) {
            checkSize(require(dir, split + "-images-idx3-ubyte"), verifyChecksums);
            checkSize(require(dir, split + "-labels-idx1-ubyte"), verifyChecksums);
        }
    }

    /** The file's size, and the dimensions its header announces when the checksums are checked (they would refuse others). */
    private static void checkSize(Path file, boolean verifyChecksum) throws IOException {
        long size = Files.size(file);
        if (size > Idx.MAX_ARRAY) {
            throw new FileFormatException(file, size + " bytes, more than the 2 GiB an IDX file this reader holds can be");
        }
        int[] dims = DIMS.get(stem(file));
        int[] announced = verifyChecksum && dims != null ? Idx.headerDims(file) : null;
        if (announced != null && !java.util.Arrays.equals(announced, dims)) {
            throw new FileFormatException(file, "the header announces dimensions " + java.util.Arrays.toString(announced) + ", Fashion-MNIST's "
                    + stem(file) + " has " + java.util.Arrays.toString(dims));
        }
    }

    /**
     * Reads an IDX file once, inflating it once, and checks its CRC-32C first when asked; a gzip
     * file's content comes from, or goes to, {@code cacheDir} when it is not null.
     */
    private static Idx read(Path file, boolean verifyChecksum, Path cacheDir) throws IOException {
        // sizes first, from the file's size and its header alone: a small gzip file announcing 2 GB was inflated (3 GB,
        // 33 s) before its checksum refused it, and a sparse 3 GB raw file ended in an OutOfMemoryError
        checkSize(file, verifyChecksum);
        Trailer trailer = cacheDir == null || !file.getFileName().toString().endsWith(".gz") ? null : Trailer.of(file);
        Path copy = trailer == null ? null : cachedCopy(file, trailer, cacheDir);
        if (copy != null && Files.isRegularFile(copy)) {
            try {
                // gzip's own checks, on the copy: its size and CRC-32 are the ones the file's trailer records
                if (Files.size(copy) != trailer.size()) {
                    throw new FileFormatException(copy, "not the size its gzip file records");   // never read it whole
                }
                byte[] content = Files.readAllBytes(copy);
                CRC32 crc = new CRC32();
                crc.update(content);
                if ((int) crc.getValue() != trailer.crc32()) {
                    throw new FileFormatException(copy, "not the content its gzip file records");
                }
                if (verifyChecksum) {
                    verify(file, content, content);
                }
                return Idx.parse(file, content);
            } catch (IOException e) {
                forget(copy);   // damaged or stale: the file itself decides
            }
        }
        byte[] raw = Files.readAllBytes(file);
        byte[] content = Idx.contents(file, raw);
        if (verifyChecksum) {
            verify(file, raw, content);
        }
        Idx idx = Idx.parse(file, content);
        if (copy != null && content != raw && content.length == trailer.size()) {   // one gzip member: the trailer covers it all
            keep(copy, stem(file), content);
        }
        return idx;
    }

    /**
     * The size and CRC-32 of a gzip file's content, from its last 8 bytes (its last member's, in
     * fact), and the file's own size.
     */
    private record Trailer(long size, int crc32, long fileSize) {
        static Trailer of(Path gz) throws IOException {
            try (var ch = java.nio.channels.FileChannel.open(gz)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                if (ch.size() < 18) {
                    return null;   // no gzip file: Idx reads and reports it
                }
                ch.read(b, ch.size() - 8);
                return b.position() < 8 ? null : new Trailer(Integer.toUnsignedLong(b.getInt(4)), b.getInt(0), ch.size());
            }
        }
    }

    /**
     * Where the inflated content of {@code file} is kept: the stem, then a key of the file's real
     * path, size, time and trailer.
     */
    private static Path cachedCopy(Path file, Trailer trailer, Path cacheDir) throws IOException {
        CRC32C key = new CRC32C();
        key.update((file.toRealPath() + "|" + trailer.fileSize() + "|" + Files.getLastModifiedTime(file).toMillis() + "|"
                + trailer.size() + "|" + trailer.crc32()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return cacheDir.resolve(stem(file) + "." + Long.toHexString(key.getValue()) + ".idx");
    }

    /** Deletes a copy that failed; one that cannot be deleted is left (the next load checks it again). */
    private static void forget(Path copy) {
        try {
            Files.deleteIfExists(copy);
        } catch (IOException | RuntimeException e) {
            // a cache folder that is not ours to change: the load goes on from the file
        }
    }

    /** Writes the copy (replacing the stem's copies of other keys); a cache that cannot be written is skipped. */
    private static void keep(Path copy, String stem, byte[] content) {
        try {
            dev.vecgrad.models.io.AtomicFiles.write(copy, out -> out.write(content));
            try (var old = Files.newDirectoryStream(copy.getParent(), stem + ".*.idx")) {
                for (Path p : old) {
                    if (!p.equals(copy)) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the cache is an optimization: the data is loaded all the same
        }
    }

    /** The file's name without ".gz": the name of the IDX file it holds. */
    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
    }

    /** {@code raw}: the file's bytes; {@code content}: the same inflated, or {@code raw} when it is not gzip. */
    private static void verify(Path file, byte[] raw, byte[] content) throws FileFormatException {
        Integer expected = CRC32C_RAW.get(stem(file));
        if (expected == null) {
            throw new IllegalArgumentException(file + " is not one of the Fashion-MNIST files " + List.of(FILES));
        }
        CRC32C crc = new CRC32C();
        crc.update(content, 0, content.length);
        int sum = (int) crc.getValue();
        if (sum == expected) {
            return;
        }
        throw new FileFormatException(file, String.format("CRC-32C of the %scontent %08x does not match Fashion-MNIST's"
                + " %08x", content != raw ? "inflated " : "", sum, expected));
    }
}
