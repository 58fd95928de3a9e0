package dev.vecgrad.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the README and of docs/, compiled as the reader would paste it: the block's
 * own imports and statements, in a method, against the library. A block that continues an
 * earlier one (the Trainer after the loop) is compiled after it. Only what a block takes from
 * prose around it is declared here, in {@link #CONTEXT}, and nothing is imported for it. The one
 * block of pseudo-code (the kernel signatures, with {@code ...}) is recognised and left out.
 * {@link ReadmeTourTest} runs the tour; this test catches a README that no longer compiles.
 */
class ReadmeCompilesTest {

    /** What the prose gives a block (by its first line): declarations it uses but does not make. */
    private static final List<String[]> CONTEXT = List.<String[]>of(
            new String[] {"LSTM lstm", "java.util.Random rng = new java.util.Random(0); "
                    + "dev.vecgrad.autograd.Tensor x = dev.vecgrad.autograd.Tensor.zeros(5, 3, 32); "
                    + "int[] lengths = {5, 4, 2}; dev.vecgrad.models.rnn.RNNBase.State state;"});

    @TempDir
    Path out;

    /** The pages a reader pastes from, in reading order: the README, then docs/ (the guide, the Java API tour, ...). */
    static final List<String> PAGES = List.of("README.md", "docs/guide.md", "docs/java-api.md", "docs/internals.md",
            "docs/benchmarks.md", "docs/contributing.md");

    /** The README and the docs/ pages, one after the other. */
    static String documentation() throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        StringBuilder all = new StringBuilder();
        for (String page : PAGES) {
            Path p = root.resolve(page);
            assertTrue(Files.exists(p), page + " in the project: " + p);
            all.append(Files.readString(p)).append('\n');
        }
        return all.toString();
    }

    static List<String> javaBlocks(String readme) {
        List<String> blocks = new ArrayList<>();
        String[] lines = readme.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].strip().equals("```java")) {
                StringBuilder b = new StringBuilder();
                for (i++; i < lines.length && !lines[i].strip().equals("```"); i++) {
                    b.append(lines[i]).append('\n');
                }
                blocks.add(b.toString());
            }
        }
        return blocks;
    }

    /** A block as one compilation unit: its imports on top, the rest in a method. */
    static String unit(String name, String context, String body) {
        StringBuilder imports = new StringBuilder();
        StringBuilder code = new StringBuilder();
        for (String line : body.split("\n")) {
            (line.startsWith("import ") ? imports : code).append(line).append('\n');
        }
        return imports + "class " + name + " {\n    void run() throws Exception {\n" + context + "\n" + code + "    }\n}\n";
    }

    @Test
    void everyJavaBlockCompilesAsPasted() throws IOException {
        List<String> blocks = javaBlocks(documentation());
        assertTrue(blocks.size() >= 5, "the README's Java blocks were found: " + blocks.size());

        List<JavaFileObject> units = new ArrayList<>();
        List<String> previous = new ArrayList<>();
        int skipped = 0;
        for (int b = 0; b < blocks.size(); b++) {
            String block = blocks.get(b);
            if (block.contains("(...)")) {                        // the kernels' signatures: pseudo-code
                skipped++;
                continue;
            }
            boolean continues = !previous.isEmpty() && usesUndeclared(block, "data", "model");
            String body = continues ? String.join("", previous) + block : block;
            String context = "";
            for (String[] c : CONTEXT) {
                if (block.contains("\n" + c[0]) || block.startsWith(c[0])) {
                    context = c[1];
                }
            }
            String name = "ReadmeBlock" + (b + 1);
            units.add(source(name, unit(name, context, body)));
            previous = block.contains("var data =") ? List.of(block) : previous;
        }
        assertEquals(1, skipped, "exactly one block of pseudo-code");

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "tests run on a JDK with javac");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            List<String> options = List.of("-d", out.toString(), "-classpath", classpath(), "-proc:none",
                    "--add-modules", "jdk.incubator.vector", "-Xlint:-incubating");
            boolean ok = javac.getTask(new StringWriter(), files, diagnostics, options, null, units).call();
            String errors = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null))
                    .collect(Collectors.joining("\n"));
            assertTrue(ok, "README blocks that do not compile as pasted:\n" + errors);
        }
        assertEquals(units.size(), blocks.size() - skipped);
    }

    /** True if the block uses the tour's variables without declaring them. */
    private static boolean usesUndeclared(String block, String... names) {
        for (String n : names) {
            if (block.matches("(?s).*\\b" + n + "\\.\\w.*") && !block.matches("(?s).*\\bvar " + n + "\\b.*")) {
                return true;
            }
        }
        return false;
    }

    private static JavaFileObject source(String name, String code) {
        return new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        };
    }

    /** The test's class path, unwrapped from Surefire's manifest-only jar when it uses one. */
    private static String classpath() throws IOException {
        String cp = System.getProperty("java.class.path");
        List<String> entries = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            entries.add(e);
            if (e.endsWith(".jar") && new File(e).getName().startsWith("surefirebooter")) {
                try (JarFile jar = new JarFile(e)) {
                    String manifestCp = jar.getManifest().getMainAttributes().getValue("Class-Path");
                    if (manifestCp != null) {
                        for (String u : manifestCp.trim().split("\\s+")) {
                            entries.add(new File(URI.create(u)).getPath());
                        }
                    }
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
