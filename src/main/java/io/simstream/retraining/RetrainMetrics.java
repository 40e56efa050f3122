package io.simstream.retraining;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.simstream.avro.ModelEvent;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/** What the retrainer exposes on /metrics. */
public final class RetrainMetrics {
    private final MeterRegistry registry;
    private final Map<String, OnlineAccuracy> online = new ConcurrentHashMap<>();
    private final AtomicLong championVersion = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final Timer roundDuration;

    public RetrainMetrics(MeterRegistry registry, IntSupplier windowSize, IntSupplier active) {
        this.registry = registry;
        registry.gauge("simstream_retrainer_window_size", Tags.empty(), windowSize, IntSupplier::getAsInt);
        registry.gauge("simstream_retrainer_active", Tags.empty(), active, IntSupplier::getAsInt);
        registry.gauge("simstream_retrainer_champion_version", Tags.empty(), championVersion, AtomicLong::get);
        registry.gauge("simstream_retrainer_published_version", Tags.empty(), published, AtomicLong::get);
        this.roundDuration = Timer.builder("simstream_retrainer_round_duration").register(registry);
    }

    void round(ModelEvent event) {
        Counter.builder("simstream_retrainer_rounds").tag("outcome", event.getEventType().toLowerCase())
                .register(registry).increment();
        roundDuration.record(Duration.ofMillis(event.getDurationMs()));
        if ("PUBLISHED".equals(event.getEventType()) && event.getChallengerVersion() != null) {
            published.set(event.getChallengerVersion());
        }
    }

    void champion(long version) {
        championVersion.set(version);
    }

    void deadLetter(String reason) {
        Counter.builder("simstream_retrainer_dead_letters").tag("reason", reason).register(registry).increment();
    }

    /** modelKey is name@version. */
    void onlineAccuracy(String modelKey, OnlineAccuracy acc) {
        int at = modelKey.lastIndexOf('@');
        Tags tags = Tags.of("model", modelKey.substring(0, at), "version", modelKey.substring(at + 1));
        if (online.put(modelKey, acc) == null) {
            registry.gauge("simstream_online_accuracy", tags, online, m -> m.get(modelKey).accuracy());
            registry.gauge("simstream_online_labeled_decisions", tags, online, m -> m.get(modelKey).total());
        }
    }

    /** Live accuracy per name@version, as last counted. */
    public Map<String, OnlineAccuracy> onlineAccuracy() {
        return Map.copyOf(online);
    }
}
