package io.simstream.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lines the design keeps, checked on the bytecode of the main classes (so a fully qualified
 * name written inline counts as much as an import): the scoring path never reaches ND4J, DL4J or the
 * training code (a scorer must not load native libraries; drift detection runs in the scorer),
 * topology builders do no I/O, config is a leaf, and the capability packages form no cycle.
 */
class ArchitectureTest {
    /** The packages the slim scorer jar is made of. */
    private static final String[] SCORING_PATH = {"io.simstream.scoring..", "io.simstream.lifecycle..",
        "io.simstream.deadletter..", "io.simstream.model..", "io.simstream.registry..", "io.simstream.topics..",
        "io.simstream.config..", "io.simstream.observability..", "io.simstream.signing..",
        "io.simstream.provenance..", "io.simstream.drift.."};

    private static final Pattern INLINE_NAME =
            Pattern.compile("\\b(?:java|javax|org|io|com)(?:\\.[a-z0-9_]+)+\\.[A-Z]\\w*");

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.simstream");
    }

    @Test
    void scoringPathNeverReachesNativeOrTrainingCode() {
        ArchRule rule = noClasses().that().resideInAnyPackage(SCORING_PATH)
                .should().dependOnClassesThat().resideInAnyPackage("org.nd4j..", "org.deeplearning4j..",
                        "org.bytedeco..", "io.simstream.training..", "io.simstream.retraining..", "io.simstream.demo..",
                        "io.simstream.bench..", "io.simstream.workflows..", "io.simstream.cli..")
                .because("a scorer must not load native libraries or training code (the slim jar leaves them out)");
        rule.check(main);
    }

    @Test
    void topologyBuildersDoNoIo() {
        ArchRule rule = noClasses().that().haveSimpleNameEndingWith("Topology")
                .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.file..", "java.io..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.kafka.clients.producer.KafkaProducer")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.kafka.clients.consumer.KafkaConsumer")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.kafka.clients.admin.Admin")
                .because("a topology is a pure function of its config: tests build it without a cluster");
        rule.check(main);
    }

    @Test
    void configIsALeaf() {
        noClasses().that().resideInAPackage("io.simstream.config..")
                .should().dependOnClassesThat().resideInAnyPackage(capabilityPackages())
                .because("capabilities read typed values from config; it never builds their objects")
                .check(main);
    }

    @Test
    void capabilityPackagesFormNoCycle() {
        slices().matching("io.simstream.(*)..").should().beFreeOfCycles().check(main);
    }

    /**
     * Names come in through imports, so a file's dependencies read at its top (and the rules above
     * read the same as a reviewer): no fully qualified class name inline in code. Strings, comments
     * and Javadoc links may name classes.
     */
    @Test
    void mainSourcesNameNoClassInline() throws IOException {
        Map<String, String> offenders = new TreeMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String code = codeOf(lines.get(i));
                    Matcher m = INLINE_NAME.matcher(code);
                    if (m.find()) {
                        offenders.put(f + ":" + (i + 1), m.group());
                    }
                }
            }
        }
        assertEquals(Map.of(), offenders, "write an import instead of the fully qualified name");
    }

    /** The line without string literals and comments; blank for import, package and comment lines. */
    private static String codeOf(String line) {
        String t = line.strip();
        if (t.startsWith("import ") || t.startsWith("package ") || t.startsWith("*") || t.startsWith("//")
                || t.startsWith("/*")) {
            return "";
        }
        String noStrings = line.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        int comment = noStrings.indexOf("//");
        return comment < 0 ? noStrings : noStrings.substring(0, comment);
    }

    /** Every io.simstream sub-package except config itself. */
    private static String[] capabilityPackages() {
        return main.stream().map(JavaClass::getPackageName)
                .filter(p -> p.startsWith("io.simstream.") && !p.startsWith("io.simstream.config"))
                .map(p -> "io.simstream." + p.substring("io.simstream.".length()).split("\\.")[0] + "..")
                .distinct().toArray(String[]::new);
    }
}
