package io.simstream.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.PairDecision;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.registry.RegistryClientConfig;
import io.simstream.testkit.Await;
import io.simstream.testkit.Decisions;
import io.simstream.testkit.LocalDocker;
import io.simstream.testkit.LocalImages;
import io.simstream.testkit.SharedRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The main flow with both Kafka 4.3.1 and Apicurio Registry 3.3.3 in containers (images built by
 * scripts/test-docker.sh, reached through ports mapped on 127.0.0.1): the scorer, its producers
 * and readers run here and talk to them over the network. Skipped, with the reason, where no
 * Docker engine could start; {@link ScoringIntegrationTest} covers the same behaviour on the
 * in-JVM broker and the embedded registry everywhere.
 */
@LocalDocker
@Testcontainers
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ScoringTestcontainersTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Container
    static final KafkaContainer KAFKA = LocalImages.kafka();

    private static String registryUrl() {
        return LocalImages.sharedRegistryUrl();
    }

    @Test
    void scoresWithTheFirstModelDeadLettersBadInputAndSwapsToTheSecond() throws Exception {
        try (ScoringHarness h = new ScoringHarness(KAFKA.getBootstrapServers(), registryUrl(),
                new ConfluentRegistryClient(RegistryClientConfig.of(registryUrl())), SharedRegistry.unique("tc"))) {
            ScoringService service = h.start("a");
            assertEquals(1L, h.publish(1).version());
            h.sendPairs(0, 100);
            List<ConsumerRecord<String, PairDecision>> first = Await.until("100 decisions", h.decisions::poll,
                    l -> l.size() >= 100, WAIT);
            assertTrue(first.stream().allMatch(r -> r.value().getModelVersion() == 1L), "all scored by v1");

            h.sendRaw("bad-bytes", new byte[] {1, 2, 3, 4, 5, 6});
            List<ConsumerRecord<String, DeadLetter>> dead = Await.until("a dead letter", h.deadLetters::poll,
                    l -> !l.isEmpty(), WAIT);
            assertEquals(Set.of("DESERIALIZATION"), dead.stream().map(r -> r.value().getErrorType()).collect(Collectors.toSet()));

            assertEquals(2L, h.publish(2).version());
            Await.until("v2 serving", () -> service.liveModel().version(), v -> v == 2L, WAIT);
            h.sendPairs(100, 150);
            List<ConsumerRecord<String, PairDecision>> all = Await.until("150 decisions", h.decisions::poll,
                    l -> l.size() >= 150, WAIT);
            Decisions.assertExactlyOnce(all, Decisions.ids("p", 150));
            assertEquals(List.of(2L), all.subList(100, 150).stream().map(r -> r.value().getModelVersion()).distinct().toList(),
                    "pairs sent after the swap are scored by v2");
        }
    }
}
