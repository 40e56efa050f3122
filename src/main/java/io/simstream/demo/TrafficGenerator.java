package io.simstream.demo;

import io.simstream.avro.LabeledPair;
import io.simstream.avro.VectorPair;
import io.simstream.data.PairDataset;
import io.simstream.data.Vectors;
import io.simstream.topics.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces pairs at a steady rate and, {@code labelDelay} later, their true labels, the way
 * feedback trickles back from users. After {@code shiftAfter} the source switches to its shifted
 * distribution. Every {@code badEvery}-th pair is deliberately broken (a side of the wrong length,
 * or bytes that are not Avro), so the dead-letter path shows up in the demo too.
 */
public final class TrafficGenerator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrafficGenerator.class);
    private static final int TICKS_PER_SECOND = 10;

    /** What to send. badEvery 0 sends no broken pairs. */
    public record Settings(int pairsPerSecond, Duration labelDelay, Duration shiftAfter, int badEvery) {
    }

    private final Settings settings;
    private final PairSource source;
    private final TopicSpec<String, VectorPair> pairsTopic;
    private final TopicSpec<String, LabeledPair> labelsTopic;
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "traffic-generator");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong pairsSent = new AtomicLong();
    private final AtomicLong labelsSent = new AtomicLong();
    private final AtomicLong brokenSent = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private volatile Instant started;
    /** The true label of each recent pair, for judging the decisions as they are made (bounded). */
    private final Map<String, Boolean> truth = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 200_000;
                }
            });
    private volatile boolean shiftAnnounced;

    public TrafficGenerator(Map<String, Object> clientConfig, TopicSpec<String, VectorPair> pairsTopic,
                            TopicSpec<String, LabeledPair> labelsTopic, PairSource source, Settings settings) {
        this.settings = settings;
        this.source = source;
        this.pairsTopic = pairsTopic;
        this.labelsTopic = labelsTopic;
        Map<String, Object> p = new HashMap<>(clientConfig);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    public TrafficGenerator start() {
        started = Instant.now();
        long periodMs = 1000 / TICKS_PER_SECOND;
        scheduler.scheduleAtFixedRate(this::tick, 0, periodMs, TimeUnit.MILLISECONDS);
        return this;
    }

    private void tick() {
        try {
            boolean shifted = isShifted();
            if (shifted && !shiftAnnounced) {
                shiftAnnounced = true;
                LOG.info("Traffic switched to the shifted distribution after {}", settings.shiftAfter());
            }
            int rows = Math.max(1, settings.pairsPerSecond() / TICKS_PER_SECOND);
            PairDataset batch = source.next(rows, shifted);
            List<LabeledPair> labels = new ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                long n = pairsSent.incrementAndGet();
                String id = "pair-" + n;
                Instant now = Instant.now();
                if (settings.badEvery() > 0 && n % settings.badEvery() == 0) {
                    sendBroken(id, n);
                    continue;
                }
                VectorPair pair = VectorPair.newBuilder().setId(id).setLeft(Vectors.toList(batch.left()[i]))
                        .setRight(Vectors.toList(batch.right()[i])).setEventTime(now).build();
                truth.put(id, batch.labels()[i] == 1);
                send(pairsTopic.name(), id, pairsTopic.valueSerde().serializer().serialize(pairsTopic.name(), pair));
                labels.add(LabeledPair.newBuilder().setId(id).setLeft(pair.getLeft()).setRight(pair.getRight())
                        .setSame(batch.labels()[i] == 1).setLabeledAt(now).setEventTime(now).setSource("demo").build());
            }
            scheduler.schedule(() -> sendLabels(labels), settings.labelDelay().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.error("traffic tick failed", e);
        }
    }

    private void sendLabels(List<LabeledPair> labels) {
        for (LabeledPair l : labels) {
            send(labelsTopic.name(), l.getId(), labelsTopic.valueSerde().serializer().serialize(labelsTopic.name(), l));
            labelsSent.incrementAndGet();
        }
    }

    /** Alternates a pair whose right side is one value short with bytes that are not Avro at all. */
    private void sendBroken(String id, long n) {
        byte[] value;
        if ((n / settings.badEvery()) % 2 == 0) {
            value = "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8);
        } else {
            PairDataset one = source.next(1, isShifted());
            float[] right = Arrays.copyOf(one.right()[0], source.dim() - 1);
            value = pairsTopic.valueSerde().serializer().serialize(pairsTopic.name(), VectorPair.newBuilder().setId(id)
                    .setLeft(Vectors.toList(one.left()[0])).setRight(Vectors.toList(right)).setEventTime(Instant.now()).build());
        }
        send(pairsTopic.name(), id, value);
        brokenSent.incrementAndGet();
    }

    private void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), (md, e) -> {
            if (e != null && sendErrors.getAndIncrement() == 0) {
                LOG.error("could not send to {}: {}", topic, e.getMessage());
            }
        });
    }

    /** The true label of a pair this generator sent recently, or null. */
    public Boolean labelOf(String pairId) {
        return truth.get(pairId);
    }

    public boolean isShifted() {
        return started != null && Duration.between(started, Instant.now()).compareTo(settings.shiftAfter()) >= 0;
    }

    public long pairsSent() {
        return pairsSent.get();
    }

    public long labelsSent() {
        return labelsSent.get();
    }

    public long brokenSent() {
        return brokenSent.get();
    }

    public long sendErrors() {
        return sendErrors.get();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
