package io.simstream.cli;

import io.simstream.deadletter.DeadLetterReplay;
import io.simstream.topics.TopicSpec;
import io.simstream.topics.Topics;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `dlq replay`: delegates to {@link DeadLetterReplay}. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Work with the dead-letter topic.",
        subcommands = DlqCommand.Replay.class)
public final class DlqCommand {

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Re-send dead letters to the pairs topic with their original key, value bytes and headers,"
                    + " in one Kafka transaction, and report the counts.",
                    "Filters combine (all must hold). Replay only what can now succeed: see the RUNBOOK's table of"
                            + " error types."})
    static final class Replay implements Callable<Integer> {
        @Mixin
        TopicOptions cluster;

        @Option(names = "--error-type", paramLabel = "TYPE", split = ",",
                description = "Only these errorTypes, e.g. DIMENSION_MISMATCH,DESERIALIZATION (default: all).")
        Set<String> errorTypes = new LinkedHashSet<>();

        @Option(names = "--from-offset", paramLabel = "N", description = "First dead-letter offset (inclusive).")
        Long fromOffset;

        @Option(names = "--to-offset", paramLabel = "N", description = "Last dead-letter offset (exclusive).")
        Long toOffset;

        @Option(names = "--since", paramLabel = "TIME", description = "Failed at or after, ISO-8601 (2026-12-01T10:00:00Z).")
        Instant since;

        @Option(names = "--until", paramLabel = "TIME", description = "Failed before, ISO-8601.")
        Instant until;

        @Option(names = "--dlq-topic", description = "Dead-letter topic (default: <prefix>pairs-dlq).")
        String dlqTopic;

        @Option(names = "--target", description = "Topic to send to (default: <prefix>pairs).")
        String target;

        @Option(names = "--dry-run", description = "Only report what would be sent.")
        boolean dryRun;

        @Override
        public Integer call() {
            var registry = cluster.registry();
            Topics topics = cluster.topics(registry);
            var dlq = dlqTopic == null ? topics.deadLetters()
                    : new TopicSpec<>(dlqTopic, topics.deadLetters().keySerde(),
                            topics.deadLetters().valueSerde(), 1, Map.of());
            String to = target == null ? topics.pairs().name() : target;
            var replay = new DeadLetterReplay(cluster.clientConfig(), dlq, System.out::println);
            var filter = new DeadLetterReplay.Filter(errorTypes, fromOffset, toOffset, since, until);
            if (dryRun) {
                replay.replay(filter, to, null, true);
                return 0;
            }
            var p = new HashMap<>(cluster.clientConfig());
            // One id per dead-letter topic: two replays of the same topic at once fence each other.
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "simstream-dlq-replay-" + dlq.name());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                producer.initTransactions();
                replay.replay(filter, to, producer, false);
            }
            return 0;
        }
    }
}
