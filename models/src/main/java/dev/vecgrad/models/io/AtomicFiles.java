package dev.vecgrad.models.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a reader sees the old file or the whole new one, never half of it: the
 * bytes go to a temporary file in the same directory, are forced to disk, and the temporary
 * file is renamed over the target. On failure the temporary file is removed and the target is
 * left as it was. A temporary file is named after the writing process, so that one left by a
 * killed process is removed by the next write of the same file.
 */
public final class AtomicFiles {

    private AtomicFiles() {}

    /** What fills the file. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** Writes {@code target} atomically with what {@code writer} puts in the stream; the file gets the umask's permissions. */
    public static void write(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        removeStaleTemporaries(dir, abs.getFileName().toString());
        // a new file with the process's default permissions (the umask), where createTempFile would make it 0600
        Path tmp = dir.resolve("." + abs.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                writer.write(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            if (e instanceof IOException io && !(e instanceof java.nio.file.FileSystemException)
                    && !(e instanceof FileFormatException)) {
                // a plain IOException ("No space left on device") names no file: say which one
                throw new IOException("could not write " + abs + ": " + io.getMessage(), io);
            }
            throw e;
        }
    }

    /**
     * Removes the temporary files a killed writer left for {@code name} in {@code dir}: those named
     * {@code .name.PID.random.tmp} whose process is gone. A live process's file is never touched.
     */
    static void removeStaleTemporaries(Path dir, String name) throws IOException {
        String prefix = "." + name + ".";
        try (var files = Files.newDirectoryStream(dir, p -> {
            String f = p.getFileName().toString();
            return f.startsWith(prefix) && f.endsWith(".tmp");
        })) {
            for (Path p : files) {
                String[] parts = p.getFileName().toString().substring(prefix.length()).split("\\.");
                if (parts.length != 3 || !parts[0].matches("[0-9]{1,18}") || !parts[1].matches("[0-9a-z]+")) {
                    continue; // not one of ours
                }
                long pid = Long.parseLong(parts[0]);
                if (ProcessHandle.of(pid).isEmpty()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Writes {@code text} as UTF-8, atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
