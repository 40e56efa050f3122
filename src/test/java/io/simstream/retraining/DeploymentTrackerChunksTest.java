package io.simstream.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.simstream.bench.BenchModels;
import io.simstream.lifecycle.ModelLoader;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.lifecycle.PairScorerFactory;
import io.simstream.lifecycle.Rollout;
import io.simstream.testkit.Await;
import io.simstream.testkit.BrokerPerClass;
import io.simstream.testkit.SharedRegistry;
import io.simstream.topics.TopicAdmin;
import io.simstream.topics.TopicNames;
import io.simstream.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The retrainer's view of what serves, when the champion and the candidate are both chunked. */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DeploymentTrackerChunksTest {
    @RegisterExtension
    static final BrokerPerClass KAFKA = new BrokerPerClass();

    @Test
    void assemblesAChunkedChampionAndCandidate() throws Exception {
        String id = SharedRegistry.unique("tracker-chunks");
        Topics topics = new Topics(TopicNames.DEFAULT.withPrefix(id + "-"), SharedRegistry.newClient(), 1);
        Map<String, Object> client = Map.of("bootstrap.servers", KAFKA.bootstrapServers());
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic(topics.models().name(), 1, (short) 1).configs(Map.of(
                    "cleanup.policy", "compact", "max.message.bytes", String.valueOf(64 * 1024)))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        TopicAdmin.createMissing(client, List.of(topics.modelHistory()));
        try (ModelPublisher publisher = new ModelPublisher(client, topics.models(), topics.modelHistory(),
                Clock.systemUTC())) {
            publisher.publish(BenchModels.wideEnsemble(8, 300_000, 1), "default", OptionalLong.empty(), Map.of());
            publisher.publish(BenchModels.wideEnsemble(8, 300_000, 2), "default", OptionalLong.empty(), Map.of(),
                    Rollout.SHADOW, null);
        }
        try (DeploymentTracker tracker = new DeploymentTracker(client, topics.models(), "default",
                new ModelLoader(PairScorerFactory.SCALAR, 0, Clock.systemUTC())).open()) {
            Await.until("caught up", () -> {
                tracker.poll(Duration.ofMillis(200));
                return tracker.caughtUp() && tracker.champion() != null && tracker.candidate() != null;
            }, done -> done, Duration.ofSeconds(60));
            assertEquals(1L, tracker.champion().version());
            assertNotNull(tracker.candidate().model());
            assertEquals(2L, tracker.candidate().version());
        }
    }
}
