package dev.vecgrad.models.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vecgrad.models.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fashion-MNIST: a small fake directory for the checks, and the real files when Debian's package is installed. */
class FashionMnistTest {

    @TempDir
    Path dir;

    private void fake(int images, int labels, int badLabel) throws IOException {
        for (String split : new String[] {"train", "t10k"}) {
            byte[] px = new byte[images * 28 * 28];
            px[0] = (byte) 255;
            Files.write(dir.resolve(split + "-images-idx3-ubyte.gz"), IdxTest.gzip(IdxTest.idx(Idx.UBYTE, new int[] {images, 28, 28}, px)));
            byte[] ls = new byte[labels];
            for (int i = 0; i < labels; i++) {
                ls[i] = (byte) (i % 10);
            }
            ls[labels - 1] = (byte) badLabel;
            Files.write(dir.resolve(split + "-labels-idx1-ubyte"), IdxTest.idx(Idx.UBYTE, new int[] {labels}, ls));
        }
    }

    @Test
    void loadsGzippedAndRawFilesWithTheChosenScaling() throws IOException {
        fake(12, 12, 9);
        assertTrue(FashionMnist.isPresent(dir));
        FashionMnist.Splits s = FashionMnist.load(dir, FashionMnist.Scaling.SYMMETRIC, false);
        assertEquals(12, s.train().size());
        assertEquals(784, s.train().features());
        assertEquals(1f, s.train().feature(0, 0));
        assertEquals(-1f, s.train().feature(0, 1));
        assertEquals("Ankle boot", s.test().classNames().get(s.test().label(11)));
        assertEquals(1f, FashionMnist.load(dir, "train", FashionMnist.Scaling.UNIT, false).feature(0, 0));
        assertEquals(0f, FashionMnist.load(dir, "train", FashionMnist.Scaling.UNIT, false).feature(0, 1));
    }

