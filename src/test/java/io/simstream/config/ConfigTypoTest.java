package io.simstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10 item 7: an unknown setting fails at startup with the nearest known name; all problems at once. */
class ConfigTypoTest {
    private static final Map<String, String> BASE = Map.of("bootstrap.servers", "b:1", "registry.url", "http://r");

    @TempDir
    Path dir;

    private static String failure(Runnable load) {
        return assertThrows(UserInputException.class, load::run).getMessage();
    }

    @Test
    void anUnknownSettingFailsWithASuggestion() {
        String env = failure(() -> RetrainConfig.load(null, Map.of("SIMSTREAM_WINDOW_SIZ", "100"), BASE));
        assertTrue(env.contains("SIMSTREAM_WINDOW_SIZ") && env.contains("did you mean SIMSTREAM_WINDOW_SIZE?"), env);

        String flag = failure(() -> ScoringConfig.load(null, Map.of(), with("num.stream.thread", "2")));
        assertTrue(flag.contains("'num.stream.thread'") && flag.contains("did you mean 'num.stream.threads'?"), flag);

        String registry = failure(() -> ScoringConfig.of(with("registry.auto.register.schema", "false")));
        assertTrue(registry.contains("did you mean 'registry.auto.register.schemas'?"), registry);

        String bare = failure(() -> ScoringConfig.of(with("auto.register.schemas", "false")));
        assertTrue(bare.contains("did you mean 'registry.auto.register.schemas'?"), bare);
    }

    @Test
    void kafkaPassThroughIsCheckedAgainstKafkasOwnConfigDefs() throws Exception {
        String kafka = failure(() -> ScoringConfig.of(with("kafka.securty.protocol", "SSL")));
        assertTrue(kafka.contains("not a Kafka client or Streams setting") && kafka.contains("'kafka.security.protocol'"), kafka);
        String unprefixed = failure(() -> ScoringConfig.of(with("max.poll.records", "10")));
        assertTrue(unprefixed.contains("did you mean 'kafka.max.poll.records'?"), unprefixed);
        String envKafka = failure(() -> ScoringConfig.load(null, Map.of("SIMSTREAM_KAFKA_SASL_MECHANISMS", "PLAIN"), BASE));
        assertTrue(envKafka.contains("'kafka.sasl.mechanism'"), envKafka);
        // Streams' per-client prefixes and topic configs pass.
        ScoringConfig ok = ScoringConfig.of(with("kafka.main.consumer.max.poll.records", "7", "kafka.topic.segment.bytes", "1000000"));
        assertEquals("7", ok.kafkaOverrides().get("main.consumer.max.poll.records"));
    }

    @Test
    void everyProblemIsReportedAtOnceFromEverySource() throws Exception {
        Path file = dir.resolve("x.properties");
        Files.writeString(file, "registry.url=http://r\nwindow.sise=10\n");
        String all = failure(() -> RetrainConfig.load(file, Map.of("SIMSTREAM_GATE_METRC", "auc"),
                Map.of("holdout.fraction", "2", "kafka.linger.mss", "1")));
        assertTrue(all.startsWith("5 configuration problems:"), all);
        for (String part : new String[] {"bootstrap.servers", "window.sise", "SIMSTREAM_GATE_METRC", "holdout.fraction",
                "kafka.linger.mss"}) {
            assertTrue(all.contains(part), part + " missing in: " + all);
        }
    }

    @Test
    void crossFieldChecks() {
        String labels = failure(() -> RetrainConfig.of(with("retrain.min.labels", "600", "window.size", "500")));
        assertTrue(labels.contains("retrain.min.labels (600) must be <= window.size (500)"), labels);
        String latest = failure(() -> ScoringConfig.of(with("registry.use.latest.version", "true")));
        assertTrue(latest.contains("registry.auto.register.schemas=false"), latest);
        String userInfo = failure(() -> ScoringConfig.of(with("registry.basic.auth.credentials.source", "USER_INFO")));
        assertTrue(userInfo.contains("needs registry.basic.auth.user.info"), userInfo);
        String sasl = failure(() -> ScoringConfig.of(with("registry.basic.auth.credentials.source", "SASL_INHERIT")));
        assertTrue(sasl.contains("kafka.sasl.jaas.config"), sasl);
    }

    @Test
    void aSharedFileOrEnvironmentMayHoldOtherCommandsSettingsButAFlagMayNot() throws Exception {
        Path file = dir.resolve("shared.properties");
        Files.writeString(file, "bootstrap.servers=b:1\nregistry.url=http://r\nwindow.size=100\nnum.stream.threads=2\n");
        ScoringConfig serve = ScoringConfig.load(file, Map.of("SIMSTREAM_GATE_METRIC", "auc"), Map.of());
        assertEquals(2, serve.getInt(ScoringConfig.THREADS));
        ClusterConfig.load(file, Map.of(), Map.of());
        String flag = failure(() -> ScoringConfig.load(null, Map.of(), with("window.size", "100")));
        assertTrue(flag.contains("not a setting of this command"), flag);
    }

    @Test
    void launcherAndKubernetesServiceVariablesAreNotSettingsButDeclaredOnesEndingInPortAre() {
        ScoringConfig c = ScoringConfig.load(null, Map.of("SIMSTREAM_JAR", "x.jar", "SIMSTREAM_SCORER_SERVICE_HOST", "10.0.0.1",
                "SIMSTREAM_SCORER_PORT_9464_TCP_ADDR", "10.0.0.1", "SIMSTREAM_SCORER_SERVICE_PORT", "9464",
                "SIMSTREAM_KAFKA_SERVICE_HOST", "10.0.0.2", "SIMSTREAM_METRICS_PORT", "12345"), BASE);
        assertEquals(12345, c.getInt(ScoringConfig.METRICS_PORT));
    }

    @Test
    void subjectNameStrategiesAcceptConfluentsClassNames() {
        ScoringConfig c = ScoringConfig.of(with("registry.value.subject.name.strategy",
                "io.confluent.kafka.serializers.subject.RecordNameStrategy"));
        assertEquals("io.confluent.kafka.serializers.subject.RecordNameStrategy",
                c.registryClientSettings().get("value.subject.name.strategy"));
        String bad = failure(() -> ScoringConfig.of(with("registry.value.subject.name.strategy", "TopicStrategy")));
        assertTrue(bad.contains("TopicRecordNameStrategy"), bad);
    }

    private static Map<String, String> with(String... kv) {
        Map<String, String> m = new java.util.HashMap<>(BASE);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
