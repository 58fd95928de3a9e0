package dev.vecgrad.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.autograd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Datasets in memory: batches, shuffling, splits, generators. */
class DatasetTest {

    /** 10 samples whose single feature is their index, labelled index mod 3. */
    private static Dataset indexed(int n) {
        float[] x = new float[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = i % 3;
        }
        return Dataset.classification("idx", x, new int[] {1}, y, 3, null);
    }

    private static List<Integer> order(Iterable<Batch> batches, List<Integer> sizes) {
        List<Integer> seen = new ArrayList<>();
        for (Batch b : batches) {
            sizes.add(b.size());
            float[] v = b.x().toFloatArray();
            for (int i = 0; i < v.length; i++) {
                seen.add((int) v[i]);
                assertEquals((int) v[i] % 3, b.labels()[i], "label travels with its sample");
            }
        }
        return seen;
    }

    @Test
    void batchesCoverEverySampleOnceWithTheRemainderLast() {
        Dataset d = indexed(10);
        List<Integer> sizes = new ArrayList<>();
        List<Integer> seen = order(d.batches(4, null), sizes);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen);
        assertEquals(List.of(4, 4, 2), sizes);
        assertEquals(3, d.batchCount(4));
        List<Integer> online = new ArrayList<>();
        order(d.batches(1, null), online);
        assertEquals(10, online.size(), "online: one sample per step");
        List<Integer> full = new ArrayList<>();
        order(d.batches(d.size(), null), full);
        assertEquals(List.of(10), full, "full batch: one step");
    }

    @Test
    void shufflingIsAPermutationRepeatableBySeedAndNewEachEpoch() {
        Dataset d = indexed(50);
        Random a = new Random(7);
        List<Integer> e1 = order(d.batches(8, a), new ArrayList<>());
        List<Integer> e2 = order(d.batches(8, a), new ArrayList<>());
        assertEquals(new HashSet<>(e1), new HashSet<>(order(d.batches(8, null), new ArrayList<>())));
        assertEquals(50, new HashSet<>(e1).size());
        assertNotEquals(e1, e2, "a new order each epoch");
        Random b = new Random(7);
        assertEquals(e1, order(d.batches(8, b), new ArrayList<>()), "same seed, same order");
    }

    @Test
    void splitIsDisjointCompleteAndRepeatable() {
        Dataset d = indexed(100);
        Dataset.Split s = d.split(0.2, 3);
        assertEquals(80, s.train().size());
        assertEquals(20, s.validation().size());
        Set<Integer> all = new HashSet<>();
        for (Dataset part : List.of(s.train(), s.validation())) {
            for (float v : part.x().toFloatArray()) {
                assertTrue(all.add((int) v), "sample " + v + " in both parts");
            }
        }
        assertEquals(100, all.size());
        assertArrayEquals(s.validation().x().toFloatArray(), d.split(0.2, 3).validation().x().toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> d.split(1.0, 0));
    }

    @Test
    void aSubsetOfASubsetReadsTheRightSamples() {
        Dataset d = indexed(100);
        Dataset sub = d.subset("a", new int[] {5, 7, 9, 11}).subset("b", new int[] {3, 0, 3});
        assertEquals(3, sub.size());
        assertEquals(11f, sub.feature(0, 0));
        assertEquals(5f, sub.feature(1, 0));
        assertArrayEquals(new float[] {11, 5, 11}, sub.x().toFloatArray());
        assertArrayEquals(new int[] {11 % 3, 5 % 3, 11 % 3}, sub.labels());
        assertArrayEquals(new float[] {5, 11}, sub.batchOf(new int[] {1, 2}).x().toFloatArray());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> sub.subset("c", new int[] {3}));
        assertEquals("b: sample 3 of 3", e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> sub.batchOf(new int[] {0, 3}));
        assertEquals("b: sample 3 of 3", e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> d.batchOf(new int[] {-1}));
        assertEquals("idx: sample -1 of 100", e.getMessage());
        Dataset images = Dataset.classification("img", new float[] {0, 1, 2, 3, 4, 5, 6, 7}, new int[] {2, 2}, new int[] {0, 1}, 2, null);
        Tensor x = images.subset("one", new int[] {1}).x();
        assertArrayEquals(new int[] {1, 4}, x.shape(), "[size, features], as the whole dataset's x()");
        assertArrayEquals(new float[] {4, 5, 6, 7}, x.toFloatArray());
    }

    @Test
    void pixelsKeptAsBytesReadAsTheirFloatsToTheBit() {
        Random rnd = new Random(5);
        byte[] px = new byte[50 * 6];
        rnd.nextBytes(px);
        int[] labels = new int[50];
        for (int i = 0; i < 50; i++) {
            labels[i] = rnd.nextInt(3);
        }
        float scale = 1f / 255 / 0.5f;
        float shift = -1f;
        float[] floats = new float[px.length];
        for (int k = 0; k < px.length; k++) {
            floats[k] = (px[k] & 0xFF) * scale + shift;   // Idx.toFloats' arithmetic
        }
        Dataset asBytes = Dataset.classificationOfUnsignedBytes("b", px, scale, shift, new int[] {2, 3}, labels, 3, List.of("a", "b", "c"));
        Dataset asFloats = Dataset.classification("f", floats, new int[] {2, 3}, labels, 3, List.of("a", "b", "c"));
        int[] pick = {7, 3, 49, 0, 7};
        for (Dataset[] pair : new Dataset[][] {{asBytes, asFloats},
            {asBytes.subset("s", pick).subset("t", new int[] {4, 1, 2}), asFloats.subset("s", pick).subset("t", new int[] {4, 1, 2})},
            {asBytes.split(0.2, 9).train(), asFloats.split(0.2, 9).train()}}) {
            assertArrayEquals(pair[1].x().toFloatArray(), pair[0].x().toFloatArray());
            assertArrayEquals(pair[1].x().shape(), pair[0].x().shape());
            assertArrayEquals(pair[1].labels(), pair[0].labels());
            int[] batch = {pair[0].size() - 1, 0};
            assertArrayEquals(pair[1].batchOf(batch).x().toFloatArray(), pair[0].batchOf(batch).x().toFloatArray());
            assertEquals(pair[1].feature(1, 5), pair[0].feature(1, 5));
        }
    }

    @Test
    void gathersRowsWiderThanACacheLineOverSeveralTouchWindows() {
        // rows of 130 bytes and of 40 floats (several cache lines each); 1200 rows: the whole
        // set is gathered in several windows of batchOf's touch-ahead, the batch in one
        Random rnd = new Random(11);
        for (int features : new int[] {130, 40}) {
            int n = 1200;
            byte[] px = new byte[n * features];
            rnd.nextBytes(px);
            float[] floats = new float[px.length];
            for (int k = 0; k < px.length; k++) {
                floats[k] = (px[k] & 0xFF) * 0.5f - 3f;
            }
            int[] labels = new int[n];
            Dataset asBytes = Dataset.classificationOfUnsignedBytes("b", px, 0.5f, -3f, new int[] {features}, labels, 2, List.of("a", "b"));
            Dataset asFloats = Dataset.classification("f", floats, new int[] {features}, labels, 2, List.of("a", "b"));
            int[] batch = {n - 1, 0, 517, n - 1};
            float[] expected = new float[batch.length * features];
            for (int i = 0; i < batch.length; i++) {
                System.arraycopy(floats, batch[i] * features, expected, i * features, features);
            }
            for (Dataset d : new Dataset[] {asBytes, asFloats}) {
                assertArrayEquals(floats, d.x().toFloatArray(), d.name() + " x(), " + features + " features");
                assertArrayEquals(expected, d.batchOf(batch).x().toFloatArray(), d.name() + " batch, " + features + " features");
                Dataset tail = d.subset("tail", new int[] {n - 2, n - 1});
                assertArrayEquals(Arrays.copyOfRange(floats, (n - 1) * features, n * features),
                        tail.batchOf(new int[] {1}).x().toFloatArray(), d.name() + " subset's last row");
            }
        }
    }

    @Test
    void aSplitWithTheGeneratorsSeedIsStillRandom() {
        for (long seed = 0; seed < 4; seed++) {
            Dataset val = Datasets.moons(1000, 0.1, seed).split(0.2, seed).validation();
            double upper = Arrays.stream(val.labels()).filter(l -> l == 0).count() / (double) val.size();
            assertTrue(upper > 0.4 && upper < 0.6, "seed " + seed + ": " + upper + " of the validation set on the upper moon");
        }
    }

    @Test
    void badInputsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.classification("d", new float[4], new int[] {2}, new int[] {0, 5}, 3, null));
        assertEquals("d: label 5 of sample 1 is outside 0..2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.classification("d", new float[6], new int[] {2}, new int[] {0, 1}, 3, null));
        assertEquals("d: 3 samples but 2 labels", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.regression("r", new float[4], 2, new float[3], 1));
        assertEquals("r: 2 samples need 2 x 1 targets, got 3 values", e.getMessage());
        assertThrows(IllegalStateException.class, () -> Dataset.regression("r", new float[4], 2, new float[2], 1).labels());
    }

    @Test
    void regressionBatchesCarryTheirTargets() {
        Dataset d = Datasets.linearRegression(20, new double[] {2, -3.4}, 4.2, 0, 1);
        for (Batch b : d.batches(6, new Random(1))) {
            float[] x = b.x().toFloatArray();
            float[] y = b.targets().toFloatArray();
            for (int i = 0; i < b.size(); i++) {
                assertEquals(2 * x[2 * i] - 3.4 * x[2 * i + 1] + 4.2, y[i], 1e-5);
            }
        }
    }

    @Test
    void generatorsMakeWhatTheySay() {
        assertArrayEquals(new int[] {0, 1, 1, 0}, Datasets.xor().labels());
        assertArrayEquals(new int[] {0, 0, 0, 1}, Datasets.and().labels());
        assertArrayEquals(new int[] {0, 1, 1, 1}, Datasets.or().labels());
        Dataset m = Datasets.moons(101, 0, 5);
        assertEquals(101, m.size());
        int upper = 0;
        for (int i = 0; i < m.size(); i++) {
            double x = m.feature(i, 0);
            double y = m.feature(i, 1);
            if (m.label(i) == 0) {
                upper++;
                assertEquals(1, Math.hypot(x, y), 1e-6, "upper moon: the unit circle");
            } else {
                assertEquals(1, Math.hypot(x - 1, y - 0.5), 1e-6, "lower moon: the circle around (1, 0.5)");
            }
        }
        assertEquals(50, upper);
        assertArrayEquals(Datasets.moons(50, 0.3, 9).x().toFloatArray(), Datasets.moons(50, 0.3, 9).x().toFloatArray());
        Dataset blobs = Datasets.blobs(90, 4, 3, 10, 2);
        assertEquals(3, blobs.numClasses());
        assertEquals(4, blobs.features());
        assertEquals(30, Arrays.stream(blobs.labels()).filter(l -> l == 2).count());
    }
}
