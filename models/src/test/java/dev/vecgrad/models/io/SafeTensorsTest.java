package dev.vecgrad.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.autograd.DType;
import dev.vecgrad.autograd.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors format as the specification writes it, and one clear error per kind of damage. */
class SafeTensorsTest {

    @TempDir
    Path dir;

    private static Map<String, Tensor> sample() {
        Random r = new Random(1);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("stack.0.weight", Tensor.randn(r, DType.F32, 3, 4));
        m.put("stack.0.bias", Tensor.randn(r, DType.F32, 3));
        m.put("scale", Tensor.scalar(2.5));
        m.put("transposed", Tensor.randn(r, DType.F64, 2, 3).t());
        return m;
    }

    @Test
    void roundTripsTensorsAndMetadata() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Map<String, Tensor> in = sample();
        SafeTensors.save(f, in, Map.of("vecgrad.model", "mlp"));
        SafeTensors.Contents c = SafeTensors.load(f);
        assertEquals(List.copyOf(in.keySet()), List.copyOf(c.tensors().keySet()));
        for (String k : in.keySet()) {
            assertArrayEquals(in.get(k).shape(), c.tensors().get(k).shape(), k);
            assertEquals(in.get(k).dtype(), c.tensors().get(k).dtype(), k);
            assertArrayEquals(in.get(k).toDoubleArray(), c.tensors().get(k).toDoubleArray(), k);
        }
        assertEquals(Map.of("vecgrad.model", "mlp"), c.metadata());
    }

    @Test
    void theBytesFollowTheSpecification() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafeTensors.save(f, Map.of("w", Tensor.of(new float[] {1.5f, -2f}, 2)), Map.of());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong();
        assertEquals(0, (8 + n) % 8, "data starts 8-aligned");
        String header = new String(b.array(), 8, (int) n, StandardCharsets.UTF_8);
        // the SHA-256 of the 8 data bytes (hashlib.sha256(struct.pack('<2f', 1.5, -2)).hexdigest())
        assertEquals("{\"__metadata__\":{\"vecgrad.sha256.w\":\"" + SHA_W + "\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header.strip());
        b.position((int) (8 + n));
        assertEquals(1.5f, b.getFloat());
        assertEquals(-2f, b.getFloat());
        assertEquals(8 + n + 8, Files.size(f));
    }

    private Path damaged(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private byte[] withHeader(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private void assertFails(Path p, String expected) {
        FileFormatException e = assertThrows(FileFormatException.class, () -> SafeTensors.load(p));
        assertTrue(e.getMessage().startsWith(p + ": "), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expected), "'" + expected + "' in: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void damageIsReportedWithTheFileAndTheProblem() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensors.save(good, sample(), Map.of());
        byte[] bytes = Files.readAllBytes(good);
        assertFails(damaged("short", new byte[5]), "shorter than the 8-byte safetensors header length");
        assertFails(damaged("trunc", Arrays.copyOf(bytes, bytes.length - 3)), "truncated: the header promises");
        assertFails(damaged("trunc-header", Arrays.copyOf(bytes, 40)), "the header length field says");
        assertFails(damaged("png", "\u0089PNG\r\n\u001a\nxxxxxxxxxxxxxxxx".getBytes(StandardCharsets.ISO_8859_1)), "not a safetensors file");
        assertFails(damaged("extra", Arrays.copyOf(bytes, bytes.length + 4)), "4 bytes after the last tensor's data");
        assertFails(damaged("json", withHeader("{\"w\": {\"dtype\": \"F32\", ", 0)), "invalid JSON header");
        assertFails(damaged("dtype", withHeader("{\"w\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4)),
                "tensor 'w' has dtype BF16; vecgrad reads F32 and F64");
        assertFails(damaged("size", withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8)),
                "tensor 'w': shape [3] F32 needs 12 bytes, data_offsets [0, 8] span 8");
        assertFails(damaged("gap", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)),
                "tensor 'a' starts at byte 4 of the data, expected 0 (leaves a gap)");
        assertFails(damaged("overlap", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)), "(overlaps the previous tensor)");
        assertFails(damaged("fields", withHeader("{\"a\":{\"dtype\":\"F32\"}}", 0)), "needs \"dtype\" (a string), \"shape\"");
        // 65536^4 elements wrap a long to 0, which would match data_offsets [0, 0].
        assertFails(damaged("overflow", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536,65536],"
                + "\"data_offsets\":[0,0]}}", 0)), "has more elements than one tensor holds");
        StringBuilder keys = new StringBuilder("{\"__metadata__\":{");
        for (int i = 0; i < 600_000; i++) {
            keys.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        assertFails(damaged("keys", withHeader(keys.append("}}").toString(), 0)), "invalid JSON header: more than 1000000 JSON tokens");
        assertFails(damaged("deep", withHeader("[".repeat(100_000) + "]".repeat(100_000), 0)),
                "invalid JSON header: nested deeper than 256 levels");
        // the format requires UTF-8: "café" written in Latin-1 (its 0xE9 is no UTF-8 sequence here) was read as "caf\uFFFD"
        String json = "{\"__metadata__\":{\"k\":\"caf\u00e9\"}}";
        byte[] header = json.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header);
        assertFails(damaged("latin1", b.array()), "the header is not valid UTF-8 (byte " + (8 + json.indexOf('\u00e9')) + " of the file)");
        byte[] latin = withHeader(json, 0);
        assertEquals("caf\u00e9", SafeTensors.load(damaged("utf8", latin)).metadata().get("k"), "valid UTF-8 reads as it is");
    }

    private static final String SHA_W = "252b3318179cc24998f3670913d52d39085cf65b0dfa98fa523ffeab4b6683fe";

    @Test
    void aDamagedTensorIsNamedByItsHash() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensors.save(good, sample(), Map.of("vecgrad.sha256.scale", "stale: recomputed on save"));
        assertEquals(Map.of(), SafeTensors.load(good).metadata(), "the hashes are not the caller's metadata");
        byte[] bytes = Files.readAllBytes(good);
        byte[] flipped = bytes.clone();
        flipped[flipped.length - 1] ^= 1;   // the last byte belongs to the last tensor, 'transposed'
        assertFails(damaged("flipped", flipped), "tensor 'transposed' is damaged: the SHA-256 of its 48 bytes is ");
        String header = "{\"__metadata__\":{\"vecgrad.sha256.b\":\"00\"},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertFails(damaged("missing", withHeader(header, 4)), "records a SHA-256 for tensor 'b', which the file does not hold");
        // a file without hashes, as PyTorch writes it, loads
        Path plain = damaged("plain", withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4));
        assertEquals(0.0, SafeTensors.load(plain).tensors().get("a").item());
    }

    @Test
    void theSameContentsGiveTheSameBytesWhateverTheMetadataMapsOrder() throws IOException {
        Map<String, Tensor> tensors = Map.of("w", Tensor.fromArray(new float[] {1.5f, -2f}, 2));
        LinkedHashMap<String, String> forward = new LinkedHashMap<>();
        LinkedHashMap<String, String> backward = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            forward.put("key" + i, "v" + i);
            backward.put("key" + (19 - i), "v" + (19 - i));
        }
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        SafeTensors.save(a, tensors, forward);
        SafeTensors.save(b, tensors, backward);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertEquals(forward, SafeTensors.load(b).metadata());
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("keep.safetensors");
        SafeTensors.save(f, sample(), Map.of("v", "1"));
        byte[] before = Files.readAllBytes(f);
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[1000]);
            throw new IOException("disk full");
        }));
        assertEquals("could not write " + f.toAbsolutePath() + ": disk full", e.getMessage(), "the file named, the cause kept");
        assertEquals("disk full", e.getCause().getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }
}
