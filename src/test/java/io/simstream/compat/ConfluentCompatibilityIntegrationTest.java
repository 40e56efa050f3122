package io.simstream.compat;

import io.simstream.UserInputException;
import io.simstream.avro.DeadLetter;
import io.simstream.avro.ModelRecord;
import io.simstream.avro.OriginalHeader;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.cli.Main;
import io.simstream.config.ClusterConfig;
import io.simstream.config.ScoringConfig;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.lifecycle.PairScorerFactory;
import io.simstream.model.ModelArtifact;
import io.simstream.registry.AvroSerde;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.registry.RegistryAuthException;
import io.simstream.registry.SchemaTexts;
import io.simstream.scoring.ScoringService;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.PythonSchemaRegistry;
import io.simstream.testkit.RegistryProxy;
import io.simstream.testkit.SharedRegistry;
import io.simstream.testkit.TestModels;
import io.simstream.testkit.TopicReader;
import io.simstream.testkit.WirePairs;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11: simstream as a drop-in for a team on Confluent's serde, against a real broker and the
 * real registry: schemas registered beforehand by Confluent's Python client, a read-only registry
 * key (a loopback proxy answering 403 / 40301 to writes), credentials in the URL, RecordNameStrategy,
 * byte-exact dead letters and keys, and the models topic's configs.
 */
