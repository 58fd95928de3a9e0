package dev.vecgrad.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code ./vecgrad info --help} and {@code ./vecgrad tune --help} name the commands as typed (they said "vecgrad bench info"). */
class BenchCliTest {

    @Test
    void infoAndTuneAreNamedAsTheLauncherRunsThem() throws Exception {
        for (String sub : new String[] {"info", "tune"}) {
            String usage = BenchCli.commandLine("vecgrad").getSubcommands().get(sub).getUsageMessage();
            assertTrue(usage.startsWith("Usage: vecgrad " + sub + " "), usage);
            String bench = BenchCli.commandLine(null).getSubcommands().get(sub).getUsageMessage();
            assertTrue(bench.startsWith("Usage: vecgrad bench " + sub + " "), bench);
        }
        // the launcher names the root for these two commands
        Path launcher = Path.of(System.getProperty("user.dir")).getParent().resolve("vecgrad");
        String script = Files.readString(launcher);
        for (String sub : new String[] {"info", "tune"}) {
            assertTrue(script.contains("  " + sub + ")  export VECGRAD_COMMAND_ROOT=vecgrad; run_bench_jar " + sub + " \"$@\" ;;"), sub);
        }
    }
}
