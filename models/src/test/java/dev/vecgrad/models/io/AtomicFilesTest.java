package dev.vecgrad.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written whole or not at all, with the permissions any new file of this process gets. */
class AtomicFilesTest {

    @TempDir
    Path dir;

    /** A write that fails as a full disk does (a plain IOException) says which file, and leaves neither it nor a temporary. */
    @Test
    void aFailedWriteNamesTheFile() throws IOException {
        Path target = dir.resolve("curves.png");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100]);
            throw new IOException("No space left on device");
        }));
        assertEquals("could not write " + target.toAbsolutePath() + ": No space left on device", e.getMessage());
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "nothing left behind");
        }
    }

    @Test
    void theFileGetsTheUmasksPermissionsNotPrivateOnes() throws IOException {
        Path f = dir.resolve("out.csv");
        AtomicFiles.writeString(f, "a,b\n");
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(f));
        assertEquals("a,b\n", Files.readString(f));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("model.bin");
        AtomicFiles.writeString(f, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(1);
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    @Test
    void aKilledWritersTemporaryFileIsRemovedByTheNextWriteOfTheSameFile() throws Exception {
        // a process that has exited: its pid names no live process now
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        while (ProcessHandle.of(gone.pid()).isPresent()) {
            Thread.sleep(10);
        }
        Path stale = Files.writeString(dir.resolve(".model.safetensors." + gone.pid() + ".k3x9.tmp"), "half");
        Path live = Files.writeString(dir.resolve(".model.safetensors." + ProcessHandle.current().pid() + ".a1.tmp"), "writing");
        Path other = Files.writeString(dir.resolve(".history.csv." + gone.pid() + ".b2.tmp"), "another file's");
        Path notOurs = Files.writeString(dir.resolve(".model.safetensors.backup.tmp"), "a user's");
        AtomicFiles.writeString(dir.resolve("model.safetensors"), "new");
        assertFalse(Files.exists(stale), "the dead writer's temporary file is removed");
        assertTrue(Files.exists(live), "a live writer's is kept");
        assertTrue(Files.exists(other), "only the written file's temporaries are looked at");
        assertTrue(Files.exists(notOurs), "names that are not AtomicFiles' are left alone");
        assertEquals("new", Files.readString(dir.resolve("model.safetensors")));
    }
}
