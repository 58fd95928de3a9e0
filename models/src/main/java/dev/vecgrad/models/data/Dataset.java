package dev.vecgrad.models.data;

import dev.vecgrad.autograd.Tensor;
import dev.vecgrad.kernels.Conversions;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Samples held in memory as float32 (pixels as their bytes, read as float32: see
 * {@code classificationOfUnsignedBytes}), row-major: {@code size()} rows of {@code features()}
 * values, and per row either a class label ({@link #isClassification()}) or a row of
 * {@code targetWidth()} regression targets. Immutable; {@link #batches} hands out copies.
 *
 * <p>The three training modes of the notes are batch sizes: online = 1, full batch =
 * {@link #size()}, mini-batch in between.
 */
public final class Dataset {

    private final String name;
    private final int n;
    private final int[] sampleShape;
    private final int features;
    /** The feature values: x, or (when x is null) {@code (bytes[k] & 0xFF) * scale + shift}. */
    private final float[] x;
    private final byte[] bytes;
    private final float scale;
    private final float shift;
    /** Sample i is row {@code rows[i]} of the values; null: row i (see {@link #subset}). */
    private final int[] rows;
    private final int[] labels;
    private final int numClasses;
    private final List<String> classNames;
    private final float[] targets;
    private final int targetWidth;
    /** How many bytes of rows {@link #batchOf} touches ahead of copying them (see touchRows). */
    private static final int TOUCH_WINDOW_BYTES = 1 << 16;
    /** Where touchRows leaves its sum, so that the JIT keeps the loads; never read. */
    private static int touched;

    private Dataset(String name, int[] sampleShape, float[] x, int[] labels, int numClasses, List<String> classNames,
                    float[] targets, int targetWidth) {
        this(name, sampleShape, x, null, 0, 0, null, labels, numClasses, classNames, targets, targetWidth);
    }

    private Dataset(String name, int[] sampleShape, float[] x, byte[] bytes, float scale, float shift, int[] rows,
                    int[] labels, int numClasses, List<String> classNames, float[] targets, int targetWidth) {
        this.name = name;
        this.sampleShape = sampleShape.clone();
        int f = 1;
        for (int s : sampleShape) {
            if (s < 1) {
                throw new IllegalArgumentException(name + ": sample shape " + Arrays.toString(sampleShape) + " has a size < 1");
            }
            f *= s;
        }
        this.features = f;
        int values = x != null ? x.length : bytes.length;
        if (values % f != 0) {
            throw new IllegalArgumentException(name + ": " + values + " feature values are not a whole number of samples of "
                    + f + " features");
        }
        this.n = rows == null ? values / f : rows.length;
        this.x = x;
        this.bytes = bytes;
        this.scale = scale;
        this.shift = shift;
        this.rows = rows;
        this.labels = labels;
        this.numClasses = numClasses;
        this.classNames = classNames;
        this.targets = targets;
        this.targetWidth = targetWidth;
    }

    /**
     * A classification dataset. {@code x} holds {@code labels.length} samples of the shape
     * {@code sampleShape}; arrays are used as given, not copied.
     *
     * @param classNames one name per class, or null for "0", "1", ...
     * @throws IllegalArgumentException if the counts disagree or a label is outside [0, numClasses)
     */
    public static Dataset classification(String name, float[] x, int[] sampleShape, int[] labels, int numClasses,
                                         List<String> classNames) {
        return checkedLabels(new Dataset(name, sampleShape, x, labels, numClasses, classNames == null ? defaultNames(numClasses)
                : List.copyOf(classNames), null, 0));
    }

    /**
     * A classification dataset whose feature values are {@code (bytes[k] & 0xFF) * scale + shift}
     * (pixels), kept as bytes and converted as they are read: the same floats, to the bit, as
     * converting them all first, in a quarter of the memory, and without the 188 MB float array
     * that took about 0.16 s of a cold start for Fashion-MNIST's training set. {@code bytes} is used as
     * given, not copied.
     */
    static Dataset classificationOfUnsignedBytes(String name, byte[] bytes, float scale, float shift, int[] sampleShape,
                                                 int[] labels, int numClasses, List<String> classNames) {
        return checkedLabels(new Dataset(name, sampleShape, null, bytes, scale, shift, null, labels, numClasses,
                List.copyOf(classNames), null, 0));
    }

    private static Dataset checkedLabels(Dataset d) {
        String name = d.name;
        int[] labels = d.labels;
        int numClasses = d.numClasses;
        if (d.n != labels.length) {
            throw new IllegalArgumentException(name + ": " + d.n + " samples but " + labels.length + " labels");
        }
        if (d.classNames.size() != numClasses) {
            throw new IllegalArgumentException(name + ": " + numClasses + " classes but " + d.classNames.size() + " class names");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of sample " + i + " is outside 0.."
                        + (numClasses - 1));
            }
        }
        return d;
    }

    /**
     * A regression dataset: {@code x} holds samples of {@code features} values and {@code y}
     * as many rows of {@code targetWidth} targets. Arrays are used as given, not copied.
     */
    public static Dataset regression(String name, float[] x, int features, float[] y, int targetWidth) {
        Dataset d = new Dataset(name, new int[] {features}, x, null, 0, List.of(), y, targetWidth);
        if (targetWidth < 1 || y.length != (long) d.n * targetWidth) {
            throw new IllegalArgumentException(name + ": " + d.n + " samples need " + d.n + " x " + targetWidth
                    + " targets, got " + y.length + " values");
        }
        return d;
    }

    private static List<String> defaultNames(int k) {
        String[] names = new String[k];
        for (int i = 0; i < k; i++) {
            names[i] = Integer.toString(i);
        }
        return List.of(names);
    }

    public String name() {
        return name;
    }

    public int size() {
        return n;
    }

    /** Values per sample. */
    public int features() {
        return features;
    }

    /** The shape of one sample, e.g. [28, 28] for an image. */
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    public boolean isClassification() {
        return labels != null;
    }

    /** Number of classes; 0 for regression. */
    public int numClasses() {
        return numClasses;
    }

    public List<String> classNames() {
        return classNames;
    }

    /** Targets per sample: 1 for classification (the label as a float, for BCE / MSE on one output). */
    public int targetWidth() {
        return isClassification() ? 1 : targetWidth;
    }

    /** A copy of the class labels. */
    public int[] labels() {
        requireLabels();
        return labels.clone();
    }

    /** The label of sample {@code i}. */
    public int label(int i) {
        requireLabels();
        return labels[i];
    }

    /** Feature {@code j} of sample {@code i}. */
    public float feature(int i, int j) {
        int k = row(i) * features + j;
        return x != null ? x[k] : (bytes[k] & 0xFF) * scale + shift;
    }

    private int row(int i) {
        return rows == null ? i : rows[i];
    }

    /** Target {@code j} of sample {@code i} (for classification, the label when j = 0). */
    public float target(int i, int j) {
        return isClassification() ? labels[i] : targets[i * targetWidth + j];
    }

    private void requireLabels() {
        if (labels == null) {
            throw new IllegalStateException(name + " is a regression dataset: it has targets, not class labels");
        }
    }

    /** All samples as a [size, features] float32 tensor (a copy). */
    public Tensor x() {
        return rows == null && x != null ? Tensor.of(x, n, features) : batchOf(identity()).x().reshape(n, features);
    }

    /** All targets as a [size, targetWidth] float32 tensor (a copy). */
    public Tensor y() {
        return batchOf(identity()).targets();
    }

    private int[] identity() {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }

    /**
     * The samples at {@code indices}, in that order, as a new dataset named {@code name}. It
     * shares this dataset's feature values instead of copying them, as PyTorch's
     * {@code torch.utils.data.Subset} shares its dataset (a 90/10 split of Fashion-MNIST's
     * training set copied 188 MB, 0.17 s of a cold start on one core); labels and targets are
     * copied. A dataset never writes its values, but one made over a caller's array (see
     * {@link #classification}) sees what the caller later writes there, and so do its subsets.
     * The subset keeps all of this dataset's values in memory for as long as it lives.
     */
    public Dataset subset(String name, int[] indices) {
        int[] rs = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int src = indices[i];
            if (src < 0 || src >= n) {
                throw new IndexOutOfBoundsException(this.name + ": sample " + src + " of " + n);
            }
            rs[i] = row(src);
        }
        if (isClassification()) {
            int[] ls = new int[indices.length];
            for (int i = 0; i < indices.length; i++) {
                ls[i] = labels[indices[i]];
            }
            return new Dataset(name, sampleShape, x, bytes, scale, shift, rs, ls, numClasses, classNames, null, 0);
        }
        float[] ys = new float[indices.length * targetWidth];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(targets, indices[i] * targetWidth, ys, i * targetWidth, targetWidth);
        }
        return new Dataset(name, sampleShape, x, bytes, scale, shift, rs, null, 0, classNames, ys, targetWidth);
    }

    /** A training set and a validation set drawn from one dataset. */
    public record Split(Dataset train, Dataset validation) {}

    /**
     * Splits off a random {@code validationFraction} of the samples (at least one when the
     * fraction is positive) as a validation set; the same seed gives the same split.
     */
    public Split split(double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(name + ": the validation fraction must be in [0, 1), got " + validationFraction);
        }
        int nVal = validationFraction == 0 ? 0 : Math.max(1, (int) Math.round(n * validationFraction));
        if (nVal >= n) {
            throw new IllegalArgumentException(name + ": a validation fraction of " + validationFraction + " leaves no training sample of "
                    + n);
        }
        int[] perm = permutation(n, Seeds.random(seed, "split"));
        return new Split(subset(name + "/train", Arrays.copyOfRange(perm, nVal, n)),
                subset(name + "/val", Arrays.copyOfRange(perm, 0, nVal)));
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
    static int[] permutation(int n, Random rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * Mini-batches covering every sample once: in order when {@code shuffle} is null, else in
     * an order drawn from it (a new one each time the iterable is iterated). The last batch
     * holds the remainder. Each batch owns fresh arrays.
     */
    public Iterable<Batch> batches(int batchSize, Random shuffle) {
        if (batchSize < 1) {
            throw new IllegalArgumentException(name + ": batch size must be >= 1, got " + batchSize);
        }
        return () -> new Iterator<>() {
            final int[] order = shuffle == null ? identity() : permutation(n, shuffle);
            int next;

            @Override
            public boolean hasNext() {
                return next < n;
            }

            @Override
            public Batch next() {
                if (next >= n) {
                    throw new NoSuchElementException();
                }
                int end = Math.min(n, next + batchSize);
                Batch b = batchOf(Arrays.copyOfRange(order, next, end));
                next = end;
                return b;
            }
        };
    }

    /** Number of batches {@link #batches} yields. */
    public int batchCount(int batchSize) {
        return (n + batchSize - 1) / batchSize;
    }

    /**
     * The samples at {@code indices} as one batch.
     *
     * @throws IndexOutOfBoundsException naming the dataset and the first index outside [0, size)
     */
    public Batch batchOf(int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException(name + ": sample " + i + " of " + n);
            }
        }
        int b = indices.length;
        float[] xs = new float[b * features];
        int window = Math.max(1, TOUCH_WINDOW_BYTES / (features * (x != null ? Float.BYTES : 1)));
        for (int i0 = 0; i0 < b; i0 += window) {
            int i1 = Math.min(b, i0 + window);
            touchRows(indices, i0, i1);
            for (int i = i0; i < i1; i++) {
                if (x != null) {
                    System.arraycopy(x, row(indices[i]) * features, xs, i * features, features);
                } else {
                    Conversions.unsignedBytesToFloats(bytes, row(indices[i]) * features, xs, i * features, features, scale, shift);
                }
            }
        }
        int[] batchShape = new int[sampleShape.length + 1];
        batchShape[0] = b;
        System.arraycopy(sampleShape, 0, batchShape, 1, sampleShape.length);
        if (isClassification()) {
            int[] ls = new int[b];
            for (int i = 0; i < b; i++) {
                ls[i] = labels[indices[i]];
            }
            return new Batch(Tensor.fromArray(xs, batchShape), ls, null, 1);
        }
        float[] ys = new float[b * targetWidth];
        for (int i = 0; i < b; i++) {
            System.arraycopy(targets, indices[i] * targetWidth, ys, i * targetWidth, targetWidth);
        }
        return new Batch(Tensor.fromArray(xs, batchShape), null, ys, targetWidth);
    }

    /**
     * Reads one value in each 64-byte cache line of rows {@code indices[from..to)} before they
     * are copied. A shuffled batch's rows lie anywhere in the set (Fashion-MNIST's 47 MB of
     * pixels, more than the caches hold), and the copy, converting row after row, waited for each
     * row's memory in turn. These loads do not depend on each other, so the core has many of the
     * rows' cache misses in flight at once, and the copy finds the rows in cache. Java has no
     * prefetch instruction: the values are summed and the sum stored where the JIT must keep it.
     * {@link #batchOf} touches 64 KiB of rows at a time ({@code TOUCH_WINDOW_BYTES}), so that a
     * large gather (all of {@link #x()}) does not push its first rows out before it copies them.
     * Steady Fashion-MNIST epochs on one pinned AMD EPYC core, median of epochs 4-10 over 7 runs,
     * two such sets: 0.384 s [0.379-0.397] and 0.388 [0.375-0.408] against 0.408 [0.399-0.421]
     * and 0.402 [0.389-0.426] without (the ranges overlap; the medians moved by 4-6%).
     */
    private void touchRows(int[] indices, int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            int start = row(indices[i]) * features;
            int last = start + features - 1;
            if (x == null) {
                for (int k = start; k < last; k += 64) {
                    sum += bytes[k];
                }
                sum += bytes[last];
            } else {
                for (int k = start; k < last; k += 16) {
                    sum += Float.floatToRawIntBits(x[k]);
                }
                sum += Float.floatToRawIntBits(x[last]);
            }
        }
        touched = sum;
    }

    @Override
    public String toString() {
        return name + ": " + n + " samples of " + Arrays.toString(sampleShape)
                + (isClassification() ? ", " + numClasses + " classes" : ", " + targetWidth + " target(s)");
    }
}
