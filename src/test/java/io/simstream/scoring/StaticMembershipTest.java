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

    private static Properties props(Map<String, String> settings) {
        java.util.Map<String, String> all = new java.util.HashMap<>(Map.of("bootstrap.servers", "localhost:1",
                "registry.url", "http://localhost:2"));
        all.putAll(settings);
        ScoringConfig c = ScoringConfig.of(all);
        return ScoringService.streamsProperties(c, new io.simstream.topics.Topics(io.simstream.topics.TopicNames.of(
                c.values()), new io.simstream.registry.InMemorySchemaRegistry(), 1), metrics());
    }

    @Test
    void theStreamsProtocolGetsNeitherAnInstanceIdNorAClientSessionTimeoutAndStreamsAcceptsBothSetUps() {
        Properties streams = props(Map.of("group.protocol", "streams"));
        assertEquals("streams", streams.get(StreamsConfig.GROUP_PROTOCOL_CONFIG));
        assertNull(streams.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)));
        assertNull(streams.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)));
        new StreamsConfig(streams);
        Properties classic = props(Map.of());
        assertEquals("classic", classic.get(StreamsConfig.GROUP_PROTOCOL_CONFIG), "classic stays the default");
        assertTrue(classic.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)) != null);
        new StreamsConfig(classic);
    }

    @Test
    void kafkaItselfRefusesStaticMembershipWithTheStreamsProtocolWhichIsWhyServeNeverSetsIt() {
        Properties p = props(Map.of("group.protocol", "streams"));
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "app-x");
        org.junit.jupiter.api.Assertions.assertThrows(org.apache.kafka.common.config.ConfigException.class,
                () -> new StreamsConfig(p));
    }

    @Test
    void settingsThatMeanNothingUnderTheStreamsProtocolAreRefusedWithTheWayOut() {
        String pinned = refusal(Map.of("group.protocol", "streams", "instance.id", "scorer-0"));
        assertTrue(pinned.contains("instance.id=scorer-0") && pinned.contains("group.protocol=classic"), pinned);
        String session = refusal(Map.of("group.protocol", "streams", "session.timeout.ms", "10000"));
        assertTrue(session.contains("streams.session.timeout.ms"), session);
        String passThrough = refusal(Map.of("kafka.group.protocol", "streams"));
        assertTrue(passThrough.contains("set group.protocol"), passThrough);
        assertNull(props(Map.of("group.protocol", "streams", "instance.id", "none"))
                .get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)));
    }

    private static String refusal(Map<String, String> settings) {
        return org.junit.jupiter.api.Assertions.assertThrows(io.simstream.UserInputException.class,
                () -> props(settings)).getMessage();
    }
}
