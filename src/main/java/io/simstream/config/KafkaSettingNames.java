package io.simstream.config;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The setting names Kafka's own clients declare (their ConfigDefs), so a "kafka." pass-through key
 * is checked against what Kafka would actually read instead of being silently ignored by it.
 */
public final class KafkaSettingNames {
    /** Streams forwards these prefixes to one of its clients; what follows must be a client setting. */
    static final List<String> STREAMS_CLIENT_PREFIXES = List.of(StreamsConfig.MAIN_CONSUMER_PREFIX,
            StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.PRODUCER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX, StreamsConfig.TOPIC_PREFIX);

    private static final Set<String> NAMES = collect();

    private KafkaSettingNames() {
    }

    private static Set<String> collect() {
        Set<String> all = new TreeSet<>();
        all.addAll(ProducerConfig.configNames());
        all.addAll(ConsumerConfig.configNames());
        all.addAll(AdminClientConfig.configNames());
        all.addAll(StreamsConfig.configDef().names());
        return Set.copyOf(all);
    }

    /** Every plain name (no Streams prefix). */
    public static Set<String> names() {
        return NAMES;
    }

    /**
     * Is name (without "kafka.") something a Kafka client or Streams reads? Streams' per-client
     * prefixes ("producer.", "main.consumer.", ...) are accepted in front of a client setting;
     * "topic." takes any topic config, which only the broker knows, so anything non-empty passes.
     * Per-listener and per-mechanism SASL settings ("listener.name.x.", "sasl.login.y") are the
     * broker's or dynamic and are accepted when they end in a known name.
     */
    public static boolean isKnown(String name) {
        if (NAMES.contains(name)) {
            return true;
        }
        for (String prefix : STREAMS_CLIENT_PREFIXES) {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                return prefix.equals(StreamsConfig.TOPIC_PREFIX) || NAMES.contains(name.substring(prefix.length()));
            }
        }
        return false;
    }
}
