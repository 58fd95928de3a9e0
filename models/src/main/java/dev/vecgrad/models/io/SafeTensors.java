package dev.vecgrad.models.io;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face), so that PyTorch users can open vecgrad checkpoints
 * with {@code safetensors.torch.load_file}: an unsigned little-endian 64-bit header length N,
 * N bytes of JSON ({@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 * ..., "__metadata__": {"key": "value"}}}, padded with spaces to a multiple of 8), then the
 * tensors' bytes, little-endian and row-major, back to back.
 *
 * <p>vecgrad reads and writes F32 and F64 tensors. Writing is atomic (temporary file, then
 * rename); reading checks everything the format promises and names the file and the problem.
 *
 * <p>Integrity: the format has no checksum, so vecgrad records the SHA-256 of each tensor's bytes
 * in the metadata, under {@code vecgrad.sha256.NAME} (a hex string: other readers see one more
 * metadata entry and ignore it), and {@link #load} checks every hash it finds and names the
 * damaged tensor. Files without hashes (written by PyTorch) load unchecked. The hashes are the
 * format's business: {@link Contents#metadata()} does not show them, and {@link #save} computes
 * them afresh, whatever the metadata passed in says.
 */
public final class SafeTensors {

    private SafeTensors() {}

    /** Header lengths above this are refused (the reference implementation's limit). */
    static final long MAX_HEADER = 100L << 20;
    private static final String METADATA = "__metadata__";
    /**
     * Header tokens above this are refused as they are read, so a forged header of millions of
     * keys cannot take the heap (2 million metadata keys took 850 MB): a tensor's entry and its
     * hash take about 20 tokens, so this allows some 50,000 tensors.
     */
    static final long MAX_HEADER_TOKENS = 1_000_000;
    /** The metadata key prefix of a tensor's SHA-256. */
    static final String SHA256 = "vecgrad.sha256.";

    /** What a file holds: tensors by name in file order, and the free-form string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /**
     * Writes {@code tensors} (F32 or F64, any layout; saved contiguous) and {@code metadata}
     * (in key order, whatever the map's order) to {@code file} atomically.
     */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        if (metadata != null) {
            // in key order: a Map.of iterates in an order that changes from one JVM to the next, which gave the same
            // checkpoint other bytes in every run
            new java.util.TreeMap<>(metadata).forEach((k, v) -> {
                if (!k.startsWith(SHA256)) {
                    meta.put(k, v);
                }
            });
        }
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            MessageDigest md = sha256();
            writeData(new DigestOutputStream(OutputStream.nullOutputStream(), md), e.getValue());
            meta.put(SHA256 + e.getKey(), HexFormat.of().formatHex(md.digest()));
        }
        StringBuilder header = new StringBuilder("{");
        if (!meta.isEmpty()) {
            header.append(Json.quote(METADATA)).append(":{");
            String sep = "";
            for (Map.Entry<String, String> e : meta.entrySet()) {
                header.append(sep).append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
                sep = ",";
            }
            header.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                throw new IllegalArgumentException("safetensors: a tensor may not be named " + METADATA);
            }
            Tensor t = e.getValue();
            long bytes = (long) t.numel() * elementSize(t.dtype());
            header.append(header.length() > 1 ? "," : "").append(Json.quote(e.getKey()))
                    .append(":{\"dtype\":\"").append(t.dtype() == DType.F32 ? "F32" : "F64").append("\",\"shape\":")
                    .append(Arrays.toString(t.shape()).replace(" ", "")).append(",\"data_offsets\":[").append(offset)
                    .append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        AtomicFiles.write(file, out -> {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) {
                head.put((byte) ' ');
            }
            out.write(head.array());
            for (Tensor t : tensors.values()) {
                writeData(out, t);
            }
        });
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void writeData(OutputStream out, Tensor t) throws IOException {
        final int chunk = 8192;
        ByteBuffer buf = ByteBuffer.allocate(chunk * 8).order(ByteOrder.LITTLE_ENDIAN);
        if (t.dtype() == DType.F32) {
            float[] v = t.toFloatArray();
            for (int i = 0; i < v.length; i += chunk) {
                buf.clear();
                int end = Math.min(v.length, i + chunk);
                buf.asFloatBuffer().put(v, i, end - i);
                out.write(buf.array(), 0, (end - i) * 4);
            }
        } else {
            double[] v = t.toDoubleArray();
            for (int i = 0; i < v.length; i += chunk) {
                buf.clear();
                int end = Math.min(v.length, i + chunk);
                buf.asDoubleBuffer().put(v, i, end - i);
                out.write(buf.array(), 0, (end - i) * 8);
            }
        }
    }

    private static int elementSize(DType dtype) {
        return dtype == DType.F32 ? 4 : 8;
    }

    private record Entry(String name, DType dtype, int[] shape, long begin, long end) {}

    /** The header as text: the format requires UTF-8, and a malformed byte is refused (decoding replaced it silently). */
    private static String utf8(Path file, byte[] bytes) throws FileFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);   // decoded again to find where: it stops there
            StandardCharsets.UTF_8.newDecoder().decode(in, java.nio.CharBuffer.allocate(bytes.length), true);
            int at = in.position();
            throw new FileFormatException(file, "the header is not valid UTF-8 (byte " + (8 + at) + " of the file), which safetensors requires");
        }
    }

    /**
     * Reads a safetensors file.
     *
     * @throws FileFormatException naming the file and the problem: too short, a header length
     *         beyond the file, invalid JSON, an entry without dtype / shape / data_offsets, an
     *         unsupported dtype, offsets that disagree with the shape or leave gaps or overlaps,
     *         a data section shorter or longer than the header says
     */
    public static Contents load(Path file) throws IOException {
        long size = Files.size(file);
        if (size < 8) {
            throw new FileFormatException(file, "truncated: " + size + " bytes, shorter than the 8-byte safetensors header length");
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new FileFormatException(file, "is " + size + " bytes; vecgrad reads safetensors files below 2 GiB");
        }
        // Read in three steps, each checked before the next is read: the length, the header, the data.
        try (java.io.InputStream in = Files.newInputStream(file)) {
            long headerLen = ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLen < 2 || headerLen > MAX_HEADER || headerLen > size - 8) {
                throw new FileFormatException(file, "not a safetensors file or truncated: the header length field says "
                        + Long.toUnsignedString(headerLen) + " bytes, the file has " + (size - 8) + " after it");
            }
            byte[] headerBytes = in.readNBytes((int) headerLen);
            Header h = header(file, utf8(file, headerBytes));
            long dataLen = size - 8 - headerLen;
            checkLayout(file, h.entries, dataLen);
            byte[] data = in.readNBytes((int) dataLen);
            if (data.length != dataLen) {
                throw new FileFormatException(file, "changed while it was read: " + data.length + " bytes of data, expected " + dataLen);
            }
            verifyHashes(file, h, data);
            Map<String, String> metadata = new LinkedHashMap<>(h.metadata);
            metadata.keySet().removeIf(k -> k.startsWith(SHA256));
            return new Contents(tensors(h.entries, data), metadata);
        }
    }

    private record Header(List<Entry> entries, Map<String, String> metadata) {}

    /** The JSON header: its tensor entries, each checked, and the metadata. */
    private static Header header(Path file, String json) throws FileFormatException {
        Object parsed;
        try {
            parsed = Json.parse(json, MAX_HEADER_TOKENS);
        } catch (Json.SyntaxException e) {
            throw new FileFormatException(file, "invalid JSON header: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> header)) {
            throw new FileFormatException(file, "the JSON header is not an object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw new FileFormatException(file, METADATA + " is not an object of strings");
                }
                for (Map.Entry<?, ?> me : m.entrySet()) {
                    if (!(me.getValue() instanceof String v)) {
                        throw new FileFormatException(file, METADATA + " value of \"" + me.getKey() + "\" is not a string");
                    }
                    metadata.put((String) me.getKey(), v);
                }
                continue;
            }
            entries.add(entry(file, name, e.getValue()));
        }
        return new Header(entries, metadata);
    }

    /** Checks each tensor's bytes against the SHA-256 the metadata records for it, if any. */
    private static void verifyHashes(Path file, Header h, byte[] data) throws FileFormatException {
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry en : h.entries) {
            byName.put(en.name, en);
        }
        for (Map.Entry<String, String> m : h.metadata.entrySet()) {
            if (!m.getKey().startsWith(SHA256)) {
                continue;
            }
            String name = m.getKey().substring(SHA256.length());
            Entry en = byName.get(name);
            if (en == null) {
                throw new FileFormatException(file, "the metadata records a SHA-256 for tensor '" + name + "', which the file does not hold");
            }
            MessageDigest md = sha256();
            md.update(data, (int) en.begin, (int) (en.end - en.begin));
            String actual = HexFormat.of().formatHex(md.digest());
            if (!actual.equalsIgnoreCase(m.getValue())) {
                throw new FileFormatException(file, "tensor '" + name + "' is damaged: the SHA-256 of its " + (en.end - en.begin)
                        + " bytes is " + actual + ", the file records " + m.getValue());
            }
        }
    }

    /** The tensors of a data section whose layout was checked. */
    private static Map<String, Tensor> tensors(List<Entry> entries, byte[] data) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry en : entries) {
            ByteBuffer slice = ByteBuffer.wrap(data, (int) en.begin, (int) (en.end - en.begin)).slice()
                    .order(ByteOrder.LITTLE_ENDIAN);
            int n = (int) ((en.end - en.begin) / elementSize(en.dtype));
            if (en.dtype == DType.F32) {
                float[] v = new float[n];
                slice.asFloatBuffer().get(v);
                tensors.put(en.name, Tensor.fromArray(v, en.shape));
            } else {
                double[] v = new double[n];
                slice.asDoubleBuffer().get(v);
                tensors.put(en.name, Tensor.fromArray(v, en.shape));
            }
        }
        return tensors;
    }

    private static Entry entry(Path file, String name, Object value) throws FileFormatException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new FileFormatException(file, "tensor '" + name + "': the header entry is not an object");
        }
        Object dtype = m.get("dtype");
        Object shape = m.get("shape");
        Object offsets = m.get("data_offsets");
        if (!(dtype instanceof String ds) || !(shape instanceof List<?> sl) || !(offsets instanceof List<?> ol) || ol.size() != 2) {
            throw new FileFormatException(file, "tensor '" + name + "': the header entry needs \"dtype\" (a string), "
                    + "\"shape\" (a list) and \"data_offsets\" ([begin, end]), got " + m.keySet());
        }
        DType dt = switch (ds) {
            case "F32" -> DType.F32;
            case "F64" -> DType.F64;
            default -> throw new FileFormatException(file, "tensor '" + name + "' has dtype " + ds
                    + "; vecgrad reads F32 and F64 (save it as float32 or float64)");
        };
        int[] dims = new int[sl.size()];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            if (!(sl.get(i) instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) {
                throw new FileFormatException(file, "tensor '" + name + "': bad shape " + sl);
            }
            dims[i] = (int) (long) l;
            numel *= l; // numel < 2^31 and l < 2^31 before this: no overflow
            if (numel > Integer.MAX_VALUE) {
                throw new FileFormatException(file, "tensor '" + name + "': shape " + sl
                        + " has more elements than one tensor holds (2^31 - 1)");
            }
        }
        if (!(ol.get(0) instanceof Long begin) || !(ol.get(1) instanceof Long end) || begin < 0 || end < begin) {
            throw new FileFormatException(file, "tensor '" + name + "': bad data_offsets " + ol);
        }
        if (end - begin != numel * elementSize(dt)) {
            throw new FileFormatException(file, "tensor '" + name + "': shape " + sl + " " + ds + " needs "
                    + numel * elementSize(dt) + " bytes, data_offsets " + ol + " span " + (end - begin));
        }
        return new Entry(name, dt, dims, begin, end);
    }

    /** The tensors must tile the data section exactly: no gap, no overlap, nothing after. */
    private static void checkLayout(Path file, List<Entry> entries, long dataLen) throws FileFormatException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        for (Entry e : sorted) {
            if (e.begin != at) {
                throw new FileFormatException(file, "tensor '" + e.name + "' starts at byte " + e.begin + " of the data, expected "
                        + at + (e.begin < at ? " (overlaps the previous tensor)" : " (leaves a gap)"));
            }
            at = e.end;
        }
        if (at > dataLen) {
            throw new FileFormatException(file, "truncated: the header promises " + at + " bytes of tensor data, the file holds "
                    + dataLen);
        }
        if (at < dataLen) {
            throw new FileFormatException(file, (dataLen - at) + " bytes after the last tensor's data");
        }
    }
}
