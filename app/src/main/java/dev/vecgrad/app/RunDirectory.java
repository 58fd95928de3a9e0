package dev.vecgrad.app;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A run's output folder, written as one set. The files go into a hidden staging folder beside
 * it, {@code .NAME.partial-PID}; {@link #commit()} then renames the staging folder to
 * {@code NAME}, so the folder either does not exist or holds every file of one run: a run killed
 * or failed midway leaves no checkpoint beside another run's history or plot.
 *
 * <p>The one exception is {@code --overwrite} of a folder that already holds an earlier run's
 * files (it may be the user's own folder, with other things in it, which is never removed): there
 * the new files replace the old ones one by one at the end, each whole, the checkpoints last, in
 * well under a millisecond for the few files a run writes.
 *
 * <p>A staging folder left by a process that is gone (killed with {@code kill -9}) is removed the
 * next time a run starts beside it; a live process's is never touched.
 */
final class RunDirectory implements AutoCloseable {

    private static final String PARTIAL = ".partial-";

    private final Path target;
    private final Path staging;
    private boolean committed;

    private RunDirectory(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    /** Starts the set of files that will become {@code target}. */
    static RunDirectory create(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null) {
            throw new IOException("cannot write a run into " + target + ": it has no parent folder");
        }
        Files.createDirectories(parent);
        removeStale(parent);
        Path staging = parent.resolve("." + abs.getFileName() + PARTIAL + ProcessHandle.current().pid());
        deleteTree(staging);
        Files.createDirectory(staging);
        return new RunDirectory(target, staging);
    }

    /** Where the run writes its files until {@link #commit()}. */
    Path dir() {
        return staging;
    }

    /** Puts the staged files in place: the whole folder at once, or file by file over an earlier run (see the class comment). */
    void commit() throws IOException {
        if (committed) {
            throw new IllegalStateException("already committed: " + target);
        }
        if (!Files.exists(target) || isEmptyFolder(target)) {
            Files.deleteIfExists(target);   // an empty folder only, as checked
            move(staging, target);
        } else {
            List<Path> files = new ArrayList<>();
            try (Stream<Path> s = Files.list(staging)) {
                s.forEach(files::add);
            }
            files.sort(Comparator.comparing((Path p) -> p.getFileName().toString().endsWith(".safetensors"))
                    .thenComparing(p -> p.getFileName().toString()));
            for (Path f : files) {
                move(f, target.resolve(f.getFileName().toString()));
            }
            Files.delete(staging);
        }
        committed = true;
    }

    /** A run that ended without {@link #commit()} (an exception) leaves nothing behind. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            deleteTree(staging);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean isEmptyFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    /** Removes the staging folders in {@code parent} whose process is gone. */
    static void removeStale(Path parent) throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, p -> {
            String f = p.getFileName().toString();
            return f.startsWith(".") && f.contains(PARTIAL) && Files.isDirectory(p);
        })) {
            for (Path p : dirs) {
                String f = p.getFileName().toString();
                String pid = f.substring(f.lastIndexOf(PARTIAL) + PARTIAL.length());
                if (pid.matches("[0-9]{1,18}") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                    deleteTree(p);
                }
            }
        }
    }

    /** Deletes a staging folder: files only, one level (a run writes no sub-folders). */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
