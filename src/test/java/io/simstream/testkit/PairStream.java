package io.simstream.testkit;

import io.simstream.avro.VectorPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A steady stream of valid pairs ("{prefix}{n}", dim values per side) from a background thread, at
 * about perSecond. Only pairs the broker acknowledged count as sent: those are the pairs that must
 * each get exactly one decision. The producer is idempotent and retries for minutes, so a broker
 * that is down for a while delays pairs instead of failing them.
 */
public final class PairStream implements AutoCloseable {
    private final KafkaProducer<String, VectorPair> producer;
    private final String topic;
    private final String prefix;
    private final int dim;
    private final int perSecond;
    private final Set<String> acked = new ConcurrentSkipListSet<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;
    private int sent;

    public PairStream(String bootstrap, String topic, Serializer<VectorPair> values, String prefix, int dim,
                      int perSecond) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000), Serdes.String().serializer(), values);
        this.topic = topic;
        this.prefix = prefix;
        this.dim = dim;
        this.perSecond = perSecond;
        this.thread = new Thread(this::run, "pair-stream");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long next = System.nanoTime();
        while (running) {
            String id = prefix + sent++;
            List<Float> left = new ArrayList<>(dim);
            List<Float> right = new ArrayList<>(dim);
            for (int i = 0; i < dim; i++) {
                left.add((float) ((sent + i) % 7));
                right.add((float) ((sent * 3 + i) % 5));
            }
            try {
                producer.send(new ProducerRecord<>(topic, id, new VectorPair(id, left, right, Instant.now(), null)),
                        (md, e) -> {
                            if (e == null) {
                                acked.add(id);
                            } else {
                                failure.compareAndSet(null, e);
                            }
                        });
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
            next += periodNanos;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Stops sending and waits for every outstanding ack; returns the acknowledged pair ids. */
    public Set<String> stop() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.MINUTES.toMillis(1));
        producer.flush();
        return Set.copyOf(acked);
    }

    /** The first send that failed for good, or null. */
    public Exception failure() {
        return failure.get();
    }

    public int ackedCount() {
        return acked.size();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.MINUTES.toMillis(1));
        producer.close();
    }
}
