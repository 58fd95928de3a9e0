package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide's (docs/guide.md) ablation in Java, compiled and run as a reader would paste it (its folder made a
 * temporary one), against {@code ./vecgrad ablate} with the options the guide gives for it: the
 * same trials with the same results, and the same report rows.
 */
class ReadmeStudyTest {

    /** The guide's command the Java block is the same study as. */
    private static final String COMMAND = "./vecgrad ablate --dataset moons --hidden 16,16 --epochs 20 --vary activation=tanh,sigmoid"
            + " --vary batch-size=16";

    @TempDir
    Path dir;

    @Test
    void theReadmesJavaAblationGivesTheCommandLinesResults() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("guide.md"));
        assertTrue(readme.contains("\n" + COMMAND + "\n"), "the guide shows the command: " + COMMAND);
        String block = javaBlocks(readme).stream().filter(b -> b.contains("Ablation.of(")).findFirst().orElseThrow();
        String folder = "Path.of(\"runs\", \"ablate-moons-java\")";
        assertTrue(block.contains(folder), block);
        Path javaDir = dir.resolve("java");
        block = block.replace(folder, "Path.of(" + dev.vecgrad.models.io.Json.quote(javaDir.toString()) + ")");

        runBlock(block);
        Path cliDir = dir.resolve("cli");
        List<String> args = new ArrayList<>(List.of(COMMAND.substring("./vecgrad ".length()).split(" ")));
        args.addAll(List.of("--out", cliDir.toString()));
        CliTest.Result cli = CliTest.run(args.toArray(String[]::new));
        assertEquals(0, cli.code(), cli.err());

        Map<String, String> fromJava = AblationTest.results(javaDir);
        assertEquals(4 * 3 * 2, fromJava.size(), "4 variants x 3 rates x 2 seeds");
        assertEquals(AblationTest.results(cliDir), fromJava, "every trial, less its wall time");
        assertEquals(Files.readString(cliDir.resolve("study.json")), Files.readString(javaDir.resolve("study.json")), "the same plan");
    }

    /** The guide's {@code ```java} blocks. */
    private static List<String> javaBlocks(String readme) {
        return java.util.regex.Pattern.compile("(?ms)^```java\\n(.*?)^```$").matcher(readme).results().map(m -> m.group(1)).toList();
    }

    /** Compiles the block as one class (its imports on top, the rest in a method) and runs that method. */
    private void runBlock(String block) throws Exception {
        StringBuilder imports = new StringBuilder();
        StringBuilder code = new StringBuilder();
        for (String line : block.split("\n")) {
            (line.startsWith("import ") ? imports : code).append(line).append('\n');
        }
        String source = imports + "public class ReadmeStudy implements java.util.concurrent.Callable<Object> {\n"
                + "    public Object call() throws Exception {\n" + code + "        return null;\n    }\n}\n";
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "tests run on a JDK with javac");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///ReadmeStudy.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        boolean ok = javac.getTask(null, null, diagnostics, List.of("-d", classes.toString(), "-classpath", classpath(), "-proc:none",
                "--add-modules", "jdk.incubator.vector", "-Xlint:-incubating"), null, List.of(unit)).call();
        assertTrue(ok, "the README's block does not compile as pasted:\n" + diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR).map(d -> d.getLineNumber() + ": " + d.getMessage(null))
                .collect(Collectors.joining("\n")));
        try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            ((java.util.concurrent.Callable<?>) loader.loadClass("ReadmeStudy").getDeclaredConstructor().newInstance()).call();
        }
    }

    /** The test's class path, unwrapped from Surefire's manifest-only jar when it uses one. */
    private static String classpath() throws Exception {
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            entries.add(e);
            if (e.endsWith(".jar") && new File(e).getName().startsWith("surefirebooter")) {
                try (JarFile jar = new JarFile(e)) {
                    String cp = jar.getManifest().getMainAttributes().getValue("Class-Path");
                    for (String u : cp == null ? new String[0] : cp.split(" ")) {
                        if (!u.isBlank()) {
                            entries.add(new File(URI.create(u)).getPath());
                        }
                    }
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
