package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./vecgrad tune}'s file ({@link TunedBlocks}): entries per CPU survive each other's
 * writes, a bad file or entry is ignored rather than trusted, and {@link GemmBlocking} takes a
 * tuned entry over its derived sizes (rounded to its kernel's multiples).
 */
class TunedBlocksTest {

    private static final CpuInfo ZEN5 = new CpuInfo("AMD EPYC 9B45", 48 << 10, 1 << 20, 32 << 20, "test");
    private static final CpuInfo OTHER = new CpuInfo("Intel Xeon", 32 << 10, 2 << 20, 60 << 20, "test");

    @Test
    void entriesPerCpuRoundTripAndKeepEachOther(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub").resolve("gemm-blocks.properties");
        String zen5 = TunedBlocks.key(ZEN5, 512);
        String other = TunedBlocks.key(OTHER, 256);
        assertEquals("AMD EPYC 9B45, L1d 48 KiB, L2 1024 KiB, 512-bit", zen5);
        assertNull(TunedBlocks.read(file, zen5), "no file yet");
        TunedBlocks.write(file, zen5, 1024, 256, 4096, "test");
        TunedBlocks.write(file, other, 384, 96, 2048, "test");
        assertArrayEquals(new int[] {1024, 256, 4096}, TunedBlocks.read(file, zen5));
        assertArrayEquals(new int[] {384, 96, 2048}, TunedBlocks.read(file, other));
        assertNull(TunedBlocks.read(file, TunedBlocks.key(ZEN5, 256)), "another vector width is another machine");
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void badEntriesAndFilesAreIgnored(@TempDir Path dir) throws Exception {
        assertNull(TunedBlocks.parse("1024,256"));
        assertNull(TunedBlocks.parse("1024,256,x"));
        assertNull(TunedBlocks.parse("1024,0,4096"));
        assertNull(TunedBlocks.parse("1024,256,999999999"));
        assertArrayEquals(new int[] {512, 128, 4096}, TunedBlocks.parse(" 512, 128 ,4096"));
        Path bad = dir.resolve("bad.properties");
        Files.writeString(bad, "\\u00zz broken escape\n", StandardCharsets.UTF_8);
        assertNull(TunedBlocks.read(bad, TunedBlocks.key(ZEN5, 512)));
        assertNull(TunedBlocks.read(dir, TunedBlocks.key(ZEN5, 512)), "a folder is not a file");
    }

    @Test
    void gemmBlockingTakesTheTunedSizesRounded() {
        GemmBlocking derived = GemmBlocking.derive(16, Float.BYTES, 512, ZEN5);
        GemmBlocking tuned = GemmBlocking.derive(16, Float.BYTES, 512, ZEN5, new int[] {1030, 250, 4100});
        assertEquals(1024, tuned.kc(), "KC rounded down to 16");
        assertEquals(248, tuned.mc(), "MC rounded down to MR (8)");
        assertEquals(4096, tuned.nc(), "NC rounded down to NR (32)");
        assertTrue(derived.kc() != tuned.kc() || derived.mc() != tuned.mc(), derived + " / " + tuned);
        assertEquals(derived.cBudget(), tuned.cBudget(), "the cache budgets stay derived");
    }
}
