package dev.vecgrad.kernels;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The float GEMM block sizes {@code ./vecgrad tune} measured on a CPU, kept in one properties file
 * for every CPU the user's home has seen: key {@code <cpu>.float}, value {@code kc,mc,nc}, the CPU
 * named by its model, data caches and vector width ({@link #key}). {@link GemmBlocking} takes them
 * instead of its cache-derived sizes when the file has this CPU (system properties still win).
 * The file is {@code gemm-blocks.properties} in {@link CacheFolder#root()}; {@code
 * VECGRAD_CACHE=off} or {@code -Dvecgrad.gemm.tuned=off} ignores it, {@code -Dvecgrad.gemm.tuned=PATH} names another. Block
 * sizes never change results (every element of C is one FMA chain in k order: GemmBitsTest), only
 * speed, so a stale or foreign entry costs time at worst; an unreadable file or entry is ignored.
 */
public final class TunedBlocks {

    private TunedBlocks() {}

    static final String FILE_NAME = "gemm-blocks.properties";

    /** This machine's key: model, L1d, L2 and vector width, e.g. {@code AMD EPYC, L1d 48 KiB, L2 1024 KiB, 512-bit}. */
    public static String key(CpuInfo cpu, int vectorBits) {
        return cpu.model() + ", L1d " + cpu.l1dBytes() / 1024 + " KiB, L2 " + cpu.l2Bytes() / 1024 + " KiB, " + vectorBits + "-bit";
    }

    /** The key of the machine this JVM runs on, with its preferred float vectors. */
    public static String hostKey() {
        return key(CpuInfo.host(), jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    /** The tuning file in use, or null when tuning is switched off or no home is known. */
    public static Path file() {
        String property = System.getProperty("vecgrad.gemm.tuned");
        if (property != null && !property.isBlank()) {
            return property.trim().equalsIgnoreCase("off") ? null : Path.of(property.trim());
        }
        Path root = CacheFolder.root();
        return root == null ? null : root.resolve(FILE_NAME);
    }

    /** {kc, mc, nc} for key in file, or null (no file, no entry, or an entry that is not three positive integers). */
    static int[] read(Path file, String key) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return parse(p.getProperty(key + ".float"));
    }

    static int[] parse(String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.split(",");
        if (parts.length != 3) {
            return null;
        }
        int[] blocks = new int[3];
        try {
            for (int i = 0; i < 3; i++) {
                blocks[i] = Integer.parseInt(parts[i].trim());
                if (blocks[i] < 1 || blocks[i] > 1 << 16) {
                    return null;
                }
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return blocks;
    }

    /**
     * Stores {kc, mc, nc} for key in file, keeping the other CPUs' entries: written to a temporary
     * file beside it and renamed over it, so a reader never sees half a file.
     */
    public static void write(Path file, String key, int kc, int mc, int nc, String comment) throws IOException {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        p.setProperty(key + ".float", kc + "," + mc + "," + nc);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, FILE_NAME, ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, comment);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
