package io.simstream.scoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.simstream.deadletter.DeadLetterCounter;
import io.simstream.deadletter.DeadLetterReason;
import io.simstream.lifecycle.ModelRejectedException;
import io.simstream.lifecycle.RolloutStage;
import io.simstream.model.PairScorers;
import io.simstream.signing.Verification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The service's own meters; Kafka Streams' metrics are bound next to them by the service. */
public final class ScoringMetrics implements DeadLetterCounter {
    private final MeterRegistry registry;
    private final Counter decisions;
    private final Counter swaps;
    private final Counter staleModels;
    private final Timer scoring;
    private final AtomicLong lastSwapEpochMs = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong lastRejectedVersion = new AtomicLong();
    private final AtomicReference<String> lastRejection = new AtomicReference<>();

    private final Counter shadowDecisions;
    private final DistributionSummary drainBatches;
    private final AtomicLong largestDrainBatch = new AtomicLong();

    public ScoringMetrics(MeterRegistry registry, LiveModel live) {
        this.drainBatches = DistributionSummary.builder("simstream.waiting.drain.batch")
                .description("Waiting pairs read from the store per drain step (bounded by waiting.drain.batch)")
                .register(registry);
        this.registry = registry;
        this.decisions = Counter.builder("simstream.decisions").description("Pairs scored").register(registry);
        this.shadowDecisions = Counter.builder("simstream.shadow.decisions")
                .description("Decisions of the model that did not decide the pair, to the shadow topic").register(registry);
        Gauge.builder("simstream.candidate.version", live, LiveModel::candidateVersion)
                .description("Version of the candidate in rollout (0 = none)").register(registry);
        Gauge.builder("simstream.candidate.canary.percent", live, l -> l.deployment().canaryPercent())
                .description("Share of pair keys the candidate decides (0 in shadow)").register(registry);
        for (RolloutStage stage : RolloutStage.values()) {
            if (stage != RolloutStage.FULL) {
                Gauge.builder("simstream.candidate.stage", live, l -> l.deployment().stage() == stage ? 1 : 0)
                        .tag("stage", stage.id()).description("1 while the candidate is in this stage").register(registry);
            }
        }
        this.swaps = Counter.builder("simstream.model.swaps").description("Models swapped in").register(registry);
        this.staleModels = Counter.builder("simstream.model.ignored")
                .description("Model records ignored because their version was not newer").register(registry);
        this.scoring = Timer.builder("simstream.scoring.latency").description("Kernel time per pair")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1000))
                .maximumExpectedValue(Duration.ofMillis(100)).register(registry);
        // Operators must see which kernel runs (the plain loops are several times slower): 1, tagged.
        Gauge.builder("simstream.scoring.kernel", () -> 1)
                .tag("kernel", PairScorers.vectorApiAvailable() ? "vector-api" : "scalar")
                .description("The scoring kernel of this process (always 1; the kernel tag names it)").register(registry);
        Gauge.builder("simstream.model.version", live, LiveModel::version)
                .description("Version of the serving model (0 = none yet)").register(registry);
        Gauge.builder("simstream.model.last.swap.time", lastSwapEpochMs, AtomicLong::get)
                .description("Epoch seconds of the last swap").baseUnit("seconds").register(registry);
        Gauge.builder("simstream.pairs.waiting", pending, AtomicLong::get)
                .description("Pairs buffered until a model is loaded").register(registry);
        Gauge.builder("simstream.model.last.rejected.version", lastRejectedVersion, AtomicLong::get)
                .description("Version of the last model record refused (0 = none; -1 = undecodable)").register(registry);
        for (DeadLetterReason r : DeadLetterReason.values()) {
            deadLetterCounter(r);
        }
        for (ModelRejectedException.Reason r : ModelRejectedException.Reason.values()) {
            rejectionCounter(r);
        }
        for (Verification.Status s : UNTRUSTED) {
            untrustedCounter(s);
        }
        Gauge.builder("simstream.model.signature.verified", live, l -> l.current() != null
                        && l.current().signerKeyId() != null ? 1 : 0)
                .description("1 when the serving model's signature was verified against a trusted key, else 0")
                .register(registry);
    }

    private static final List<Verification.Status> UNTRUSTED = List.of(
            Verification.Status.UNSIGNED, Verification.Status.UNKNOWN_SIGNER, Verification.Status.BAD_SIGNATURE);

    /** A transport error reading a model reference, retried (model.reference.retry.ms). */
    public void modelReferenceRetried(String error) {
        Counter.builder("simstream.model.reference.retries").tag("error", error)
                .description("Attempts to read a model reference that failed on transport and were retried")
                .register(registry).increment();
    }

    public double referenceRetryCount() {
        return registry.find("simstream.model.reference.retries").counters().stream().mapToDouble(Counter::count).sum();
    }

    /** A model accepted without a trusted signature (model.trust.mode=warn), once per artifact. */
    public void modelUntrusted(Verification.Status status) {
        untrustedCounter(status).increment();
    }

    public double untrustedCount(Verification.Status status) {
        return untrustedCounter(status).count();
    }

    private Counter untrustedCounter(Verification.Status status) {
        return Counter.builder("simstream.model.untrusted").tag("reason", status.name())
                .description("Models accepted without a trusted signature (model.trust.mode=warn)").register(registry);
    }

    public void decision() {
        decisions.increment();
    }

    public void shadowDecision() {
        shadowDecisions.increment();
    }

    /** A pair the other model could not score (why: "dimension" or "error"); the pair still got its decision. */
    public void shadowSkipped(String why) {
        Counter.builder("simstream.shadow.skipped").tag("reason", why)
                .description("Pairs without a shadow decision").register(registry).increment();
    }

    public double shadowDecisionCount() {
        return shadowDecisions.count();
    }

    public void scored(long nanos) {
        scoring.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void deadLetter(DeadLetterReason reason) {
        deadLetterCounter(reason).increment();
    }

    public void modelSwapped(Instant at) {
        swaps.increment();
        lastSwapEpochMs.set(at.getEpochSecond());
    }

    /** One refused model record (version -1 when it could not even be decoded). */
    public void modelRejected(ModelRejectedException.Reason reason, long version, String why) {
        rejectionCounter(reason).increment();
        lastRejectedVersion.set(version);
        lastRejection.set((version < 0 ? "an undecodable record" : "v" + version) + " (" + why + ")");
    }

    /** The last refused model record and why, or null; /ready shows it. */
    public String lastRejection() {
        return lastRejection.get();
    }

    public void staleModelIgnored() {
        staleModels.increment();
    }

    public void pendingChanged(long delta) {
        pending.addAndGet(delta);
    }

    /** Pairs buffered in this instance until a model is loaded. */
    public void drainBatch(int pairs) {
        drainBatches.record(pairs);
        largestDrainBatch.accumulateAndGet(pairs, Math::max);
    }

    /** Drain steps so far, and the largest one: what a drain held in memory at most. */
    public long drainBatchCount() {
        return drainBatches.count();
    }

    public long largestDrainBatch() {
        return largestDrainBatch.get();
    }

    public long waitingPairs() {
        return pending.get();
    }

    public double decisionCount() {
        return decisions.count();
    }

    public double deadLetterCount(DeadLetterReason reason) {
        return deadLetterCounter(reason).count();
    }

    public double rejectionCount(ModelRejectedException.Reason reason) {
        return rejectionCounter(reason).count();
    }

    public double swapCount() {
        return swaps.count();
    }

    public double staleModelCount() {
        return staleModels.count();
    }

    private Counter deadLetterCounter(DeadLetterReason reason) {
        return Counter.builder("simstream.dead.letters").tag("reason", reason.name())
                .description("Pairs sent to the dead-letter topic").register(registry);
    }

    private Counter rejectionCounter(ModelRejectedException.Reason reason) {
        return Counter.builder("simstream.model.rejections").tag("reason", reason.name())
                .description("Model records refused").register(registry);
    }
}
