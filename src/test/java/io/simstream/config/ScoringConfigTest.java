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

class ScoringConfigTest {
    @TempDir
    Path dir;

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
        Path file = dir.resolve("scoring.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\nregistry.url=http://file\nnum.stream.threads=2\n"
                + "application.id=from-file\n");
        ScoringConfig c = ScoringConfig.load(file,
                Map.of("SIMSTREAM_APPLICATION_ID", "from-env", "SIMSTREAM_NUM_STREAM_THREADS", "3", "PATH", "/x"),
                Map.of("num.stream.threads", "4"));
        assertEquals("file:9092", c.get(ScoringConfig.BOOTSTRAP));
        assertEquals("from-env", c.get(ScoringConfig.APPLICATION_ID));
        assertEquals(4, c.getInt(ScoringConfig.THREADS));
        assertEquals("default", c.get(ScoringConfig.MODEL_NAME));
        assertEquals(ScoringConfig.Guarantee.EXACTLY_ONCE_V2, c.guarantee());
    }

    @Test
    void serveKeepsItsRegistryCallsShortSoRegistryWaitDoesTheWaitingUnlessGivenOtherwise() {
        ScoringConfig c = ScoringConfig.of(Map.of("bootstrap.servers", "b:1", "registry.url", "http://r"));
        assertEquals("5000", c.registryClientSettings().get("http.read.timeout.ms"));
        assertEquals("5000", c.registryClientSettings().get("http.connect.timeout.ms"));
        assertEquals("1", c.registryClientSettings().get("max.retries"));
        ScoringConfig given = ScoringConfig.of(Map.of("bootstrap.servers", "b:1", "registry.url", "http://r",
                "registry.http.read.timeout.ms", "20000", "registry.max.retries", "0"));
        assertEquals("20000", given.registryClientSettings().get("http.read.timeout.ms"));
        assertEquals("0", given.registryClientSettings().get("max.retries"));
        // Other commands keep the cluster defaults.
        assertEquals("30000", RetrainConfig.of(Map.of("bootstrap.servers", "b:1", "registry.url", "http://r"))
                .cluster().registryClientSettings().get("http.read.timeout.ms"));
    }

    @Test
    void kafkaPrefixedKeysPassThroughAndRegistryKeysGoToTheRegistryClientUnderConfluentNames() {
        ScoringConfig c = ScoringConfig.load(null, Map.of("SIMSTREAM_KAFKA_SECURITY_PROTOCOL", "SSL"), Map.of(
                "bootstrap.servers", "b:1", "registry.url", "http://r", "kafka.sasl.mechanism", "PLAIN",
                "kafka.max.poll.records", "100", "kafka.producer.linger.ms", "5",
                "registry.basic.auth.user.info", "u:p", "registry.basic.auth.credentials.source", "USER_INFO",
                "schema.registry.ssl.truststore.location", "/t.p12", "processing.guarantee", "at_least_once"));
        assertEquals(Map.of("security.protocol", "SSL", "sasl.mechanism", "PLAIN", "max.poll.records", "100",
                "producer.linger.ms", "5"), c.kafkaOverrides());
        Map<String, String> registry = c.registryClientSettings();
        assertEquals("http://r", registry.get("schema.registry.url"));
        assertEquals("u:p", registry.get("basic.auth.user.info"));
        assertEquals("USER_INFO", registry.get("basic.auth.credentials.source"));
        assertEquals("true", registry.get("auto.register.schemas"));
        assertEquals("TopicNameStrategy", registry.get("value.subject.name.strategy"));
        assertEquals("/t.p12", registry.get("schema.registry.ssl.truststore.location"));
        assertEquals(ScoringConfig.Guarantee.AT_LEAST_ONCE, c.guarantee());
    }

    @Test
    void confluentsOwnNamesForTheUrlAndUserInfoAreAccepted() {
        ScoringConfig c = ScoringConfig.of(Map.of("bootstrap.servers", "b:1", "schema.registry.url", "http://r",
                "schema.registry.basic.auth.user.info", "u:p", "registry.basic.auth.credentials.source", "USER_INFO"));
        assertEquals("http://r", c.get(ScoringConfig.REGISTRY_URL));
        assertEquals("u:p", c.registryClientSettings().get("basic.auth.user.info"));
    }

    @Test
    void invalidAndMissingValuesNameTheSettingAndWhereItCameFrom() {
        var bad = assertThrows(UserInputException.class, () -> ScoringConfig.load(null,
                Map.of("SIMSTREAM_NUM_STREAM_THREADS", "zero"), Map.of("bootstrap.servers", "b", "registry.url", "r")));
        assertTrue(bad.getMessage().contains("num.stream.threads") && bad.getMessage().contains("SIMSTREAM_NUM_STREAM_THREADS")
                && bad.getMessage().contains("whole number"), bad.getMessage());
        var missing = assertThrows(UserInputException.class, () -> ScoringConfig.load(null, Map.of(),
                Map.of("registry.url", "r")));
        assertTrue(missing.getMessage().contains("bootstrap.servers"), missing.getMessage());
        var guarantee = assertThrows(UserInputException.class, () -> ScoringConfig.of(Map.of("bootstrap.servers", "b",
                "registry.url", "r", "processing.guarantee", "exactly_once")));
        assertTrue(guarantee.getMessage().contains("exactly_once_v2"), guarantee.getMessage());
    }

    @Test
    void helpListsEveryDeclaredSetting() {
        String help = ScoringConfig.describe();
        for (ConfigField f : ScoringConfig.FIELDS) {
            assertTrue(help.contains(f.name()) && help.contains(f.envName()), "help lacks " + f.name());
        }
    }
}
