package dev.vecgrad.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the machine says about its CPU: model name and data-cache sizes, read from Linux's
 * {@code /proc/cpuinfo} and {@code /sys/devices/system/cpu/cpu0/cache}. Where sysfs has no
 * cache directory (some virtual machines: the Zen 5 guests), the sizes come from
 * {@code getconf -a} (glibc asks the CPU itself); where neither answers, from conservative
 * defaults (32 KiB, 512 KiB, 8 MiB). {@link #source()} says which.
 *
 * @param model       CPU model name, or the OS architecture when unknown
 * @param l1dBytes    level-1 data cache of one core
 * @param l2Bytes     level-2 cache of one core
 * @param l3Bytes     last-level cache (shared)
 * @param source      where the sizes came from: {@code sysfs}, {@code getconf} or {@code defaults}
 */
public record CpuInfo(String model, long l1dBytes, long l2Bytes, long l3Bytes, String source) {

    /** Whether the JVM runs on x86-64 (AVX2 or AVX-512 vectors, hardware gathers). */
    static final boolean X86 = System.getProperty("os.arch", "").matches("amd64|x86_64");

    private static final long DEFAULT_L1D = 32 << 10;
    private static final long DEFAULT_L2 = 512 << 10;
    private static final long DEFAULT_L3 = 8 << 20;

    private static final CpuInfo HOST = read(Path.of("/proc/cpuinfo"), Path.of("/sys/devices/system/cpu/cpu0/cache"),
            CpuInfo::getconf);

    /** True when the sizes were read from the system, not defaulted. */
    public boolean detected() {
        return !source.equals("defaults");
    }

    /** This machine, read once. */
    public static CpuInfo host() {
        return HOST;
    }

    /**
     * Reads the model from {@code cpuinfo} and cache sizes from a sysfs {@code cache} directory,
     * else from {@code getconf} (which maps a name such as {@code LEVEL1_DCACHE_SIZE} to its
     * value in bytes, or null).
     */
    static CpuInfo read(Path cpuinfo, Path cacheDir, java.util.function.Function<String, String> getconf) {
        String model = readModel(cpuinfo);
        long l1d = -1;
        long l2 = -1;
        long l3 = -1;
        for (int index = 0; index < 8; index++) {
            Path dir = cacheDir.resolve("index" + index);
            String level = readLine(dir.resolve("level"));
            String type = readLine(dir.resolve("type"));
            long size = parseSize(readLine(dir.resolve("size")));
            if (level == null || type == null || size <= 0 || type.equals("Instruction")) {
                continue;
            }
            switch (level) {
                case "1" -> l1d = size;
                case "2" -> l2 = size;
                case "3" -> l3 = size;
                default -> { }
            }
        }
        String source = "sysfs";
        if (l1d <= 0 || l2 <= 0) {
            l1d = parseSize(getconf.apply("LEVEL1_DCACHE_SIZE"));
            l2 = parseSize(getconf.apply("LEVEL2_CACHE_SIZE"));
            l3 = parseSize(getconf.apply("LEVEL3_CACHE_SIZE"));
            source = l1d > 0 && l2 > 0 ? "getconf" : "defaults";
        }
        if (source.equals("defaults")) {
            return new CpuInfo(model, DEFAULT_L1D, DEFAULT_L2, DEFAULT_L3, source);
        }
        return new CpuInfo(model, l1d, l2, l3 > 0 ? l3 : Math.max(DEFAULT_L3, 2 * l2), source);
    }

    private static java.util.Map<String, String> getconfValues;

    /** One value of {@code getconf -a}, run once (about 2 ms); null when getconf is missing or silent. */
    static synchronized String getconf(String name) {
        if (getconfValues == null) {
            getconfValues = new java.util.HashMap<>();
            try {
                Process p = new ProcessBuilder("getconf", "-a").redirectErrorStream(true).start();
                p.getOutputStream().close();
                try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                        java.nio.charset.StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        String[] kv = line.trim().split("\\s+", 2);
                        if (kv.length == 2 && kv[0].contains("CACHE")) {
                            getconfValues.put(kv[0], kv[1]);
                        }
                    }
                }
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (IOException | RuntimeException e) {
                // no getconf (not Linux): the defaults apply
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return getconfValues.get(name);
    }

    /** Parses sysfs sizes such as {@code 48K}, {@code 2048K}, {@code 32M}; -1 when unreadable. */
    static long parseSize(String text) {
        if (text == null || text.isEmpty()) {
            return -1;
        }
        String t = text.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'K' || last == 'M' || last == 'G') {
            unit = last == 'K' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30;
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Long.parseLong(t) * unit;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String readModel(Path cpuinfo) {
        try {
            List<String> lines = Files.readAllLines(cpuinfo);
            for (String key : new String[] {"model name", "Hardware", "cpu model", "Processor"}) {
                for (String line : lines) {
                    int colon = line.indexOf(':');
                    if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                        return line.substring(colon + 1).trim();
                    }
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux, or hidden: fall back to the architecture name
        }
        return System.getProperty("os.arch", "unknown");
    }

    private static String readLine(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether the JVM uses hardware fused multiply-add ({@code -XX:UseFMA}, which HotSpot turns
     * on when the CPU has it). Without it the Vector API's {@code fma} runs in software, slowly,
     * so kernels use multiply-then-add instead.
     */
    public static boolean hardwareFma() {
        try {
            var bean = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            return Boolean.parseBoolean(bean.getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError e) {
            String arch = System.getProperty("os.arch", "");
            return arch.equals("aarch64") || cpuFlags().contains(" fma ");
        }
    }

    private static String cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return line + " ";
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // unknown
        }
        return "";
    }

    /** Human-readable cache sizes, e.g. {@code L1d 48 KiB, L2 2 MiB, L3 480 MiB}. */
    public String cacheSummary() {
        return "L1d " + human(l1dBytes) + ", L2 " + human(l2Bytes) + ", L3 " + human(l3Bytes) + switch (source) {
            case "sysfs" -> " (from /sys/devices/system/cpu/cpu0/cache)";
            case "getconf" -> " (from getconf: no cache folder in sysfs)";
            default -> " (defaults: not readable from the system)";
        };
    }

    static String human(long bytes) {
        if (bytes >= (1L << 20) && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        return (bytes >> 10) + " KiB";
    }
}
