package dev.vecgrad.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vecgrad.models.zoo.Mlp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

    @TempDir
    Path dir;

    @Test
    void aSavedModelLoadsIntoAFreshOneWithPyTorchNames() throws IOException {
        Mlp a = new Mlp(new int[] {784, 128, 64, 10}, "relu", "none", new Random(1));
        assertEquals(List.of("stack.0.weight", "stack.0.bias", "stack.2.weight", "stack.2.bias", "stack.4.weight", "stack.4.bias"),
                List.copyOf(a.namedParameters().keySet()), "the notes' RedMNIST names");
        Path f = dir.resolve("a.safetensors");
        Checkpoints.save(f, a, Map.of("k", "v"));
        Mlp b = new Mlp(new int[] {784, 128, 64, 10}, "relu", "none", new Random(2));
        assertEquals(Map.of("k", "v"), Checkpoints.load(f, b));
        for (String name : a.namedParameters().keySet()) {
            assertArrayEquals(a.namedParameters().get(name).toFloatArray(), b.namedParameters().get(name).toFloatArray(), name);
        }
    }

    @Test
    void aMismatchListsEveryDifferenceAndChangesNothing() throws IOException {
        Path f = dir.resolve("a.safetensors");
        Checkpoints.save(f, new Mlp(new int[] {784, 128, 64, 10}, "relu", "none", new Random(1)), Map.of());
        Mlp other = new Mlp(new int[] {784, 32, 10}, "relu", "none", new Random(2));
        float[] before = other.namedParameters().get("stack.0.weight").toFloatArray();
        FileFormatException e = assertThrows(FileFormatException.class, () -> Checkpoints.load(f, other));
        assertEquals(f + ": does not fit the model Mlp(784-32-10, relu): unexpected [stack.4.bias, stack.4.weight]; "
                + "'stack.0.weight' is [128, 784] float32 in the file, [32, 784] float32 in the model; "
                + "'stack.0.bias' is [128] float32 in the file, [32] float32 in the model; "
                + "'stack.2.weight' is [64, 128] float32 in the file, [10, 32] float32 in the model; "
                + "'stack.2.bias' is [64] float32 in the file, [10] float32 in the model", e.getMessage());
        assertArrayEquals(before, other.namedParameters().get("stack.0.weight").toFloatArray());
        assertTrue(!e.getMessage().contains("\n"));
    }
}
