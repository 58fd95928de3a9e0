package dev.vecgrad.models.data;

import dev.vecgrad.kernels.Conversions;
import dev.vecgrad.models.io.FileFormatException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * One IDX file (the MNIST / Fashion-MNIST format), read whole: a magic number
 * {@code 00 00 TT DD} (TT the element type, DD the number of dimensions), DD big-endian int32
 * sizes, then the elements row-major, big-endian. Gzip-compressed files are recognized by their
 * own magic bytes and inflated on the fly.
 *
 * <p>Element types: 0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32,
 * 0x0E float64.
 *
 * @param path where it was read from
 * @param type the element type code
 * @param dims the sizes, outermost first (dims[0] is the number of items)
 * @param data the elements as stored (big-endian)
 */
public record Idx(Path path, int type, int[] dims, byte[] data) {

    public static final int UBYTE = 0x08;
    public static final int BYTE = 0x09;
    public static final int SHORT = 0x0B;
    public static final int INT = 0x0C;
    public static final int FLOAT = 0x0D;
    public static final int DOUBLE = 0x0E;

    /**
     * Reads an IDX file, gzip-compressed or raw.
     *
     * @throws FileFormatException naming the file and the problem: a bad magic number, an unknown
     *         element type, a truncated file or gzip stream, bytes after the data
     * @throws NoSuchFileException if the file does not exist
     */
    public static Idx read(Path path) throws IOException {
        return parse(path, contents(path, Files.readAllBytes(path)));
    }

    /**
     * The dimensions an IDX file's header announces, read from its first bytes (inflated when it is
     * gzip) without reading the rest; null when they are not a valid IDX header (the full read then
     * reports what is wrong). Lets a reader that knows what the file must hold refuse a forged
     * header before inflating or allocating what it announces.
     */
    static int[] headerDims(Path path) throws IOException {
        try (InputStream file = Files.newInputStream(path); java.io.BufferedInputStream buffered = new java.io.BufferedInputStream(file)) {
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            InputStream in = b0 == 0x1F && b1 == 0x8B ? new GZIPInputStream(buffered, 1 << 12) : buffered;
            byte[] header = readHeader(in);
            if (header.length < 4 || !validMagic(ByteBuffer.wrap(header).getInt()) || header.length < 4 + 4 * (header[3] & 0xFF)) {
                return null;
            }
            int[] out = new int[header[3] & 0xFF];
            ByteBuffer.wrap(header, 4, 4 * out.length).asIntBuffer().get(out);
            return out;
        } catch (java.util.zip.ZipException | EOFException e) {
            return null;
        }
    }

    /**
     * The header read from {@code in}: the magic number and, when it is valid, the dimensions it
     * announces; shorter when the stream ends first (the magic bytes alone when they are not IDX's).
     */
    private static byte[] readHeader(InputStream in) throws IOException {
        byte[] magicBytes = in.readNBytes(4);
        if (magicBytes.length < 4 || !validMagic(ByteBuffer.wrap(magicBytes).getInt())) {
            return magicBytes;
        }
        int rank = magicBytes[3] & 0xFF;
        byte[] header = Arrays.copyOf(magicBytes, 4 + 4 * rank);
        int got = in.readNBytes(header, 4, 4 * rank);
        return got < 4 * rank ? Arrays.copyOf(header, 4 + got) : header;
    }

    /** An IDX file's content, {@code bytes} (the file's raw bytes) inflated when they are gzip. */
    static Idx parse(Path path, byte[] bytes) throws FileFormatException {
        if (bytes.length < 4) {
            throw new FileFormatException(path, "truncated: " + bytes.length + " bytes, shorter than the 4-byte IDX magic number");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int magic = buf.getInt();
        int type = (magic >>> 8) & 0xFF;
        int rank = magic & 0xFF;
        if (!validMagic(magic)) {
            throw new FileFormatException(path, String.format(
                    "bad magic number 0x%08X: an IDX file starts with 00 00, an element type (08, 09, 0B, 0C, 0D or 0E) "
                            + "and a number of dimensions >= 1 (images 0x00000803, labels 0x00000801)", magic));
        }
        if (bytes.length < 4 + 4 * rank) {
            throw new FileFormatException(path, "truncated: the header announces " + rank + " dimensions ("
                    + (4 + 4 * rank) + " header bytes), the file holds " + bytes.length + " bytes");
        }
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = buf.getInt();
        }
        long expected = dataBytes(path, type, dims);
        long actual = bytes.length - buf.position();
        if (actual < expected) {
            throw new FileFormatException(path, "truncated: the header announces " + describe(type, dims) + " ("
                    + expected + " bytes of data), the file holds " + actual);
        }
        if (actual > expected) {
            throw new FileFormatException(path, (actual - expected) + " unexpected bytes after the "
                    + describe(type, dims) + " the header announces");
        }
        return new Idx(path, type, dims, Arrays.copyOfRange(bytes, buf.position(), bytes.length));
    }

    /**
     * Deflate inflates at most 1032 bytes per compressed byte (a 258-byte match costs at least two
     * bits), so a gzip file of n bytes holds at most 1032 n bytes of content.
     */
    static final long MAX_INFLATION = 1032;

    /** The largest Java byte array. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** Extra bytes after the data that are counted before giving up (the count is then a lower bound). */
    private static final long MAX_TRAILING_COUNT = 64L << 20;

    private static boolean validMagic(int magic) {
        return (magic >>> 16) == 0 && elementSize((magic >>> 8) & 0xFF) != 0 && (magic & 0xFF) != 0;
    }

