package io.simstream.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.PairDecision;
import io.simstream.testkit.Await;
import io.simstream.testkit.SharedRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The main flow against Apache Kafka in a container. Skipped where no Docker engine is available;
 * the same behaviour is covered on the in-JVM broker by {@link ScoringIntegrationTest}.
 */
@Testcontainers(disabledWithoutDocker = true)
class ScoringTestcontainersTest {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

    @Test
    void scoresWithTheFirstModelAndSwapsToTheSecond() throws Exception {
        try (ScoringHarness h = new ScoringHarness(KAFKA.getBootstrapServers(), SharedRegistry.url(),
                SharedRegistry.newClient(), SharedRegistry.unique("tc"))) {
            ScoringService service = h.start("a");
            h.publish(1);
            h.sendPairs(0, 100);
            List<ConsumerRecord<String, PairDecision>> first = ScoringIntegrationTest.awaitDecisions(h, 100);
            assertTrue(first.stream().allMatch(r -> r.value().getModelVersion() == 1L), "all scored by v1");
            h.publish(2);
            Await.until("v2 serving", () -> service.liveModel().version(), v -> v == 2L, Duration.ofSeconds(90));
            h.sendPairs(100, 150);
            List<ConsumerRecord<String, PairDecision>> all = ScoringIntegrationTest.awaitDecisions(h, 150);
            ScoringIntegrationTest.assertEachPairOnce(all, 150);
            assertEquals(List.of(2L), all.subList(100, 150).stream().map(r -> r.value().getModelVersion()).distinct().toList());
        }
    }
}