@Tag("integration")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ConfluentCompatibilityIntegrationTest {
    private static final int DIM = 8;
    private static final byte[] NOT_UTF8 = {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0xc3, 0x28};

    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @TempDir
    Path dir;

    private static int pythonRegister(String subject, String schemaText) throws Exception {
        return PythonSchemaRegistry.register(SharedRegistry.url(), subject, schemaText);
    }

    private static Map<String, Integer> versionCounts(ConfluentRegistryClient registry, List<String> subjects) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String s : subjects) {
            counts.put(s, registry.versions(s).size());
        }
        return counts;
    }

    private ScoringConfig scoringConfig(TopicNames names, String registryUrl, Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", KAFKA.bootstrapServers());
        m.put("registry.url", registryUrl);
        m.put("application.id", names.pairs() + "-app");
        m.putAll(names.asSettings());
        m.put("topic.pairs.partitions", "1");
        m.put("state.dir", dir.resolve(names.pairs()).toString());
        m.put("commit.interval.ms", "100");
        m.put("waiting.drain.interval.ms", "100");
        m.put("metrics.port", "-1");
        m.put("shutdown.timeout.ms", "20000");
        m.putAll(extra);
        return ScoringConfig.of(m);
    }



    private static RecordHeaders headers() {
        RecordHeaders h = new RecordHeaders();
        h.add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));
        h.add("bin", new byte[] {0, (byte) 0x80, (byte) 0xff});
        return h;
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    @Test
    void aReadOnlyRegistryWithPreRegisteredSchemasServesAndNothingIsWritten() throws Exception {
        TopicNames names = TopicNames.DEFAULT.withPrefix(SharedRegistry.unique("ro") + "-");
        ConfluentRegistryClient direct = SharedRegistry.newClient();
        String pairsSubject = names.pairs() + "-value";
        String decisionsSubject = names.decisions() + "-value";
        String dlqSubject = names.deadLetters() + "-value";
        String modelsSubject = names.models() + "-value";
        // Every publisher also writes each model to <models>-history, under its own subject.
        String historySubject = names.modelHistory() + "-value";
        // serve also writes shadow decisions (while a candidate is out) and model events (drift alarms).
        String shadowSubject = names.decisionsShadow() + "-value";
        String eventsSubject = names.modelEvents() + "-value";
        pythonRegister(pairsSubject, Files.readString(Path.of("schemas/VectorPair.avsc")));
        int v2Id = pythonRegister(pairsSubject, SchemaTexts.canonical(WirePairs.tenantSchema()));
        int decisionsId = pythonRegister(decisionsSubject, Files.readString(Path.of("schemas/PairDecision.avsc")));
        int dlqId = pythonRegister(dlqSubject, Files.readString(Path.of("schemas/DeadLetter.avsc")));
        pythonRegister(modelsSubject, Files.readString(Path.of("schemas/ModelRecord.avsc")));
        pythonRegister(historySubject, Files.readString(Path.of("schemas/ModelRecord.avsc")));
        pythonRegister(shadowSubject, Files.readString(Path.of("schemas/PairDecision.avsc")));
        pythonRegister(eventsSubject, Files.readString(Path.of("schemas/ModelEvent.avsc")));
        List<String> subjects = List.of(pairsSubject, decisionsSubject, dlqSubject, modelsSubject, historySubject,
                shadowSubject, eventsSubject);
        Map<String, Integer> before = versionCounts(direct, subjects);
        assertEquals(Map.of(pairsSubject, 2, decisionsSubject, 1, dlqSubject, 1, modelsSubject, 1, historySubject, 1,
                shadowSubject, 1, eventsSubject, 1), before);

        try (RegistryProxy readOnly = RegistryProxy.readOnly(SharedRegistry.url())) {
            ConfluentRegistryClient viaProxy = ConfluentRegistryClient.fromConfig(
                    ClusterConfig.of(Map.of("bootstrap.servers", KAFKA.bootstrapServers(), "registry.url", readOnly.url()))
                            .registryClientSettings());
            Topics topics = new Topics(names, viaProxy, 1);
            TopicAdmin.createMissing(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), topics.all());
            ModelArtifact model = io.simstream.testkit.TestModels.random(DIM, 5);
            try (ModelPublisher publisher = new ModelPublisher(Map.of("bootstrap.servers", KAFKA.bootstrapServers()),
                    topics.models(), topics.modelHistory(), Clock.systemUTC())) {
                publisher.publish(model, "default", OptionalLong.empty(), Map.of());
            }
            ScoringConfig config = scoringConfig(names, readOnly.url(), Map.of());
            try (ScoringService service = ScoringService.start(config, ConfluentRegistryClient.fromConfig(
                    config.registryClientSettings()), PairScorerFactory.SCALAR);
                 KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers", KAFKA.bootstrapServers()),
                         new ByteArraySerializer(), new ByteArraySerializer());
                 TopicReader<byte[], byte[]> decisions = new TopicReader<>(KAFKA.bootstrapServers(), names.decisions(), 1,
                         Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
                 TopicReader<byte[], byte[]> deadLetters = new TopicReader<>(KAFKA.bootstrapServers(), names.deadLetters(), 1,
                         Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer())) {
                byte[] good = WirePairs.encodeWithTenant(WirePairs.tenantSchema(), v2Id, "good", DIM, 1);
                byte[] bad = WirePairs.encodeWithTenant(WirePairs.tenantSchema(), v2Id, "bad", DIM + 2, 2);
                raw.send(new ProducerRecord<>(names.pairs(), null, NOT_UTF8, good, headers())).get();
                raw.send(new ProducerRecord<byte[], byte[]>(names.pairs(), null, (byte[]) null, good, headers())).get();
                raw.send(new ProducerRecord<>(names.pairs(), null, NOT_UTF8, bad, headers())).get();
                for (int i = 0; i < 10; i++) {
                    raw.send(new ProducerRecord<>(names.pairs(), ("p" + i).getBytes(StandardCharsets.UTF_8),
                            WirePairs.encodeWithTenant(WirePairs.tenantSchema(), v2Id, "p" + i, DIM, 10 + i))).get();
                }
                List<ConsumerRecord<byte[], byte[]>> out = Await.until("12 decisions", decisions::poll, l -> l.size() >= 12,
                        Duration.ofMinutes(3));
                List<ConsumerRecord<byte[], byte[]>> dead = Await.until("1 dead letter", deadLetters::poll, l -> l.size() >= 1,
                        Duration.ofMinutes(1));
                assertTrue(service.isAlive(), "serve kept running against the read-only registry");

                // Keys byte for byte, the null key too; decisions under the pre-registered id.
                assertArrayEquals(NOT_UTF8, out.get(0).key());
                assertNull(out.get(1).key());
                for (var r : out) {
                    assertEquals(decisionsId, AvroSerde.schemaIdOf(r.value()), "decisions written under the pre-registered id");
                }
                assertEquals(dlqId, AvroSerde.schemaIdOf(dead.get(0).value()));
                DeadLetter dl = topics.deadLetters().valueSerde().deserializer().deserialize(names.deadLetters(), dead.get(0).value());
                assertEquals("DIMENSION_MISMATCH", dl.getErrorType());
                assertArrayEquals(bad, bytes(dl.getOriginalValue()), "dead letter keeps the v2 bytes that were sent");
                assertArrayEquals(NOT_UTF8, bytes(dl.getOriginalKey()));
                assertArrayEquals(NOT_UTF8, dead.get(0).key());
                List<OriginalHeader> hs = dl.getOriginalHeaders();
                assertEquals(2, hs.size());
                assertEquals("traceparent", hs.get(0).getKey());
                assertArrayEquals("00-abc-01".getBytes(StandardCharsets.UTF_8), bytes(hs.get(0).getValue()));
                assertArrayEquals(new byte[] {0, (byte) 0x80, (byte) 0xff}, bytes(hs.get(1).getValue()));
            }
            assertEquals(List.of(), readOnly.seen().stream().filter(RegistryProxy.Seen::isRegistration).toList(),
                    "nothing tried to register through the read-only key");
            assertFalse(readOnly.seen().isEmpty(), "the service did use the proxy");
        }
        assertEquals(before, versionCounts(direct, subjects), "every subject keeps its version count");
    }

    @Test
    void withAutoRegisterOffAMissingSchemaFailsNamingTheSubject() {
        TopicNames names = TopicNames.DEFAULT.withPrefix(SharedRegistry.unique("noauto") + "-");
        ConfluentRegistryClient client = ConfluentRegistryClient.fromConfig(ClusterConfig.of(Map.of(
                "bootstrap.servers", KAFKA.bootstrapServers(), "registry.url", SharedRegistry.url(),
                "registry.auto.register.schemas", "false")).registryClientSettings());
        Topics topics = new Topics(names, client, 1);
        var e = assertThrows(RuntimeException.class, () -> topics.decisions().valueSerde().serializer()
                .serialize(names.decisions(), io.simstream.testkit.SampleRecords.pairDecision("x")));
        assertTrue(e.getMessage().contains("subject " + names.decisions() + "-value") && e.getMessage().contains("auto.register.schemas"),
                e.getMessage());
    }

    @Test
    void credentialsInTheUrlReachARegistryThatRequiresBasicAuth() throws Exception {
        try (RegistryProxy auth = RegistryProxy.basicAuth(SharedRegistry.url(), "alice", "s3cret")) {
            ConfluentRegistryClient withUrlCredentials = ConfluentRegistryClient.fromConfig(ClusterConfig.of(Map.of(
                    "bootstrap.servers", KAFKA.bootstrapServers(), "registry.url", auth.urlWithCredentials("alice", "s3cret")))
                    .registryClientSettings());
            String subject = SharedRegistry.unique("auth") + "-value";
            int id = withUrlCredentials.register(subject, PairDecision.getClassSchema());
            assertEquals(PairDecision.getClassSchema().getFullName(), withUrlCredentials.schemaById(id).getFullName());
            assertTrue(auth.seen().stream().allMatch(s -> s.status() != 401), auth.seen().toString());
            // What was registered is the text of schemas/PairDecision.avsc, byte for byte.
            var registration = auth.seen().stream().filter(RegistryProxy.Seen::isRegistration).findFirst().orElseThrow();
            assertEquals(Files.readString(Path.of("schemas/PairDecision.avsc")),
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(registration.body()).get("schema").asText());

            ConfluentRegistryClient without = ConfluentRegistryClient.fromConfig(Map.of("schema.registry.url", auth.url()));
            assertThrows(RegistryAuthException.class, () -> without.register(subject, PairDecision.getClassSchema()));
        }
    }

    @Test
    void recordNameStrategyNamesTheSubjectsAfterTheRecord() throws Exception {
        TopicNames names = TopicNames.DEFAULT.withPrefix(SharedRegistry.unique("rns") + "-");
        ConfluentRegistryClient producerSide = SharedRegistry.newClient();
        Topics producing = new Topics(names, producerSide, 1);
        TopicAdmin.createMissing(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), producing.all());
        ScoringConfig config = scoringConfig(names, SharedRegistry.url(), Map.of(
                "registry.value.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy"));
        ConfluentRegistryClient serveSide = ConfluentRegistryClient.fromConfig(config.registryClientSettings());
        Topics serving = new Topics(names, serveSide, 1);
        try (ModelPublisher publisher = new ModelPublisher(Map.of("bootstrap.servers", KAFKA.bootstrapServers()),
                serving.models(), serving.modelHistory(), Clock.systemUTC());
             ScoringService service = ScoringService.start(config, serveSide, PairScorerFactory.SCALAR);
             KafkaProducer<String, VectorPair> pairs = new KafkaProducer<>(Map.of("bootstrap.servers", KAFKA.bootstrapServers()),
                     Serdes.String().serializer(), new Topics(names, serveSide, 1).pairs().valueSerde().serializer());
             TopicReader<byte[], byte[]> decisions = new TopicReader<>(KAFKA.bootstrapServers(), names.decisions(), 1,
                     Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer())) {
            publisher.publish(io.simstream.testkit.TestModels.random(DIM, 5), "default", OptionalLong.empty(), Map.of());
            pairs.send(new ProducerRecord<>(names.pairs(), "a", io.simstream.testkit.TestModels.pair("a", DIM))).get();
            Await.until("a decision", decisions::poll, l -> !l.isEmpty(), Duration.ofMinutes(3));
        }
        ConfluentRegistryClient check = SharedRegistry.newClient();
        List<String> all = check.subjects();
        assertTrue(all.contains(PairDecision.getClassSchema().getFullName()), all.toString());
        assertTrue(all.contains(ModelRecord.getClassSchema().getFullName()), all.toString());
        assertFalse(all.contains(names.decisions() + "-value"), "no TopicNameStrategy subject: " + all);
        assertFalse(all.contains(names.models() + "-value"), "no TopicNameStrategy subject: " + all);
    }

    @Test
    void publishOnAnEmptyClusterCreatesACompactedModelsTopicAndServeRefusesANonCompactedOne() throws Exception {
        Path model = dir.resolve("model.simstream");
        Files.write(model, io.simstream.testkit.TestModels.random(DIM, 9).toBytes());
        String topic = SharedRegistry.unique("models");
        int exit = Main.run("publish", "--model", model.toString(), "--bootstrap", KAFKA.bootstrapServers(),
                "--registry-url", SharedRegistry.url(), "--topic", topic);
        assertEquals(0, exit);
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            var configs = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
            assertEquals("compact", configs.get("cleanup.policy").value());

            TopicNames names = TopicNames.DEFAULT.withPrefix(SharedRegistry.unique("nc") + "-");
            admin.createTopics(List.of(new NewTopic(names.models(), 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "delete")))).all().get(30, TimeUnit.SECONDS);
            ScoringConfig config = scoringConfig(names, SharedRegistry.url(), Map.of());
            UserInputException refused = assertThrows(UserInputException.class,
                    () -> ScoringService.start(config, SharedRegistry.newClient(), PairScorerFactory.SCALAR));
            assertTrue(refused.getMessage().contains("kafka-configs.sh --bootstrap-server " + KAFKA.bootstrapServers()
                    + " --alter --entity-type topics --entity-name " + names.models() + " --add-config cleanup.policy=compact"),
                    refused.getMessage());

            // A compacted models topic too small for the artifact: publish refuses with the fix.
            String small = SharedRegistry.unique("small-models");
            admin.createTopics(List.of(new NewTopic(small, 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                    "max.message.bytes", "2000")))).all().get(30, TimeUnit.SECONDS);
            // createTopics returns once the controller has it; the broker's metadata may lag, and a
            // topic the broker does not know yet reads as missing (nothing to check).
            ConfigResource smallTopic = new ConfigResource(ConfigResource.Type.TOPIC, small);
            Await.until("the broker to know " + small, () -> {
                try {
                    return admin.describeConfigs(List.of(smallTopic)).all().get(30, TimeUnit.SECONDS).get(smallTopic)
                            .get("max.message.bytes").value();
                } catch (Exception e) {
                    return e.toString();
                }
            }, "2000"::equals, Duration.ofSeconds(60));
            ModelArtifact artifact = io.simstream.testkit.TestModels.random(64, 9);
            UserInputException tooSmall = assertThrows(UserInputException.class, () -> io.simstream.topics.TopicChecks
                    .requireModelsTopic(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), small,
                            io.simstream.lifecycle.ModelRecords.sizeOf(artifact, "default", Map.of())));
            assertTrue(tooSmall.getMessage().contains("--entity-name " + small + " --add-config max.message.bytes="),
                    tooSmall.getMessage());
            Path big = dir.resolve("big.simstream");
            Files.write(big, artifact.toBytes());
            assertEquals(Main.EXIT_USER_ERROR, Main.run("publish", "--model", big.toString(), "--bootstrap",
                    KAFKA.bootstrapServers(), "--registry-url", SharedRegistry.url(), "--topic", small));
        }
    }

    @Test
    void produceKeepsTheVersionCountsOfPreRegisteredSubjects() throws Exception {
        // produce writes to the default topic names.
        String pairs = "pairs-value";
        String labels = "labeled-pairs-value";
        pythonRegister(pairs, Files.readString(Path.of("schemas/VectorPair.avsc")));
        pythonRegister(labels, Files.readString(Path.of("schemas/LabeledPair.avsc")));
        ConfluentRegistryClient direct = SharedRegistry.newClient();
        Map<String, Integer> before = versionCounts(direct, List.of(pairs, labels));
        int exit = Main.run("produce", "--bootstrap", KAFKA.bootstrapServers(), "--registry-url", SharedRegistry.url(),
                "--rate", "50", "--duration", "3s", "--label-delay", "0s", "--dim", "4");
        assertEquals(0, exit);
        assertEquals(before, versionCounts(direct, List.of(pairs, labels)));
    }
}