    /**
     * Bytes of data the header announces.
     *
     * @throws FileFormatException if a size is negative or the data would not fit one Java array
     */
    private static long dataBytes(Path path, int type, int[] dims) throws FileFormatException {
        long bytes = elementSize(type);
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new FileFormatException(path, "dimension " + i + " has a negative size " + dims[i]);
            }
            bytes *= dims[i]; // bytes <= 2^31 and dims[i] < 2^31: no overflow
            if (bytes > MAX_ARRAY) {
                throw new FileFormatException(path, "the header announces " + describe(type, dims)
                        + ", more than 2 GiB of data (the largest array this reader holds)");
            }
        }
        return bytes;
    }

    /**
     * The IDX bytes of a file whose raw bytes are {@code raw}: inflated when they are gzip, else
     * {@code raw} itself. Inflation is bounded by the header: no more than the header announces is
     * ever held in memory, and a header announcing more than the compressed size can hold fails
     * before anything is allocated (a gzip bomb costs a few kilobytes). A damaged header is
     * returned as read, for {@link #parse} to report.
     */
    static byte[] contents(Path path, byte[] raw) throws IOException {
        if (raw.length < 2 || (raw[0] & 0xFF) != 0x1F || (raw[1] & 0xFF) != 0x8B) {
            return raw;
        }
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 1 << 16)) {
            byte[] header = readHeader(in);
            int magic = header.length < 4 ? 0 : ByteBuffer.wrap(header).getInt();
            int rank = magic & 0xFF;
            if (header.length < 4 || !validMagic(magic) || header.length < 4 + 4 * rank) {
                return header;   // too short or not IDX: parse reports it
            }
            int type = (magic >>> 8) & 0xFF;
            int[] dims = new int[rank];
            ByteBuffer.wrap(header, 4, 4 * rank).asIntBuffer().get(dims);
            long data = dataBytes(path, type, dims);
            if (data > raw.length * MAX_INFLATION) {
                throw new FileFormatException(path, "the header announces " + describe(type, dims) + " (" + data
                        + " bytes of data), more than a " + raw.length + "-byte gzip file can hold: truncated or forged");
            }
            byte[] out = Arrays.copyOf(header, header.length + (int) data);
            int got = in.readNBytes(out, header.length, (int) data);
            if (got < data) {
                return Arrays.copyOf(out, header.length + got);
            }
            long extra = 0;
            byte[] sink = new byte[1 << 16];
            for (int n; extra <= MAX_TRAILING_COUNT && (n = in.read(sink)) > 0;) {
                extra += n;
            }
            if (extra > 0) {
                throw new FileFormatException(path, (extra > MAX_TRAILING_COUNT ? "more than " + MAX_TRAILING_COUNT : String.valueOf(extra))
                        + " unexpected bytes after the " + describe(type, dims) + " the header announces");
            }
            return out;
        } catch (EOFException e) {
            throw new FileFormatException(path, "truncated gzip stream (the compressed file ends early)", e);
        } catch (ZipException e) {
            throw new FileFormatException(path, "corrupt gzip data: " + e.getMessage(), e);
        }
    }

    /** Bytes per element of an IDX type code; 0 for an unknown code. */
    static int elementSize(int type) {
        return switch (type) {
            case UBYTE, BYTE -> 1;
            case SHORT -> 2;
            case INT, FLOAT -> 4;
            case DOUBLE -> 8;
            default -> 0;
        };
    }

    private static String typeName(int type) {
        return switch (type) {
            case UBYTE -> "ubyte";
            case BYTE -> "byte";
            case SHORT -> "int16";
            case INT -> "int32";
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            default -> String.format("type 0x%02X", type);
        };
    }

    private static String describe(int type, int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : " x ").append(dims[i]);
        }
        return sb.append(' ').append(typeName(type)).toString();
    }

    /** Number of items (dims[0]). */
    public int count() {
        return dims[0];
    }

    /** Elements per item: the product of dims[1..]. */
    public int itemSize() {
        int n = 1;
        for (int i = 1; i < dims.length; i++) {
            n *= dims[i];
        }
        return n;
    }

    /** Number of elements. */
    public int elements() {
        return data.length / elementSize(type);
    }

    /** The elements as floats, each times {@code scale} plus {@code shift} (pixels: 1/255, 0). */
    public float[] toFloats(float scale, float shift) {
        int n = elements();
        float[] out = new float[n];
        if (type == UBYTE) {
            Conversions.unsignedBytesToFloats(data, 0, out, 0, n, scale, shift);
            return out;
        }
        ByteBuffer buf = ByteBuffer.wrap(data);
        for (int i = 0; i < n; i++) {
            double v = switch (type) {
                case BYTE -> buf.get();
                case SHORT -> buf.getShort();
                case INT -> buf.getInt();
                case FLOAT -> buf.getFloat();
                default -> buf.getDouble();
            };
            out[i] = (float) (v * scale + shift);
        }
        return out;
    }

    /**
     * The elements as ints (labels).
     *
     * @throws FileFormatException if the element type is floating point
     */
    public int[] toInts() throws FileFormatException {
        if (type == FLOAT || type == DOUBLE) {
            throw new FileFormatException(path, "holds " + typeName(type) + " values where integers (labels) were expected");
        }
        int n = elements();
        int[] out = new int[n];
        ByteBuffer buf = ByteBuffer.wrap(data);
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case UBYTE -> buf.get() & 0xFF;
                case BYTE -> buf.get();
                case SHORT -> buf.getShort();
                default -> buf.getInt();
            };
        }
        return out;
    }

    @Override
    public String toString() {
        return "Idx(" + path.getFileName() + ": " + describe(type, dims) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Idx other && path.equals(other.path) && type == other.type
                && Arrays.equals(dims, other.dims) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * path.hashCode() + type) + Arrays.hashCode(dims);
    }
}
