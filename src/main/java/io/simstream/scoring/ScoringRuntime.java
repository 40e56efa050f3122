package io.simstream.scoring;

import io.simstream.lifecycle.ModelLoader;
import io.simstream.registry.RegistryWait;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The collaborators one instance's scoring processors share at run time: what they serve (the live
 * model), how a model record becomes a model, the meters, the waiting-pairs bound of this instance,
 * and how each kind of thread waits out a registry fault. Assembled once by {@link ScoringService}
 * (tests assemble their own); the topology only wires them to topics.
 *
 * @param pairWait  bounded: a stream thread waiting out a registry fault holds a transaction
 * @param modelWait used by the global thread, which holds none
 * @param drift     this instance's drift detectors
 */
public record ScoringRuntime(String applicationId, LiveModel live, ModelLoader loader, ScoringMetrics metrics,
                             WaitingBuffer waiting, Duration drainInterval, RegistryWait pairWait,
                             RegistryWait modelWait, Clock clock, DriftMonitors drift) {
    public ScoringRuntime {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(live, "live");
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(waiting, "waiting");
        Objects.requireNonNull(drainInterval, "drainInterval");
        Objects.requireNonNull(pairWait, "pairWait");
        Objects.requireNonNull(modelWait, "modelWait");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(drift, "drift");
    }

    /** Unbounded waiting buffer, unbounded registry waits, 100 ms drains, the system clock, no drift detection: change what a test is about. */
    public static Builder builder(String applicationId, LiveModel live, ModelLoader loader, ScoringMetrics metrics) {
        return new Builder(applicationId, live, loader, metrics);
    }

    public static final class Builder {
        private final String applicationId;
        private final LiveModel live;
        private final ModelLoader loader;
        private final ScoringMetrics metrics;
        private WaitingBuffer waiting = new WaitingBuffer(Long.MAX_VALUE, Long.MAX_VALUE, 1000);
        private Duration drainInterval = Duration.ofMillis(100);
        private RegistryWait pairWait = RegistryWait.unbounded();
        private RegistryWait modelWait = RegistryWait.unbounded();
        private Clock clock = Clock.systemUTC();
        private DriftMonitors drift = DriftMonitors.OFF;

        private Builder(String applicationId, LiveModel live, ModelLoader loader, ScoringMetrics metrics) {
            this.applicationId = applicationId;
            this.live = live;
            this.loader = loader;
            this.metrics = metrics;
        }

        public Builder waiting(WaitingBuffer v) { waiting = v; return this; }
        public Builder drainInterval(Duration v) { drainInterval = v; return this; }
        public Builder pairWait(RegistryWait v) { pairWait = v; return this; }
        public Builder modelWait(RegistryWait v) { modelWait = v; return this; }
        public Builder clock(Clock v) { clock = v; return this; }
        public Builder drift(DriftMonitors v) { drift = v; return this; }

        public ScoringRuntime build() {
            return new ScoringRuntime(applicationId, live, loader, metrics, waiting, drainInterval, pairWait, modelWait,
                    clock, drift);
        }
    }
}
