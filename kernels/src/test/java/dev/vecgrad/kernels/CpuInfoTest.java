package dev.vecgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuInfoTest {

    @Test
    void readsModelAndDataCachesFromSysfsLayout(@TempDir Path dir) throws IOException {
        Path cpuinfo = Files.writeString(dir.resolve("cpuinfo"), "processor\t: 0\nmodel name\t: Test CPU 9000\nflags\t: fma avx2\n");
        Path cache = dir.resolve("cache");
        writeCache(cache, 0, "1", "Data", "48K");
        writeCache(cache, 1, "1", "Instruction", "32K");
        writeCache(cache, 2, "2", "Unified", "2048K");
        writeCache(cache, 3, "3", "Unified", "32M");
        CpuInfo info = CpuInfo.read(cpuinfo, cache, name -> "999");
        assertEquals("Test CPU 9000", info.model());
        assertEquals(48 << 10, info.l1dBytes());
        assertEquals(2 << 20, info.l2Bytes());
        assertEquals(32 << 20, info.l3Bytes());
        assertTrue(info.detected());
        assertEquals("L1d 48 KiB, L2 2 MiB, L3 32 MiB (from /sys/devices/system/cpu/cpu0/cache)", info.cacheSummary());
    }

    @Test
    void withoutSysfsCachesTheSizesComeFromGetconf(@TempDir Path dir) {
        // what the Zen 5 guests have: no cache folder in sysfs, getconf knows 48 KiB and 1 MiB
        java.util.Map<String, String> getconf = java.util.Map.of("LEVEL1_DCACHE_SIZE", "49152", "LEVEL2_CACHE_SIZE", "1048576",
                "LEVEL3_CACHE_SIZE", "33554432");
        CpuInfo info = CpuInfo.read(dir.resolve("missing"), dir.resolve("missing-cache"), getconf::get);
        assertEquals(48 << 10, info.l1dBytes());
        assertEquals(1 << 20, info.l2Bytes());
        assertEquals("getconf", info.source());
        assertEquals("L1d 48 KiB, L2 1 MiB, L3 32 MiB (from getconf: no cache folder in sysfs)", info.cacheSummary());
        CpuInfo empty = CpuInfo.read(dir.resolve("missing"), dir.resolve("missing-cache"), name -> name.startsWith("LEVEL1") ? "0" : "");
        assertEquals("defaults", empty.source(), "getconf's empty or zero answers are not sizes");
    }

    @Test
    void fallsBackToDefaultsWhenNothingIsReadable(@TempDir Path dir) {
        CpuInfo info = CpuInfo.read(dir.resolve("missing"), dir.resolve("missing-cache"), name -> null);
        assertFalse(info.detected());
        assertEquals(32 << 10, info.l1dBytes());
        assertEquals(512 << 10, info.l2Bytes());
        assertTrue(info.cacheSummary().contains("defaults"));
    }

    @Test
    void blockingFollowsTheCaches() {
        CpuInfo zen3 = new CpuInfo("zen3", 32 << 10, 512 << 10, 32 << 20, "sysfs");
        GemmBlocking avx2 = GemmBlocking.derive(8, Float.BYTES, 256, zen3);
        assertEquals(16, avx2.nr());
        assertEquals(512, avx2.kc(), "one and a half L1 would be 768: at most 512");
        GemmBlocking avx512 = GemmBlocking.derive(16, Float.BYTES, 512, zen3);
        assertEquals(32, avx512.nr());
        assertEquals(384, avx512.kc(), "a KC x NR sliver takes one and a half L1");
        assertEquals(avx512.kc() * avx512.nr() * Float.BYTES, 3 * (32 << 10) / 2);
        assertEquals(0, avx2.mcFor(1024, avx2.mr()) % avx2.mr());
        assertTrue(avx2.mcFor(1024, avx2.mr()) * 1024 * Float.BYTES <= (512 << 10) / 4);
        assertTrue((long) avx2.ncFor(4096) * 4096 * Float.BYTES <= (32L << 20) / 4);
    }

    @Test
    void parsesSysfsSizes() {
        assertEquals(48 << 10, CpuInfo.parseSize("48K"));
        assertEquals(32L << 20, CpuInfo.parseSize("32M"));
        assertEquals(-1, CpuInfo.parseSize("junk"));
    }

    private static void writeCache(Path cache, int index, String level, String type, String size) throws IOException {
        Path d = Files.createDirectories(cache.resolve("index" + index));
        Files.writeString(d.resolve("level"), level + "\n");
        Files.writeString(d.resolve("type"), type + "\n");
        Files.writeString(d.resolve("size"), size + "\n");
    }
}
