package io.simstream.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The lines the design keeps, checked on the sources: the scoring path never reaches ND4J, DL4J or
 * the training code (a scorer must not load native libraries; drift detection runs in the scorer), and
 * topology builders do no I/O.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/io/simstream");
    private static final List<String> SCORING_PATH = List.of("scoring", "lifecycle", "deadletter", "model", "registry", "topics", "config", "observability",
            "signing", "provenance", "drift");
    private static final List<String> NATIVE_OR_TRAINING = List.of("import org.nd4j", "import org.deeplearning4j",
            "import io.simstream.training", "import io.simstream.retraining", "import io.simstream.demo");
    private static final List<String> TOPOLOGY_BUILDERS = List.of("scoring/ScoringTopology.java",
            "retraining/OnlineQualityTopology.java");
    private static final List<String> IO = List.of("import java.net", "import java.nio.file", "import java.io.File",
            "KafkaProducer", "KafkaConsumer", "Admin.create", "HttpClient", "new Socket", "Files.");

    @Test
    void scoringPathNeverImportsNativeOrTrainingCode() throws IOException {
        Map<String, String> offenders = scan(SCORING_PATH, NATIVE_OR_TRAINING);
        assertEquals(Map.of(), offenders, "scoring-path sources that reach ND4J/DL4J or training code");
    }

    @Test
    void topologyBuildersDoNoIo() throws IOException {
        Map<String, String> offenders = scan(TOPOLOGY_BUILDERS, IO);
        assertEquals(Map.of(), offenders, "topology builders must be pure functions of their config");
    }

    /** config is a leaf: capabilities read typed values from it, it never builds their objects. */
    @Test
    void configImportsNoCapability() throws IOException {
        Map<String, String> offenders = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN.resolve("config"))) {
            for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (line.startsWith("import io.simstream.") && !line.startsWith("import io.simstream.config.")
                            && !line.equals("import io.simstream.UserInputException;")) {
                        offenders.put(MAIN.relativize(f).toString(), line);
                    }
                }
            }
        }
        assertEquals(Map.of(), offenders, "config must import no capability package");
    }

    private static Map<String, String> scan(List<String> roots, List<String> forbidden) throws IOException {
        Map<String, String> offenders = new TreeMap<>();
        for (String root : roots) {
            Path p = MAIN.resolve(root);
            assertFalse(Files.notExists(p), p + " does not exist: update this test with the code");
            try (Stream<Path> files = Files.isDirectory(p) ? Files.walk(p) : Stream.of(p)) {
                for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                    String src = Files.readString(f);
                    for (String bad : forbidden) {
                        if (src.contains(bad)) {
                            offenders.put(MAIN.relativize(f).toString(), bad);
                        }
                    }
                }
            }
        }
        return offenders;
    }
}
