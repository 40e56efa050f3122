package io.simstream.cli;

import io.simstream.avro.PairDecision;
import io.simstream.avro.VectorPair;
import io.simstream.embedded.ServeProcess;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.IsolatedDeployment;
import io.simstream.testkit.SharedRegistry;
import io.simstream.testkit.TestModels;
import io.simstream.testkit.TopicReader;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `simstream serve` as a real child process configured through environment variables: it becomes
 * ready once `simstream publish` has put a model on the topic, scores a pair, and stops cleanly
 * (exit code 0) on SIGTERM.
 */
@Tag("integration")
@Timeout(300)
class ServeProcessTest {
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @TempDir
    Path dir;

    @Test
    void servesAfterAModelIsPublishedAndStopsCleanlyOnSigterm() throws Exception {
        IsolatedDeployment deployment = IsolatedDeployment.on(KAFKA.bootstrapServers(), "serve", 2);
        try (ServeProcess serve = deployment.serve(dir, Map.of())) {
            try {
                runAgainst(serve, deployment.names(), deployment.topics());
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + serve.logTails(), e);
            }
        }
    }

    private void runAgainst(ServeProcess serve, TopicNames names, Topics topics) throws Exception {
        Await.until("/ready to say no model yet", () -> serve.http("/ready"),
                body -> body.equals("503 no model 'default' loaded yet\n"), Duration.ofSeconds(90));
        Path modelDir = Files.createDirectories(dir.resolve("model"));
        io.simstream.testkit.TestModels.random(8, 1).write(modelDir.resolve("model.simstream"));
        int published = Main.commandLine().execute("publish", "--model", modelDir.toString(),
                "--bootstrap", KAFKA.bootstrapServers(), "--registry-url", SharedRegistry.url(),
                "--topic", names.models(), "--meta", "source=test");
        assertEquals(0, published, "publish exit code");
        Await.until("/ready to be ready", () -> serve.http("/ready"), b -> b.startsWith("200 "), Duration.ofSeconds(60));

        try (KafkaProducer<String, VectorPair> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", KAFKA.bootstrapServers()), Serdes.String().serializer(),
                topics.pairs().valueSerde().serializer());
             TopicReader<String, PairDecision> decisions = new TopicReader<>(KAFKA.bootstrapServers(),
                     names.decisions(), 2, Serdes.String().deserializer(), topics.decisions().valueSerde().deserializer())) {
            List<Float> v = List.of(1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f);
            producer.send(new ProducerRecord<>(names.pairs(), "x", new VectorPair("x", v, v, Instant.now(), null))).get();
            var seen = Await.until("a decision for pair x", decisions::poll, l -> !l.isEmpty(), Duration.ofSeconds(60));
            assertEquals("x", seen.get(0).value().getPairId());
            assertEquals(1L, seen.get(0).value().getModelVersion());
        }
        assertTrue(serve.http("/metrics").contains("simstream_decisions_total 1.0"), "metrics count the decision");

        int exit = serve.sigterm(Duration.ofSeconds(60));
        assertTrue(serve.log().contains("shutdown requested"), "the shutdown hook should have run");
        assertEquals(0, exit, "serve exits 0 after a requested shutdown");
    }
}
