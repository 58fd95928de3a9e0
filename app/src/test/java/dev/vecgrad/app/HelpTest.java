package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's help at 80 columns, wrapped once: no ragged prose, no example split mid-command, so each can be pasted. */
class HelpTest {

    private static void collect(CommandLine cli, List<CommandLine> all) {
        all.add(cli);
        cli.getSubcommands().values().forEach(c -> collect(c, all));
    }

    @Test
    void descriptionsFitEightyColumnsAndAreNeverWrappedTwice() {
        List<CommandLine> all = new ArrayList<>();
        collect(Main.commandLine(null), all);
        assertTrue(all.size() >= 8, "the commands were found: " + all.size());
        List<String> tooLong = new ArrayList<>();
        for (CommandLine c : all) {
            var usage = c.getCommandSpec().usageMessage();
            List<String> lines = new ArrayList<>(List.of(usage.description()));
            lines.addAll(List.of(usage.footer()));
            for (String line : lines) {
                // picocli prints each element on a line of its own and wraps one longer than the
                // width, which leaves ragged prose and splits examples mid-command
                if (line.length() > 80) {
                    tooLong.add(c.getCommandName() + ": " + line.length() + " columns: " + line);
                }
            }
            String help = c.getUsageMessage();
            for (String line : help.split("\n")) {
                assertTrue(line.length() <= 80, c.getCommandName() + " help line of " + line.length() + " columns: " + line);
            }
        }
        assertTrue(tooLong.isEmpty(), "description lines picocli would wrap:\n" + String.join("\n", tooLong));
    }
}
