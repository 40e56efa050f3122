package io.simstream.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class RegistryClientConfigTest {
    @Test
    void readsConfluentKeys() {
        Properties p = new Properties();
        p.setProperty("schema.registry.url", "https://r1:8081, https://r2:8081/apis/ccompat/v7");
        p.setProperty("basic.auth.credentials.source", "USER_INFO");
        p.setProperty("basic.auth.user.info", "svc:secret");
        p.setProperty("schema.registry.ssl.truststore.location", "/etc/ssl/trust.p12");
        p.setProperty("schema.registry.ssl.truststore.password", "tpass");
        p.setProperty("schema.registry.ssl.keystore.location", "/etc/ssl/key.p12");
        p.setProperty("schema.registry.ssl.keystore.password", "kpass");
        p.setProperty("http.connect.timeout.ms", "1500");
        p.setProperty("schema.registry.http.read.timeout.ms", "2500");
        p.setProperty("max.retries", "5");
        p.setProperty("retries.wait.ms", "50");
        p.setProperty("retries.max.wait.ms", "800");
        RegistryClientConfig c = RegistryClientConfig.fromProperties(p);
        assertEquals(List.of(URI.create("https://r1:8081"), URI.create("https://r2:8081/apis/ccompat/v7")), c.urls());
        assertEquals(Optional.of("svc:secret"), c.basicAuthUserInfo());
        assertEquals(Duration.ofMillis(1500), c.connectTimeout());
        assertEquals(Duration.ofMillis(2500), c.requestTimeout());
        assertEquals(5, c.maxRetries());
        assertEquals(Duration.ofMillis(50), c.retryBackoff());
        assertEquals(Duration.ofMillis(800), c.maxRetryBackoff());
        RegistryClientConfig.TlsSettings tls = c.tls().orElseThrow();
        assertEquals(Optional.of(Path.of("/etc/ssl/trust.p12")), tls.truststoreLocation());
        assertEquals(Optional.of("kpass"), tls.keystorePassword());
        assertFalse(c.toString().contains("secret") || c.toString().contains("pass"), c.toString());
        assertTrue(c.toString().contains("svc"), c.toString());
    }

    @Test
    void defaultsAndCredentialsInTheUrl() {
        RegistryClientConfig plain = RegistryClientConfig.of("http://localhost:8081");
        assertEquals(RegistryClientConfig.DEFAULT_MAX_RETRIES, plain.maxRetries());
        assertEquals(Optional.empty(), plain.basicAuthUserInfo());
        assertEquals(Optional.empty(), plain.tls());

        RegistryClientConfig fromUrl = RegistryClientConfig.fromMap(Map.of(
                "schema.registry.url", "http://bob:pw@localhost:8081", "basic.auth.credentials.source", "URL"));
        assertEquals(Optional.of("bob:pw"), fromUrl.basicAuthUserInfo());
        assertEquals(URI.create("http://localhost:8081"), fromUrl.urls().get(0), "credentials are not sent in the URL");
    }

    @Test
    void confluentSerdeSettingsAndTheirDefaults() {
        RegistryClientConfig d = RegistryClientConfig.of("http://h:1");
        assertEquals(SerdeSettings.DEFAULT, d.serde());
        assertTrue(d.serde().autoRegister() && !d.serde().useLatestVersion() && d.serde().latestCompatibilityStrict());
        RegistryClientConfig c = RegistryClientConfig.fromMap(Map.of("schema.registry.url", "http://h:1",
                "auto.register.schemas", "false", "use.latest.version", "true", "latest.compatibility.strict", "false",
                "value.subject.name.strategy", "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
                "key.subject.name.strategy", "RecordNameStrategy", "bearer.auth.token", "tok"));
        assertEquals(new SerdeSettings(false, true, false, SubjectNameStrategy.TOPIC_RECORD_NAME,
                SubjectNameStrategy.RECORD_NAME), c.serde());
        assertEquals(Optional.of("tok"), c.bearerToken());
        assertFalse(c.toString().contains("tok"), c.toString());
        assertEquals("pairs-io.simstream.avro.VectorPair", c.serde().valueStrategy().subject("pairs", false,
                io.simstream.avro.VectorPair.getClassSchema()));
    }

    @Test
    void credentialsSources() {
        // Confluent's default source is URL: credentials in the URL are used, and percent-decoded.
        assertEquals(Optional.of("bob:p@ss"), RegistryClientConfig.of("http://bob:p%40ss@h:1").basicAuthUserInfo());
        // USER_INFO ignores the URL's.
        assertEquals(Optional.of("svc:x"), RegistryClientConfig.fromMap(Map.of("schema.registry.url", "http://bob:pw@h:1",
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "svc:x")).basicAuthUserInfo());
        RegistryClientConfig sasl = RegistryClientConfig.fromMap(Map.of("schema.registry.url", "http://h:1",
                "basic.auth.credentials.source", "SASL_INHERIT", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"a-secret\";"));
        assertEquals(Optional.of("alice:a-secret"), sasl.basicAuthUserInfo());
    }

    @Test
    void badSettingsSayWhich() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryClientConfig.fromMap(Map.of()))
                .getMessage().contains("schema.registry.url"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryClientConfig.of("localhost:8081"))
                .getMessage().contains("http"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryClientConfig.fromMap(Map.of(
                "schema.registry.url", "http://h:1", "max.retries", "-1"))).getMessage().contains("max.retries"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryClientConfig.fromMap(Map.of(
                "schema.registry.url", "http://h:1", "http.read.timeout.ms", "soon"))).getMessage().contains("http.read.timeout.ms"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryClientConfig.fromMap(Map.of(
                "schema.registry.url", "http://h:1", "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "nopassword"))).getMessage().contains("user:password"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryClientConfig.fromMap(Map.of(
                "schema.registry.url", "http://h:1", "auto.register.schema", "false"))).getMessage().contains("auto.register.schema"));
    }
}
