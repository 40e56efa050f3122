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
