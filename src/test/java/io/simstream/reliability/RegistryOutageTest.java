package io.simstream.reliability;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.cli.Main;
import io.simstream.embedded.EmbeddedRegistry;
import io.simstream.embedded.ServeProcess;
import io.simstream.registry.AvroSerde;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.Decisions;
import io.simstream.testkit.IsolatedDeployment;
import io.simstream.testkit.SampleRecords;
import io.simstream.testkit.TestModels;
import io.simstream.testkit.TopicReader;
import io.simstream.testkit.WirePairs;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry process is stopped (SIGSTOP: it accepts connections and never answers, so every
 * call times out) for more than 20 s while `serve` (a child process) needs it. Good pairs are
 * never dead-lettered, every pair gets exactly one decision (read_committed), bad bytes still go
 * to the dead-letter topic, and `serve` never exits. Its own registry instance, not the shared
 * one, because it is suspended.
 */
@Tag("integration")
@Timeout(900)
class RegistryOutageTest {
    private static final int DIM = 8;
    private static final Duration OUTAGE = Duration.ofSeconds(22);

    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    static EmbeddedRegistry registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRegistry() {
        registry = EmbeddedRegistry.start();
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) {
            signal("CONT", registry.pid());
            registry.close();
        }
    }

    private static void signal(String sig, long pid) throws Exception {
        int rc = new ProcessBuilder("kill", "-" + sig, String.valueOf(pid)).inheritIO().start().waitFor();
        assertEquals(0, rc, "kill -" + sig + " " + pid);
    }

    @Test
    void aNewSchemaIdDuringAnOutageWaitsAndIsScoredAfterwards() throws Exception {
        IsolatedDeployment deployment = IsolatedDeployment.on(KAFKA.bootstrapServers(), registry.url(), "outage", 2);
        TopicNames names = deployment.names();
        ConfluentRegistryClient client = deployment.registry();
        Topics topics = deployment.topics();
        try (ServeProcess serve = deployment.serve(dir, Map.of());
             KafkaProducer<String, byte[]> producer = rawProducer();
             TopicReader<String, PairDecision> decisions = deployment.decisions();
             TopicReader<String, DeadLetter> dlq = deployment.deadLetters()) {
            try {
                publishModel(names);
                Await.until("serve ready", () -> serve.http("/ready"), b -> b.startsWith("200"), Duration.ofSeconds(120));
                // A schema the service has never read: its id is new to serve.
                Schema evolved = WirePairs.evolvedSchema();
                int newId = client.register(AvroSerde.subject(names.pairs(), false), evolved);

                signal("STOP", registry.pid());
                long stoppedAt = System.nanoTime();
                Set<String> good = new TreeSet<>();
                for (int i = 0; i < 20; i++) {
                    String id = "g-" + i;
                    good.add(id);
                    producer.send(new ProducerRecord<>(names.pairs(), id,
                            WirePairs.encode(evolved, newId, id, DIM, System.currentTimeMillis()))).get();
                }
                producer.send(new ProducerRecord<>(names.pairs(), "bad-1", "not avro".getBytes(StandardCharsets.UTF_8))).get();
                String during = Await.until("/ready to report the registry outage", () -> serve.http("/ready"),
                        b -> b.startsWith("503") && b.contains("schema registry"), Duration.ofSeconds(60));
                System.out.println("during the outage /ready said: " + during.strip());
                staysUpUntilTheOutageEnds(serve, stoppedAt, "during the outage");
                signal("CONT", registry.pid());

                var seen = Await.until("a decision for every good pair", decisions::poll,
                        l -> ids(l).containsAll(good), Duration.ofSeconds(180));
                Decisions.assertExactlyOnce(seen, good);
                var letters = Await.until("the bad pair dead-lettered", dlq::poll, l -> !l.isEmpty(), Duration.ofSeconds(60));
                Thread.sleep(2000);
                letters = dlq.poll();
                assertEquals(List.of("bad-1"), letters.stream().map(ConsumerRecord::key).toList(),
                        "only the bad bytes are dead-lettered, no good pair");
                assertEquals("DESERIALIZATION", letters.get(0).value().getErrorType());
                assertTrue(serve.isAlive(), "serve never exited");
                assertEquals(0, serve.sigterm(Duration.ofSeconds(60)), "exit code after SIGTERM");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + serve.logTails(), e);
            } finally {
                signal("CONT", registry.pid());
            }
        }
    }

    @Test
    void startingWithTheRegistryDownWaitsUntilTheDeadLetterSchemaIsResolved() throws Exception {
        IsolatedDeployment deployment = IsolatedDeployment.on(KAFKA.bootstrapServers(), registry.url(), "outage-start", 2);
        TopicNames names = deployment.names();
        ConfluentRegistryClient client = deployment.registry();
        Topics topics = deployment.topics();
        publishModel(names);
        // Pairs written with the current schema while the registry is up (the producer caches the id).
        try (KafkaProducer<String, byte[]> producer = rawProducer();
             TopicReader<String, PairDecision> decisions = deployment.decisions();
             TopicReader<String, DeadLetter> dlq = deployment.deadLetters()) {
            Set<String> good = new TreeSet<>();
            var pairSerde = topics.pairs().valueSerde();
            for (int i = 0; i < 10; i++) {
                String id = "s-" + i;
                good.add(id);
                producer.send(new ProducerRecord<>(names.pairs(), id, pairSerde.serializer().serialize(names.pairs(),
                        VectorPair.newBuilder(SampleRecords.vectorPair(id))
                                .setLeft(List.of(1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f))
                                .setRight(List.of(8f, 7f, 6f, 5f, 4f, 3f, 2f, 1f)).build()))).get();
            }
            producer.send(new ProducerRecord<>(names.pairs(), "bad-2", new byte[] {0, 0, 0})).get();

            signal("STOP", registry.pid());
            ServeProcess serve = deployment.serve(dir, Map.of());
            try {
                long stoppedAt = System.nanoTime();
                String ready = Await.until("/ready to say it waits for the registry", () -> serve.http("/ready"),
                        b -> b.startsWith("503") && b.contains("schema registry"), Duration.ofSeconds(120));
                System.out.println("starting with the registry down, /ready said: " + ready.strip());
                staysUpUntilTheOutageEnds(serve, stoppedAt, "while startup waits for the registry");
                assertTrue(decisions.poll().isEmpty() && dlq.poll().isEmpty(), "nothing is processed before ready");
                signal("CONT", registry.pid());
                Await.until("serve ready", () -> serve.http("/ready"), b -> b.startsWith("200"), Duration.ofSeconds(180));
                var seen = Await.until("a decision for every good pair", decisions::poll,
                        l -> ids(l).containsAll(good), Duration.ofSeconds(120));
                Decisions.assertExactlyOnce(seen, good);
                var letters = Await.until("the bad pair dead-lettered", dlq::poll, l -> !l.isEmpty(), Duration.ofSeconds(60));
                assertEquals(List.of("bad-2"), letters.stream().map(ConsumerRecord::key).toList());
                assertTrue(serve.isAlive(), "serve never exited");
                assertEquals(0, serve.sigterm(Duration.ofSeconds(60)), "exit code after SIGTERM");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + serve.logTails(), e);
            } finally {
                signal("CONT", registry.pid());
                serve.close();
            }
        }
    }

    private void publishModel(TopicNames names) throws Exception {
        Path modelDir = Files.createDirectories(dir.resolve("model"));
        TestModels.random(DIM, 1).write(modelDir.resolve("model.simstream"));
        assertEquals(0, Main.commandLine().execute("publish", "--model", modelDir.toString(), "--bootstrap",
                KAFKA.bootstrapServers(), "--registry-url", registry.url(), "--topic", names.models()));
    }

    private static KafkaProducer<String, byte[]> rawProducer() {
        return new KafkaProducer<>(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
    }

    private static Set<String> ids(List<ConsumerRecord<String, PairDecision>> l) {
        return l.stream().map(r -> r.value().getPairId()).collect(Collectors.toSet());
    }

    /** Until OUTAGE has passed since stoppedAt, serve keeps running and /health keeps saying 200. */
    private static void staysUpUntilTheOutageEnds(ServeProcess serve, long stoppedAt, String when)
            throws InterruptedException {
        while (System.nanoTime() - stoppedAt < OUTAGE.toNanos()) {
            assertTrue(serve.http("/health").startsWith("200"), "/health stays 200 " + when);
            assertTrue(serve.isAlive(), "serve does not exit " + when);
            Thread.sleep(1000);
        }
    }
}
