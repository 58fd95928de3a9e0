package dev.vecgrad.app;

import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line of the application jar (vecgrad.jar): {@code demo}, {@code train} and the other commands of {@link #COMMANDS}. The
 * {@code ./vecgrad} launcher calls it. A failure prints one line naming the problem on
 * standard error and exits with 1; a bad option prints one line too (the option, the problem, the
 * nearest options picocli suggests, where the usage is) and exits with 2.
 */
@Command(name = "vecgrad", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Trains and runs vecgrad's zoo models from the command line.")
public final class Main implements Runnable {

    /** The sub-commands, in the order the usage lists them. */
    private static final List<Class<?>> COMMANDS = List.of(DemoCommand.class, TrainCommand.class, PredictCommand.class,
            TranslateCommand.class, GraphCommand.class, StudyCommand.class, DeblurCommand.class, AblateCommand.class,
            SearchCommand.class);

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; returns the exit code. */
    public static int run(String... args) {
        CommandLine cli = commandLine(args.length > 0 ? args[0] : null);
        withVersion(cli);   // demo -V, study gradient-norm -V and the like print it too
        oneLineOptionErrors(cli);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + describe(e));
            if (Boolean.getBoolean("vecgrad.trace")) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }

    /**
     * The command line, with only the sub-command named {@code first} when there is one of that
     * name, else with all of them (for the usage, {@code --version}, and the suggestions for a
     * misspelt command). Picocli builds a command's model by reflection when the command is
     * added, about 15 ms each on a cold JVM: a run pays for the one it runs (the whole command
     * line took 0.31 s to build, one sub-command 0.19 s).
     */
    static CommandLine commandLine(String first) {
        // the cores the --threads and --jobs help texts name (${sys:vecgrad.cores})
        System.setProperty("vecgrad.cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        CommandLine cli = new CommandLine(new Main());
        List<Class<?>> named = COMMANDS.stream().filter(c -> c.getAnnotation(Command.class).name().equals(first)).toList();
        for (Class<?> c : named.isEmpty() ? COMMANDS : named) {
            cli.addSubcommand(c);
        }
        return cli;
    }

    /**
     * Makes a bad option one line on standard error, exit code 2: the command, picocli's
     * message, the nearest options it suggests, and where the usage is (instead of the usage
     * itself, which buried the message under up to 97 lines). The bench CLI uses it too.
     */
    public static void oneLineOptionErrors(CommandLine cli) {
        cli.setParameterExceptionHandler((e, given) -> {
            CommandLine cmd = e.getCommandLine();
            String name = cmd.getCommandSpec().qualifiedName();
            String line = name + ": " + describe(e);
            if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                line += " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
            }
            cmd.getErr().println(line + "; see " + name + " --help");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
    }

    private static void withVersion(CommandLine cmd) {
        for (CommandLine sub : cmd.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(new Version());
            withVersion(sub);
        }
    }

    /** One line: the message, or for file-system errors the file and what went wrong. */
    static String describe(Throwable e) {
        if (e instanceof NoSuchFileException n) {
            return n.getReason() != null ? n.getMessage() : "no such file: " + n.getFile();
        }
        if (e instanceof FileSystemException f) {
            return f.getMessage();
        }
        String m = e.getMessage();
        return m == null ? e.toString() : m.replace('\n', ' ');
    }

    /** {@code --version}: vecgrad's version, the JDK, and what the kernels run on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (var in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"vecgrad " + p.getProperty("version", "(unknown version)"),
                "JDK " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.home") + ")",
                dev.vecgrad.kernels.Backend.summary()};
        }
    }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
