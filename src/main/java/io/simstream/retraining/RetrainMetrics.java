package io.simstream.retraining;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.simstream.avro.ModelEvent;
import io.simstream.lifecycle.RolloutStage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/** What the retrainer exposes on /metrics. */
public final class RetrainMetrics {
    private final MeterRegistry registry;
    private final Map<String, OnlineAccuracy> online = new ConcurrentHashMap<>();
    private final Map<String, OnlineAccuracy> shadow = new ConcurrentHashMap<>();
    private final Map<String, Comparison> comparisons = new ConcurrentHashMap<>();
    private final AtomicLong championVersion = new AtomicLong();
    private final AtomicLong candidateVersion = new AtomicLong();
    private final AtomicLong candidateStage = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final Timer roundDuration;

    public RetrainMetrics(MeterRegistry registry, IntSupplier windowSize, IntSupplier active) {
        this.registry = registry;
        registry.gauge("simstream_retrainer_window_size", Tags.empty(), windowSize, IntSupplier::getAsInt);
        registry.gauge("simstream_retrainer_active", Tags.empty(), active, IntSupplier::getAsInt);
        registry.gauge("simstream_retrainer_champion_version", Tags.empty(), championVersion, AtomicLong::get);
        registry.gauge("simstream_retrainer_published_version", Tags.empty(), published, AtomicLong::get);
        this.roundDuration = Timer.builder("simstream_retrainer_round_duration").register(registry);
        registry.gauge("simstream_rollout_candidate_version", Tags.empty(), candidateVersion, AtomicLong::get);
        registry.gauge("simstream_rollout_stage", Tags.empty(), candidateStage, AtomicLong::get);
    }

    void round(ModelEvent event) {
        Counter.builder("simstream_retrainer_rounds").tag("outcome", event.getEventType().toLowerCase())
                .register(registry).increment();
        roundDuration.record(Duration.ofMillis(event.getDurationMs()));
        if ("PUBLISHED".equals(event.getEventType()) && event.getChallengerVersion() != null) {
            published.set(event.getChallengerVersion());
        }
    }

    /** The candidate in rollout (null: none); stage 0 none, 1 shadow, 2 canary. */
    void rollout(DeploymentTracker.Candidate c) {
        candidateVersion.set(c == null ? 0 : c.version());
        candidateStage.set(c == null ? 0 : c.stage() == RolloutStage.SHADOW ? 1 : 2);
    }

    /** A rollout step taken: PROMOTED to a stage, or ROLLED_BACK. */
    void rolloutStep(String eventType, String to) {
        Counter.builder("simstream_rollout_steps").tag("event", eventType).tag("to", to).register(registry).increment();
    }

    void champion(long version) {
        championVersion.set(version);
    }

    void deadLetter(String reason) {
        Counter.builder("simstream_retrainer_dead_letters").tag("reason", reason).register(registry).increment();
    }

    /** modelKey is name@version; served decisions and shadow decisions have their own gauges. */
    void onlineAccuracy(String modelKey, OnlineQualityTopology.Role role, OnlineAccuracy acc) {
        int at = modelKey.lastIndexOf('@');
        Tags tags = Tags.of("model", modelKey.substring(0, at), "version", modelKey.substring(at + 1));
        if (role == OnlineQualityTopology.Role.SERVED) {
            if (online.put(modelKey, acc) == null) {
                registry.gauge("simstream_online_accuracy", tags, online, m -> m.get(modelKey).accuracy());
                registry.gauge("simstream_online_labeled_decisions", tags, online, m -> m.get(modelKey).total());
            }
        } else if (shadow.put(modelKey, acc) == null) {
            registry.gauge("simstream_shadow_accuracy", tags, shadow, m -> m.get(modelKey).accuracy());
            registry.gauge("simstream_shadow_labeled_decisions", tags, shadow, m -> m.get(modelKey).total());
        }
    }

    /** The newest counts of champion and candidate on the same labeled pairs. */
    void comparison(String name, Comparison c) {
        String key = name + "@" + c.championVersion() + ">" + c.candidateVersion();
        Tags tags = Tags.of("model", name, "champion", String.valueOf(c.championVersion()), "candidate",
                String.valueOf(c.candidateVersion()));
        if (comparisons.put(key, c) == null) {
            registry.gauge("simstream_comparison_labeled_pairs", tags, comparisons, m -> m.get(key).labeled());
            registry.gauge("simstream_comparison_candidate_only_right", tags, comparisons, m -> m.get(key).candidateOnly());
            registry.gauge("simstream_comparison_champion_only_right", tags, comparisons, m -> m.get(key).championOnly());
        }
    }

    /** Champion against candidate per name@champion>candidate, as last counted. */
    public Map<String, Comparison> comparisons() {
        return Map.copyOf(comparisons);
    }

    /** Shadow accuracy per name@version, as last counted. */
    public Map<String, OnlineAccuracy> shadowAccuracy() {
        return Map.copyOf(shadow);
    }

    /** Live accuracy per name@version, as last counted. */
    public Map<String, OnlineAccuracy> onlineAccuracy() {
        return Map.copyOf(online);
    }
}
