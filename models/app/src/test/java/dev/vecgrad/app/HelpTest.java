package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's help at 80 columns: no example is split mid-command, so each can be pasted. */
class HelpTest {

    private static void collect(CommandLine cli, List<CommandLine> all) {
        all.add(cli);
        cli.getSubcommands().values().forEach(c -> collect(c, all));
    }

    @Test
    void examplesFitEightyColumnsAndAreNeverWrapped() {
        List<CommandLine> all = new ArrayList<>();
        collect(new CommandLine(new Main()), all);
        assertTrue(all.size() >= 8, "the commands were found: " + all.size());
        List<String> tooLong = new ArrayList<>();
        for (CommandLine c : all) {
            var usage = c.getCommandSpec().usageMessage();
            List<String> lines = new ArrayList<>(List.of(usage.description()));
            lines.addAll(List.of(usage.footer()));
            for (String line : lines) {
                if (line.strip().startsWith("./vecgrad ") && line.length() > 79) {
                    tooLong.add(c.getCommandName() + ": " + line.length() + " columns: " + line);
                }
            }
            String help = c.getUsageMessage();
            for (String line : help.split("\n")) {
                assertTrue(line.length() <= 80, c.getCommandName() + " help line of " + line.length() + " columns: " + line);
            }
        }
        assertTrue(tooLong.isEmpty(), "examples picocli would wrap mid-command:\n" + String.join("\n", tooLong));
    }
}
