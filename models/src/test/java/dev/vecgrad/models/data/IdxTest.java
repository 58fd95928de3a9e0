package dev.vecgrad.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.models.io.FileFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader: every element type, gzip or raw, and a one-line error for each kind of damage. */
class IdxTest {

    @TempDir
    Path dir;

    /** An IDX file's bytes: magic, sizes, then the elements as given. */
    static byte[] idx(int type, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt((type << 8) | dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsRawAndGzippedUbyteImages() throws IOException {
        byte[] pixels = new byte[2 * 3 * 2];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 20);
        }
        byte[] raw = idx(Idx.UBYTE, new int[] {2, 3, 2}, pixels);
        for (Path p : new Path[] {write("x-idx3-ubyte", raw), write("x-idx3-ubyte.gz", gzip(raw))}) {
            Idx idx = Idx.read(p);
            assertArrayEquals(new int[] {2, 3, 2}, idx.dims());
            assertEquals(2, idx.count());
            assertEquals(6, idx.itemSize());
            float[] v = idx.toFloats(1f / 255, 0f);
            assertEquals(220 / 255f, v[11], 1e-7f, "unsigned: 220 stays 220");
            assertEquals(220, idx.toInts()[11]);
        }
    }

    @Test
    void readsEveryElementType() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8);
        assertArrayEquals(new float[] {-3, 7}, Idx.read(write("b", idx(Idx.BYTE, new int[] {2}, new byte[] {-3, 7}))).toFloats(1, 0));
        b.clear();
        b.putShort((short) -300).putShort((short) 400);
        assertArrayEquals(new int[] {-300, 400}, Idx.read(write("s", idx(Idx.SHORT, new int[] {2}, Arrays.copyOf(b.array(), 4)))).toInts());
        b.clear();
        b.putInt(-70000).putInt(5);
        assertArrayEquals(new int[] {-70000, 5}, Idx.read(write("i", idx(Idx.INT, new int[] {2}, b.array()))).toInts());
        b.clear();
        b.putFloat(1.5f).putFloat(-2.25f);
        assertArrayEquals(new float[] {1.5f, -2.25f}, Idx.read(write("f", idx(Idx.FLOAT, new int[] {2}, b.array()))).toFloats(1, 0));
        b.clear();
        b.putDouble(0.125);
        assertArrayEquals(new float[] {0.125f}, Idx.read(write("d", idx(Idx.DOUBLE, new int[] {1}, b.array()))).toFloats(1, 0));
    }

    private void assertFails(byte[] bytes, String expected) throws IOException {
        Path p = write("bad-" + Math.abs(Arrays.hashCode(bytes)), bytes);
        FileFormatException e = assertThrows(FileFormatException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expected), "'" + expected + "' in: " + e.getMessage());
        assertEquals(p, e.file());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @Test
    void damageIsReportedWithTheFileAndTheProblem() throws IOException {
        byte[] good = idx(Idx.UBYTE, new int[] {3, 2}, new byte[6]);
        assertFails(new byte[] {0, 0}, "shorter than the 4-byte IDX magic number");
        assertFails(idx(0x07, new int[] {1}, new byte[1]), "bad magic number 0x00000701");
        assertFails(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0}, "bad magic number 0x504B0304");
        assertFails(Arrays.copyOf(good, 10), "truncated: the header announces 2 dimensions");
        assertFails(Arrays.copyOf(good, good.length - 1), "truncated: the header announces 3 x 2 ubyte (6 bytes of data), the file holds 5");
        assertFails(Arrays.copyOf(good, good.length + 3), "3 unexpected bytes after the 3 x 2 ubyte");
        byte[] gz = gzip(good);
        assertFails(Arrays.copyOf(gz, gz.length - 12), "truncated gzip stream");
        byte[] corrupt = gz.clone();
        corrupt[12] ^= (byte) 0xFF;
        corrupt[13] ^= (byte) 0xFF;
        Path p = write("corrupt.gz", corrupt);
        IOException e = assertThrows(IOException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
    }

    @Test
    void aGzipBombFailsBeforeItIsInflated() throws IOException {
        // 1e9 announced bytes behind 1 MB of zeros: about 1 KB compressed, so the header cannot be
        // honest; the reader says so instead of allocating a gigabyte.
        byte[] forged = gzip(idx(Idx.UBYTE, new int[] {1000, 1000, 1000}, new byte[1 << 20]));
        assertTrue(forged.length * Idx.MAX_INFLATION < 1_000_000_000L, "the test's premise: " + forged.length + " bytes");
        assertFails(forged, "the header announces 1000 x 1000 x 1000 ubyte (1000000000 bytes of data), more than a "
                + forged.length + "-byte gzip file can hold");
        // An honest small header followed by 100 MB of zeros: counted without being held.
        byte[] padded = gzip(idx(Idx.UBYTE, new int[] {3, 2}, new byte[100 << 20]));
        assertFails(padded, "more than 67108864 unexpected bytes after the 3 x 2 ubyte");
        byte[] little = gzip(idx(Idx.UBYTE, new int[] {3, 2}, new byte[6 + 5]));
        assertFails(little, "5 unexpected bytes after the 3 x 2 ubyte");
        // The truncation message of a gzip file whose data ends early.
        byte[] shortData = gzip(idx(Idx.UBYTE, new int[] {3, 2}, new byte[5]));
        assertFails(shortData, "truncated: the header announces 3 x 2 ubyte (6 bytes of data), the file holds 5");
    }

    @Test
    void sizesBeyondOneArrayAreRefusedWithoutOverflow() throws IOException {
        // 65536^4 bytes wraps a long product to 0; the reader stops at 2 GiB instead.
        byte[] huge = idx(Idx.UBYTE, new int[] {65536, 65536, 65536, 65536}, new byte[0]);
        assertFails(huge, "the header announces 65536 x 65536 x 65536 x 65536 ubyte, more than 2 GiB of data");
        assertFails(gzip(huge), "more than 2 GiB of data");
        assertFails(idx(Idx.FLOAT, new int[] {2, -1}, new byte[0]), "dimension 1 has a negative size -1");
    }

    @Test
    void floatElementsAreNotLabels() throws IOException {
        Path p = write("f", idx(Idx.FLOAT, new int[] {1}, new byte[4]));
        FileFormatException e = assertThrows(FileFormatException.class, () -> Idx.read(p).toInts());
        assertTrue(e.getMessage().contains("holds float32 values where integers (labels) were expected"), e.getMessage());
    }
}
