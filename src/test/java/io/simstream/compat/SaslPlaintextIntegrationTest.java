package io.simstream.compat;

import io.simstream.cli.Main;
import io.simstream.testkit.Await;
import io.simstream.testkit.RegistryProxy;
import io.simstream.testkit.SharedRegistry;
import io.simstream.testkit.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * publish, produce, models, dlq replay and score against a SASL_PLAINTEXT (PLAIN) broker listener:
 * the in-JVM KRaft test kit serves one (users plain-admin / plain-user1 from its JAAS file). The
 * Kafka security settings reach every command through the one loader (flags and a properties
 * file), and with basic.auth.credentials.source=SASL_INHERIT the same user reaches a registry that
 * requires it.
 */
@Tag("integration")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SaslPlaintextIntegrationTest {
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"plain-admin\" password=\"plain-admin-secret\";";
    private static KafkaClusterTestKit cluster;
    private static String bootstrap;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSaslBroker() throws Exception {
        Path base = Files.createTempDirectory("simstream-sasl-");
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                .setBaseDirectory(base).setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT).build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
        Map.of("offsets.topic.replication.factor", "1", "offsets.topic.num.partitions", "1",
                "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1",
                "group.initial.rebalance.delay.ms", "0", "message.max.bytes", String.valueOf(16 * 1024 * 1024))
                .forEach(builder::setConfigProp);
        cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        bootstrap = cluster.bootstrapServers();
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Map<String, Object> saslClient() {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", bootstrap);
        c.put("security.protocol", "SASL_PLAINTEXT");
        c.put("sasl.mechanism", "PLAIN");
        c.put("sasl.jaas.config", JAAS);
        return c;
    }

    @Test
    void publishAndProduceReachASaslPlaintextListenerAndTheRegistryInheritsTheSaslUser() throws Exception {
        Path model = dir.resolve("model.simstream");
        Files.write(model, io.simstream.testkit.TestModels.random(8, 3).toBytes());
        String topic = SharedRegistry.unique("models");
        try (RegistryProxy auth = RegistryProxy.basicAuth(SharedRegistry.url(), "plain-admin", "plain-admin-secret")) {
            int published = Main.run("publish", "--model", model.toString(), "--bootstrap", bootstrap,
                    "--registry-url", auth.url(), "--topic", topic,
                    "--set", "kafka.security.protocol=SASL_PLAINTEXT", "--set", "kafka.sasl.mechanism=PLAIN",
                    "--set", "kafka.sasl.jaas.config=" + JAAS,
                    "--set", "registry.basic.auth.credentials.source=SASL_INHERIT");
            assertEquals(0, published);
            assertFalse(auth.seen().isEmpty());
            // Every request carried the SASL user (a 404 is the lookup before registering a missing schema).
            assertTrue(auth.seen().stream().allMatch(s -> s.status() != 401), auth.seen().toString());
        }
        try (Admin admin = Admin.create(saslClient())) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            assertEquals("compact", admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r)
                    .get("cleanup.policy").value());
        }

        // produce reads the same settings from a properties file.
        Path props = dir.resolve("cluster.properties");
        Files.writeString(props, "bootstrap.servers=" + bootstrap + "\nregistry.url=" + SharedRegistry.url()
                + "\nkafka.security.protocol=SASL_PLAINTEXT\nkafka.sasl.mechanism=PLAIN\nkafka.sasl.jaas.config="
                + JAAS.replace("\"", "\\\"") + "\n");
        int produced = Main.run("produce", "--config", props.toString(), "--rate", "50", "--duration", "3s", "--dim", "4");
        assertEquals(0, produced);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(saslClient(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition("pairs", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
            Await.until("pairs produced over SASL", () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.size();
            }, n -> n > 0, Duration.ofSeconds(60));
        }
    }

    /**
     * The model-lifecycle and dead-letter commands and score take their clients from the same
     * loader: one properties file with the SASL settings and SASL_INHERIT registry auth reaches
     * publish, models show/export, dlq replay and score alike.
     */
    @Test
    void modelsDlqAndScoreReadTheSameSecuredSettingsFromAFile() throws Exception {
        String prefix = SharedRegistry.unique("sasl-ops") + "-";
        io.simstream.model.ModelArtifact artifact = io.simstream.testkit.TestModels.random(4, 7);
        Path model = dir.resolve("model.simstream");
        Files.write(model, artifact.toBytes());
        try (RegistryProxy auth = RegistryProxy.basicAuth(SharedRegistry.url(), "plain-admin", "plain-admin-secret")) {
            Path props = dir.resolve("secured.properties");
            Files.writeString(props, "bootstrap.servers=" + bootstrap + "\nregistry.url=" + auth.url()
                    + "\nregistry.basic.auth.credentials.source=SASL_INHERIT"
                    + "\nkafka.security.protocol=SASL_PLAINTEXT\nkafka.sasl.mechanism=PLAIN\nkafka.sasl.jaas.config="
                    + JAAS.replace("\"", "\\\"") + "\n");
            String config = props.toString();
            assertEquals(0, Main.run("publish", "--model", model.toString(), "--config", config,
                    "--topic", prefix + "models"));

            Path exported = dir.resolve("exported.simstream");
            assertEquals(0, Main.run("models", "export", "default:1", "--out", exported.toString(), "--config", config,
                    "--topic-prefix", prefix));
            assertEquals(io.simstream.model.ModelArtifact.fromBytes(Files.readAllBytes(exported)).inputDim(), 4);
            assertEquals(0, Main.run("models", "show", "default", "--config", config, "--topic-prefix", prefix));
            // Nothing dead-lettered yet: the replay reads the (absent) topic over SASL and sends nothing.
            assertEquals(0, Main.run("dlq", "replay", "--dry-run", "--config", config, "--topic-prefix", prefix));

            Path pairs = dir.resolve("pairs.csv");
            Files.writeString(pairs, "v0,v1,v2,v3,v4,v5,v6,v7\n1,2,3,4,1,2,3,4\n1,0,0,0,0,0,0,1\n");
            Path decisions = dir.resolve("decisions.csv");
            assertEquals(0, Main.run("score", "--model", "default:1", "--data", pairs.toString(),
                    "--out", decisions.toString(), "--config", config, "--topic-prefix", prefix));
            List<String> lines = Files.readAllLines(decisions);
            assertEquals(3, lines.size(), lines.toString());
            // score runs the serving kernel, the one `serve` picks.
            var kernel = io.simstream.model.PairScorers.fastest(artifact);
            assertEquals(kernel.score(new float[] {1, 2, 3, 4}, new float[] {1, 2, 3, 4}),
                    Float.parseFloat(lines.get(1).split(",")[1]), 1e-6f, lines.toString());
            assertFalse(auth.seen().isEmpty());
            assertTrue(auth.seen().stream().allMatch(r -> r.status() != 401), auth.seen().toString());
        }
    }
}
