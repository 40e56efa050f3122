package io.simstream.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.config.ScoringConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The group.instance.id: stable across restarts of one instance, distinct between instances, off on request. */
class StaticMembershipTest {
    @Test
    void autoIsHostAndStateDirSoARestartKeepsItAndAnotherStateDirDoesNot() {
        String a = StaticMembership.groupInstanceId("app", "auto", "/var/lib/simstream/a", () -> "host-1");
        assertEquals(a, StaticMembership.groupInstanceId("app", "auto", "/var/lib/simstream/a/../a", () -> "host-1"),
                "the same instance restarted keeps its id");
        assertNotEquals(a, StaticMembership.groupInstanceId("app", "auto", "/var/lib/simstream/b", () -> "host-1"));
        assertNotEquals(a, StaticMembership.groupInstanceId("app", "auto", "/var/lib/simstream/a", () -> "host-2"));
        assertTrue(a.startsWith("app-host-1-"), a);
    }

    @Test
    void anExplicitIdIsUsedAsGivenAndNoneTurnsStaticMembershipOff() {
        assertEquals("app-scorer-0", StaticMembership.groupInstanceId("app", "scorer-0", "/x", () -> "h"));
        assertNull(StaticMembership.groupInstanceId("app", "none", "/x", () -> "h"));
        assertEquals("my_app-h-", StaticMembership.groupInstanceId("my app", "auto", "/x", () -> "h").substring(0, 9),
                "characters Kafka refuses are replaced");
    }

    private static ScoringMetrics metrics() {
        return new ScoringMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), new LiveModel("default"));
    }

    @Test
    void theStreamsConsumerGetsTheIdAndTheSessionTimeout() {
        ScoringConfig c = ScoringConfig.of(Map.of("bootstrap.servers", "localhost:1", "registry.url", "http://localhost:2",
                "instance.id", "scorer-7", "session.timeout.ms", "20000"));
        Properties p = ScoringService.streamsProperties(c, new io.simstream.topics.Topics(io.simstream.topics.TopicNames.of(c.values()),
                new io.simstream.registry.InMemorySchemaRegistry(), 1), metrics());
        assertEquals("simstream-scoring-scorer-7",
                p.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)));
        assertEquals(20000, p.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)));
        ScoringConfig off = ScoringConfig.of(Map.of("bootstrap.servers", "localhost:1", "registry.url",
                "http://localhost:2", "instance.id", "none"));
        assertNull(ScoringService.streamsProperties(off, new io.simstream.topics.Topics(io.simstream.topics.TopicNames.of(off.values()),
                new io.simstream.registry.InMemorySchemaRegistry(), 1), metrics())
                .get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)));
    }
}
