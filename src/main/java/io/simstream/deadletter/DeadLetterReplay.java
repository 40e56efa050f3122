package io.simstream.deadletter;

import io.simstream.avro.DeadLetter;
import io.simstream.avro.OriginalHeader;
import io.simstream.topics.TopicScan;
import io.simstream.topics.TopicSpec;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Re-sends dead letters to a topic exactly as they first arrived: the original key and value
 * bytes and headers, nothing re-serialized. One transaction for the whole replay, so a replay that
 * fails half-way sends nothing (read_committed consumers, Streams with exactly-once) and can simply
 * be run again.
 */
public final class DeadLetterReplay {
    /** Which dead letters to replay; null bounds are open. Offsets: from inclusive, to exclusive. */
    public record Filter(Set<String> errorTypes, Long fromOffset, Long toOffset, Instant since, Instant until) {
        public Filter {
            errorTypes = errorTypes == null ? Set.of() : Set.copyOf(errorTypes);
        }

        boolean matches(long offset, DeadLetter dl) {
            return (errorTypes.isEmpty() || errorTypes.contains(dl.getErrorType()))
                    && (fromOffset == null || offset >= fromOffset)
                    && (toOffset == null || offset < toOffset)
                    && (since == null || !dl.getFailedAt().isBefore(since))
                    && (until == null || dl.getFailedAt().isBefore(until));
        }
    }

    /** What a replay saw and did. */
    public record Report(int scanned, int unreadable, int matched, int sent, Map<String, Integer> matchedByType,
                         boolean dryRun) {
    }

    private final Map<String, Object> clientConfig;
    private final TopicSpec<String, DeadLetter> deadLetters;
    private final Consumer<String> out;

    public DeadLetterReplay(Map<String, Object> clientConfig, TopicSpec<String, DeadLetter> deadLetters,
                            Consumer<String> out) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.deadLetters = deadLetters;
        this.out = out;
    }

    /** The dead letters that match, with their DLQ offsets, out of how many were read. */
    public record Selection(List<Map.Entry<Long, DeadLetter>> matching, int scanned, int unreadable) {
    }

    public Selection select(Filter filter) {
        List<Map.Entry<Long, DeadLetter>> selected = new ArrayList<>();
        int scanned = 0;
        int unreadable = 0;
        var decoder = deadLetters.valueSerde().deserializer();
        for (ConsumerRecord<byte[], byte[]> r : TopicScan.readAll(clientConfig, deadLetters.name(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            scanned++;
            DeadLetter dl;
            try {
                dl = r.value() == null ? null : decoder.deserialize(r.topic(), r.value());
            } catch (RuntimeException e) {
                dl = null;
            }
            if (dl == null) {
                unreadable++;
                out.accept("skipping " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": not a readable DeadLetter");
                continue;
            }
            if (filter.matches(r.offset(), dl)) {
                selected.add(Map.entry(r.offset(), dl));
            }
        }
        return new Selection(selected, scanned, unreadable);
    }

    /**
     * Replays the matching dead letters to {@code target} through {@code producer}, a
     * transactional producer (initTransactions already called) unless {@code dryRun}.
     */
    public Report replay(Filter filter, String target, Producer<byte[], byte[]> producer, boolean dryRun) {
        Selection selection = select(filter);
        List<Map.Entry<Long, DeadLetter>> selected = selection.matching();
        Map<String, Integer> byType = new TreeMap<>();
        for (var e : selected) {
            byType.merge(e.getValue().getErrorType(), 1, Integer::sum);
            if (dryRun) {
                DeadLetter dl = e.getValue();
                out.accept(String.format("would send %s@%d (%s, from %s-%d@%d, failed %s, %d headers) to %s",
                        deadLetters.name(), e.getKey(), dl.getErrorType(), dl.getSourceTopic(), dl.getSourcePartition(),
                        dl.getSourceOffset(), dl.getFailedAt(), dl.getOriginalHeaders().size(), target));
            }
        }
        int sent = 0;
        if (!dryRun && !selected.isEmpty()) {
            producer.beginTransaction();
            try {
                for (var e : selected) {
                    producer.send(toRecord(e.getValue(), target));
                }
                producer.commitTransaction();
                sent = selected.size();
            } catch (RuntimeException ex) {
                producer.abortTransaction();
                throw new IllegalStateException("replay aborted, nothing was sent: " + ex.getMessage(), ex);
            }
        }
        Report report = new Report(selection.scanned(), selection.unreadable(), selected.size(), sent, byType, dryRun);
        out.accept(String.format("%s: scanned %d dead letters (%d unreadable), %d matched %s, %s %d to %s",
                deadLetters.name(), report.scanned(), report.unreadable(), report.matched(), byType,
                dryRun ? "dry run: would send" : "sent", dryRun ? report.matched() : report.sent(), target));
        return report;
    }

    /** The record as it first arrived: key, value and headers byte for byte. */
    static ProducerRecord<byte[], byte[]> toRecord(DeadLetter dl, String target) {
        RecordHeaders headers = new RecordHeaders();
        for (OriginalHeader h : dl.getOriginalHeaders()) {
            headers.add(new RecordHeader(h.getKey(), h.getValue() == null ? null : bytes(h.getValue())));
        }
        return new ProducerRecord<>(target, null, bytes(dl.getOriginalKey()), bytes(dl.getOriginalValue()), headers);
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
