package dev.vecgrad.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README and docs/ link to files that exist (pages, pictures, the licence), the README starts
 * with the two commands a newcomer types, and its pictures are small enough to commit.
 */
class DocsLinksTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

    @Test
    void everyRelativeLinkAndPictureExists() throws Exception {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (var docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        int links = 0;
        for (Path page : pages) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.startsWith("http://") || target.startsWith("https://")) {
                    continue;
                }
                links++;
                Path file = page.getParent().resolve(target).normalize();
                assertTrue(Files.exists(file), ROOT.relativize(page) + " links to " + target + ", which does not exist");
                if (target.endsWith(".png")) {
                    assertTrue(Files.size(file) < 200_000, target + " is " + Files.size(file) + " bytes: keep the pictures small");
                }
            }
        }
        assertTrue(links >= 15, "the pages link to each other and show their pictures: " + links);
        List<String> first = Files.readAllLines(ROOT.resolve("README.md")).subList(0, 2);
        assertEquals(List.of("    ./vecgrad demo", "    ./vecgrad test"), first, "the README starts with the two commands");
        assertTrue(Files.readString(ROOT.resolve("LICENSE")).contains("Apache License"));
    }
}
