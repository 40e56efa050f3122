package io.simstream.docs;

import io.simstream.config.ClusterConfig;
import io.simstream.config.ConfigField;
import io.simstream.config.DeclaredConfig;
import io.simstream.config.RetrainConfig;
import io.simstream.config.ScoringConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generated blocks of the configuration reference: {@link ReadmeTest} checks them, and
 * {@code main} rewrites them in place after a setting changed (run it from the test classpath with
 * the file as argument).
 */
final class ConfigReference {
    static final Path FILE = Path.of("docs", "configuration.md");

    private ConfigReference() {
    }

    /** Block name -> the fields it lists. */
    static Map<String, List<ConfigField>> blocks() {
        Map<String, List<ConfigField>> b = new LinkedHashMap<>();
        b.put("cluster", ClusterConfig.FIELDS);
        b.put("serve", ScoringConfig.OWN_FIELDS);
        b.put("retrain", RetrainConfig.OWN_FIELDS);
        return b;
    }

    static String begin(String name) {
        return "<!-- config:" + name + " -->\n";
    }

    static String end(String name) {
        return "<!-- /config:" + name + " -->";
    }

    static String regenerate(String text) {
        for (Map.Entry<String, List<ConfigField>> e : blocks().entrySet()) {
            int from = text.indexOf(begin(e.getKey()));
            int to = text.indexOf(end(e.getKey()));
            if (from < 0 || to < from) {
                throw new IllegalStateException("no " + begin(e.getKey()).trim() + " block");
            }
            text = text.substring(0, from + begin(e.getKey()).length()) + DeclaredConfig.markdown(e.getValue())
                    + text.substring(to);
        }
        return text;
    }

    public static void main(String[] args) throws IOException {
        Path file = args.length > 0 ? Path.of(args[0]) : FILE;
        Files.writeString(file, regenerate(Files.readString(file)));
        System.out.println("rewrote the configuration blocks of " + file);
    }
}
