package io.simstream.scoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.simstream.avro.ModelEvent;
import io.simstream.drift.DriftAlarm;
import io.simstream.drift.DriftDetector;
import io.simstream.drift.DriftSettings;
import io.simstream.drift.DriftStatus;
import io.simstream.lifecycle.LoadedModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drift detection of this instance: one {@link DriftDetector} per model version it scores with
 * (champion and candidate alike, each against the reference its artifact carries), fed by the stream
 * threads with every scored pair, its gauges on /metrics, and each alarm as a DRIFT model event that
 * the scoring processor writes in the same transaction as the pair that raised it. Detectors of
 * versions no longer served are dropped with their gauges.
 */
public final class DriftMonitors {
    private static final Logger LOG = LoggerFactory.getLogger(DriftMonitors.class);
    /** Drift detection switched off: observes nothing. */
    public static final DriftMonitors OFF = new DriftMonitors(DriftSettings.DEFAULTS.withEnabled(false), null, null,
            "");

    private final DriftSettings settings;
    private final MeterRegistry registry;
    private final LiveModel live;
    private final String instance;
    /** By name@version#sha; empty when that version carries no reference. */
    private final Map<String, Optional<DriftDetector>> detectors = new ConcurrentHashMap<>();
    private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();

    /**
     * @param instance names this instance on DRIFT events (each instance watches its own share of pairs)
     */
    public DriftMonitors(DriftSettings settings, MeterRegistry registry, LiveModel live, String instance) {
        this.settings = settings;
        this.registry = registry;
        this.live = live;
        this.instance = instance;
    }

    /** Watches one scored pair; the DRIFT event when it closed a window that raised an alarm. */
    Optional<ModelEvent> observe(LoadedModel model, long timestampMs, float score, float[] left, float[] right) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        String key = key(model);
        Optional<DriftDetector> detector = detectors.get(key);
        if (detector == null) {
            detector = firstPairOf(model, key);
        }
        if (detector.isEmpty()) {
            return Optional.empty();
        }
        return detector.get().observe(timestampMs, score, left, right).map(alarm -> event(model, alarm));
    }

    /**
     * A version's first pair: drops the detectors of versions no longer served, then makes this one's.
     * Not inside the map's computeIfAbsent: dropping changes other entries of the same map, which a
     * ConcurrentHashMap mapping function must not do. Rare (once per version), so one lock suffices.
     */
    private synchronized Optional<DriftDetector> firstPairOf(LoadedModel model, String key) {
        Optional<DriftDetector> existing = detectors.get(key);
        if (existing != null) {
            return existing;
        }
        retainServed();
        Optional<DriftDetector> created = create(model, key);
        detectors.put(key, created);
        return created;
    }

    private Optional<DriftDetector> create(LoadedModel model, String key) {
        try {
            Optional<DriftDetector> d = DriftDetector.forModel(model.artifact(), settings);
            if (d.isEmpty()) {
                LOG.info("model '{}' v{} carries no drift reference: no drift detection for it", model.name(),
                        model.version());
            } else {
                register(key, model, d.get());
            }
            return d;
        } catch (IllegalArgumentException e) {
            LOG.warn("model '{}' v{}: its drift reference cannot be used ({}); it serves without drift detection",
                    model.name(), model.version(), e.getMessage());
            return Optional.empty();
        }
    }

    private void register(String key, LoadedModel model, DriftDetector d) {
        Tags tags = Tags.of("model", model.name(), "version", String.valueOf(model.version()));
        List<Meter> m = new ArrayList<>();
        m.add(gauge("simstream.drift.score.ks", "KS statistic of the last window's scores against the reference", d,
                DriftStatus::ks, tags));
        m.add(gauge("simstream.drift.score.psi", "PSI of the last window's scores over the reference's deciles", d,
                DriftStatus::psi, tags));
        m.add(gauge("simstream.drift.input.shift", "Larger input effect of the last window (centre or energy)", d,
                DriftStatus::inputShift, tags));
        m.add(gauge("simstream.drift.alarm", "1 from a drift alarm until the detector re-arms", d,
                s -> s.alarm() ? 1 : 0, tags));
        m.add(gauge("simstream.drift.windows", "Windows of pairs tested against the reference", d,
                s -> s.windows(), tags));
        m.add(Counter.builder("simstream.drift.alarms").tags(tags).description("Drift alarms raised")
                .register(registry));
        meters.put(key, m);
    }

    private Meter gauge(String name, String description, DriftDetector d, ToDoubleFunction<DriftStatus> f, Tags tags) {
        return Gauge.builder(name, d, x -> f.applyAsDouble(x.status())).tags(tags).description(description)
                .register(registry);
    }

    /** Drops the detectors (and gauges) of versions that neither serve nor shadow any more. */
    private void retainServed() {
        Deployment d = live.deployment();
        for (String key : List.copyOf(detectors.keySet())) {
            boolean served = (d.champion() != null && key.equals(key(d.champion())))
                    || (d.candidate() != null && key.equals(key(d.candidate())));
            if (!served) {
                detectors.remove(key);
                List<Meter> m = meters.remove(key);
                if (m != null) {
                    m.forEach(registry::remove);
                }
            }
        }
    }

    private ModelEvent event(LoadedModel model, DriftAlarm alarm) {
        registry.counter("simstream.drift.alarms", "model", model.name(), "version", String.valueOf(model.version()))
                .increment();
        LOG.warn("DRIFT: {} (instance {})", alarm.reason(), instance);
        Map<String, String> details = new LinkedHashMap<>(alarm.details());
        details.put("onset", Instant.ofEpochMilli(alarm.onsetMs()).toString());
        details.put("instance", instance);
        Deployment d = live.deployment();
        details.put("role", d.candidate() != null && d.candidate().version() == model.version() ? "candidate"
                : "champion");
        return ModelEvent.newBuilder()
                .setModelName(model.name())
                .setEventType("DRIFT")
                .setChampionVersion(model.version())
                .setMetric("drift")
                .setReason(alarm.reason())
                .setDetails(details)
                .setSignerKeyId(model.signerKeyId())
                .setAt(Instant.ofEpochMilli(alarm.detectedMs()))
                .build();
    }

    private static String key(LoadedModel m) {
        return m.name() + "@" + m.version() + "#" + m.sha256();
    }
}
