package io.simstream.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.config.ConfigField;
import io.simstream.config.DeclaredConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration reference is generated from the declared config; this test fails
 * when the two drift apart, and prints the block to paste.
 */
class ReadmeTest {
    private static final Path README = Path.of("README.md");

    @Test
    void configurationReferenceMatchesTheDeclaredSettings() throws Exception {
        String text = Files.readString(ConfigReference.FILE);
        ConfigReference.blocks().forEach((name, fields) -> assertBlock(text, name, fields));
    }

    @Test
    void holdsExactlyTheTwoSetupCommandsThatCiUses() throws Exception {
        String readme = Files.readString(README);
        assertTrue(readme.contains("bin/simstream demo"), "the main-job command");
        assertTrue(readme.contains("mvn -B verify"), "the test command");
        assertTrue(Files.readString(Path.of(".ci/run")).contains("mvn -B verify"), ".ci/run runs the README's test command");
    }

    /** The README is the front door: short, and every link it and docs/ hold leads somewhere. */
    @Test
    void theReadmeStaysUnder15KbAndEveryRelativeLinkResolves() throws Exception {
        assertTrue(Files.size(README) <= 15 * 1024, "README.md is " + Files.size(README) + " bytes; details go to docs/");
        List<Path> pages = new java.util.ArrayList<>(List.of(README, Path.of("ops", "RUNBOOK.md")));
        try (var docs = Files.list(Path.of("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).forEach(pages::add);
        }
        List<String> broken = new java.util.ArrayList<>();
        java.util.regex.Pattern link = java.util.regex.Pattern.compile("\\]\\(([^)\\s]+)\\)");
        for (Path page : pages) {
            var m = link.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("#")) {
                    continue;
                }
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                Path resolved = page.toAbsolutePath().getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(page + " -> " + target);
                }
            }
        }
        assertEquals(List.of(), broken, "links to files that do not exist");
    }

    private static void assertBlock(String readme, String name, List<ConfigField> fields) {
        String begin = "<!-- config:" + name + " -->\n";
        String end = "<!-- /config:" + name + " -->";
        int from = readme.indexOf(begin);
        int to = readme.indexOf(end);
        String expected = DeclaredConfig.markdown(fields);
        assertTrue(from >= 0 && to > from, ConfigReference.FILE + " lacks the " + begin.trim() + " block; paste:\n"
                + begin + expected + end);
        assertEquals(expected, readme.substring(from + begin.length(), to), ConfigReference.FILE + "'s " + name
                + " settings are out of date: run io.simstream.docs.ConfigReference from the test classpath");
    }
}