    @Test
    void mismatchesAndBadLabelsNameTheFile() throws IOException {
        fake(12, 11, 3);
        FileFormatException e = assertThrows(FileFormatException.class, () -> FashionMnist.load(dir, FashionMnist.Scaling.UNIT, false));
        assertTrue(e.getMessage().endsWith("train-labels-idx1-ubyte: holds 11 labels but train-images-idx3-ubyte.gz holds 12 images"), e.getMessage());
        fake(12, 12, 12);
        e = assertThrows(FileFormatException.class, () -> FashionMnist.load(dir, FashionMnist.Scaling.UNIT, false));
        assertTrue(e.getMessage().endsWith("train-labels-idx1-ubyte: label 12 of item 11 is outside 0..9"), e.getMessage());
        e = assertThrows(FileFormatException.class, () -> FashionMnist.verify(dir.resolve("train-labels-idx1-ubyte")));
        assertTrue(e.getMessage().contains("does not match Fashion-MNIST's"), e.getMessage());
        fake(12, 12, 9);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(dir, FashionMnist.Scaling.UNIT, false));
        assertTrue(missing.getMessage().contains("t10k-labels-idx1-ubyte"), missing.getMessage());
    }

    /** The cache's copies, by name. */
    private static java.util.List<Path> copies(Path cache) throws IOException {
        try (var files = Files.list(cache)) {
            return files.filter(p -> p.toString().endsWith(".idx")).sorted().toList();
        }
    }

    @Test
    void aCacheKeepsTheInflatedFilesAndACopyThatFailsIsReadFromTheFileAgain() throws IOException {
        fake(12, 12, 9);
        Path cache = dir.resolve("cache");
        assertEquals(1f, FashionMnist.load(dir, FashionMnist.Scaling.UNIT, false, cache).train().feature(0, 0));
        java.util.List<Path> kept = copies(cache);
        assertEquals(2, kept.size(), "a copy of each gzip file (the labels here are raw): " + kept);
        Path trainImages = kept.stream().filter(p -> p.getFileName().toString().startsWith("train-images-idx3-ubyte.")).findFirst().orElseThrow();

        // a second load reads the copy (and leaves it as it is)
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(trainImages, old);
        assertEquals(1f, FashionMnist.load(dir, FashionMnist.Scaling.UNIT, false, cache).train().feature(0, 0));
        assertEquals(old, Files.getLastModifiedTime(trainImages), "the copy was read, not written again");

        // a copy whose content is not what the gzip file records (its CRC-32) is replaced
        byte[] content = Files.readAllBytes(trainImages);
        content[16] = 0;   // pixel 0 of image 0, after the 16-byte header
        Files.write(trainImages, content);
        assertEquals(1f, FashionMnist.load(dir, FashionMnist.Scaling.UNIT, false, cache).train().feature(0, 0));
        assertEquals(255, Files.readAllBytes(trainImages)[16] & 0xFF, "written again from the file");

        // a damaged copy is deleted, the file read, and the copy written again
        Files.write(trainImages, java.util.Arrays.copyOf(content, 100));
        assertEquals(1f, FashionMnist.load(dir, FashionMnist.Scaling.UNIT, false, cache).train().feature(0, 0));
        assertEquals(16 + 12 * 784, Files.size(trainImages));
        Path gzFile = dir.resolve("train-images-idx3-ubyte.gz");
        // a well-formed copy of another size is never read (its images would not match the labels)
        int tooMany = (int) (Files.size(gzFile) * Idx.MAX_INFLATION / 784) + 2;
        Files.write(trainImages, IdxTest.idx(Idx.UBYTE, new int[] {tooMany, 28, 28}, new byte[tooMany * 784]));
        assertEquals(12, FashionMnist.load(dir, FashionMnist.Scaling.UNIT, false, cache).train().size());
        assertEquals(16 + 12 * 784, Files.size(trainImages));

        // a changed file gets a new copy, which replaces the old one
        Files.setLastModifiedTime(gzFile, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(gzFile).toMillis() + 60_000));
        FashionMnist.load(dir, FashionMnist.Scaling.UNIT, false, cache);
        assertEquals(2, copies(cache).size(), copies(cache).toString());
        assertTrue(!Files.exists(trainImages), "the copy of the old file is gone");

        // a cache that cannot be written changes nothing
        Path notAFolder = dir.resolve("not-a-folder");
        Files.writeString(notAFolder, "x");
        assertEquals(1f, FashionMnist.load(dir, FashionMnist.Scaling.UNIT, false, notAFolder).train().feature(0, 0));
    }

    /**
     * Files whose size or header cannot be Fashion-MNIST's are refused from the header and the
     * file's size, before anything is inflated or read whole: a small gzip file announcing 2.1 GB
     * was inflated (3 GB, 33 s) before its checksum refused it, and a sparse 3 GB raw file ended in
     * an OutOfMemoryError.
     */
    @Test
    void forgedSizesAreRefusedBeforeReading() throws IOException {
        fake(12, 12, 9);
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        // 2.1 GB of pixels announced, 2.2 MB of random (incompressible) data behind them: a gzip file that size could hold
        // the 2.1 GB, so only the expected dimensions tell
        int forged = 2_700_000;
        byte[] noise = new byte[2_200_000];
        new java.util.Random(1).nextBytes(noise);
        Files.write(images, IdxTest.gzip(IdxTest.idx(Idx.UBYTE, new int[] {forged, 28, 28}, noise)));
        long before = used();
        FileFormatException e = assertThrows(FileFormatException.class, () -> FashionMnist.load(dir, FashionMnist.Scaling.UNIT, true));
        assertEquals(images + ": the header announces dimensions [2700000, 28, 28], Fashion-MNIST's train-images-idx3-ubyte has "
                + "[60000, 28, 28]", e.getMessage());
        assertTrue(used() - before < 256L << 20, "nothing inflated: " + ((used() - before) >> 20) + " MiB more in use");
        Files.delete(images);
        Path raw = dir.resolve("train-images-idx3-ubyte");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(3L << 30);   // sparse: no disk used
        }
        e = assertThrows(FileFormatException.class, () -> FashionMnist.load(dir, FashionMnist.Scaling.UNIT, false));
        assertEquals(raw + ": 3221225472 bytes, more than the 2 GiB an IDX file this reader holds can be", e.getMessage());
        // the same refusal from the headers alone, which a command checks before it starts its JIT warm-up beside the loading
        e = assertThrows(FileFormatException.class, () -> FashionMnist.checkHeaders(dir, true));
        assertEquals(raw + ": 3221225472 bytes, more than the 2 GiB an IDX file this reader holds can be", e.getMessage());
        Files.delete(raw);
        Files.write(images, IdxTest.gzip(IdxTest.idx(Idx.UBYTE, new int[] {forged, 28, 28}, noise)));
        e = assertThrows(FileFormatException.class, () -> FashionMnist.checkHeaders(dir, true));
        assertTrue(e.getMessage().startsWith(images + ": the header announces dimensions [2700000, 28, 28]"), e.getMessage());
    }

    private static long used() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void theInstalledDatasetMatchesFashionMnistsChecksums() throws IOException {
        assumeTrue(FashionMnist.isPresent(FashionMnist.SYSTEM_DIR), "dataset-fashion-mnist is not installed");
        FashionMnist.Splits s = FashionMnist.load(FashionMnist.SYSTEM_DIR, FashionMnist.Scaling.UNIT, true);
        assertEquals(60_000, s.train().size());
        assertEquals(10_000, s.test().size());
        assertEquals(9, s.train().label(0), "the first training image is an ankle boot");
        assertEquals(9, s.test().label(0));

        // from a cache: a copy is read as it is, and a tampered one never reaches the data (gzip's
        // CRC-32 of the file's trailer rejects it before the CRC-32C is computed)
        Path cache = dir.resolve("cache");
        FashionMnist.load(FashionMnist.SYSTEM_DIR, "train", FashionMnist.Scaling.UNIT, true, cache);
        Path labels = copies(cache).stream().filter(p -> p.getFileName().toString().startsWith("train-labels")).findFirst().orElseThrow();
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(labels, old);
        assertEquals(9, FashionMnist.load(FashionMnist.SYSTEM_DIR, "train", FashionMnist.Scaling.UNIT, true, cache).label(0));
        assertEquals(old, Files.getLastModifiedTime(labels), "the copy was read, not written again");
        byte[] content = Files.readAllBytes(labels);
        content[8] = 8;   // label 0, after the 8-byte header
        Files.write(labels, content);
        assertEquals(9, FashionMnist.load(FashionMnist.SYSTEM_DIR, "train", FashionMnist.Scaling.UNIT, true, cache).label(0));
    }
}
