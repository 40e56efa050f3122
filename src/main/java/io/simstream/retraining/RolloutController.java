package io.simstream.retraining;

import io.simstream.avro.ModelEvent;
import io.simstream.lifecycle.ModelAdmin;
import io.simstream.lifecycle.ModelPublisher;
import io.simstream.lifecycle.Rollout;
import io.simstream.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the candidate in rollout for the active retrainer: asks {@link RolloutPolicy} for the next
 * step on the newest evidence and carries it out as one fenced publish whose transaction also holds
 * the step's model event (PROMOTED or ROLLED_BACK, with the evidence), so the topic never shows a
 * step without its reason. Owned by the consuming thread.
 */
final class RolloutController {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutController.class);
    /** Metadata key of the time a candidate first went out; kept through its restaged records. */
    static final String ROLLOUT_STARTED = "simstream.rollout.started";

    private final RetrainSettings settings;
    private final RolloutPolicy policy;
    private final Map<String, Object> clientConfig;
    private final Topics topics;
    private final Clock clock;
    private final Consumer<ModelEvent> listener;
    private final RetrainMetrics metrics;
    /** The step just taken, until the models topic as this instance reads it shows it (it then cannot repeat). */
    private Taken taken;

    /** A step carried out: which version went where, and when. */
    private record Taken(long version, String to, Instant at) {
    }

    RolloutController(RetrainSettings settings, Map<String, Object> clientConfig, Topics topics, Clock clock,
                      Consumer<ModelEvent> listener, RetrainMetrics metrics) {
        this.settings = settings;
        this.policy = new RolloutPolicy(settings.rollout());
        this.clientConfig = clientConfig;
        this.topics = topics;
        this.clock = clock;
        this.listener = listener;
        this.metrics = metrics;
    }

    /** Takes the next step if one is due; true while a candidate is in rollout (no new round starts then). */
    boolean step(DeploymentTracker deployment, EventFeed events) {
        DeploymentTracker.Candidate c = deployment.candidate();
        metrics.rollout(c);
        if (c == null) {
            return false;
        }
        if (!settings.autoRollout() || deployment.champion() == null) {
            return true;
        }
        long champion = deployment.champion().version();
        if (awaitingOwnStep(c, champion)) {
            return true;
        }
        RolloutPolicy.Position at = new RolloutPolicy.Position(champion, c.version(), c.stage(), c.stageStartedAt());
        Comparison evidence = events.comparison(champion, c.version());
        RolloutPolicy.Step step = policy.decide(at, evidence, clock.instant());
        if (step.isChange()) {
            carryOut(step, champion, c, evidence);
        }
        return true;
    }

    /**
     * A step is taken on the models topic; this instance's view of it (the tracker) follows a moment
     * later. Until then the old stage would be judged again and the step repeated.
     */
    private boolean awaitingOwnStep(DeploymentTracker.Candidate c, long champion) {
        if (taken == null || taken.version() != c.version()) {
            taken = null;
            return false;
        }
        boolean seen = taken.to().equals("full") ? champion == c.version()
                : new Rollout(c.stage(), c.canaryPercent()).toString().equals(taken.to());
        if (seen || Duration.between(taken.at(), clock.instant()).compareTo(Duration.ofSeconds(30)) > 0) {
            taken = null;
            return false;
        }
        return true;
    }

    private void carryOut(RolloutPolicy.Step step, long champion, DeploymentTracker.Candidate c, Comparison evidence) {
        boolean promote = step.kind() == RolloutPolicy.Kind.PROMOTE;
        Map<String, String> details = new LinkedHashMap<>(step.evidence());
        details.put("from", c.stage().id());
        details.put("to", promote ? step.to().toString() : "retired");
        ModelEvent done = event(promote ? ModelAdmin.PROMOTED : ModelAdmin.ROLLED_BACK, champion, c.version(), evidence, step.reason(),
                details);
        LongFunction<ModelEvent> event = v -> done;
        try (ModelPublisher publisher = new ModelPublisher(clientConfig, topics, clock)) {
            if (promote) {
                publisher.restage(settings.modelName(), c.version(), step.to(),
                        Map.of("simstream.rollout.step", step.to().toString()), event);
            } else {
                publisher.retire(settings.modelName(), c.version(), event);
            }
        } catch (RuntimeException e) {
            // The candidate changed under us (a manual step, another publisher): the next loop sees it.
            LOG.warn("Rollout step for '{}' v{} not taken: {}", settings.modelName(), c.version(), e.getMessage());
            return;
        }
        taken = new Taken(c.version(), details.get("to"), clock.instant());
        LOG.info("Rollout of '{}' v{}: {} {} -> {}: {}", settings.modelName(), c.version(), done.getEventType(),
                c.stage().id(), details.get("to"), step.reason());
        metrics.rolloutStep(done.getEventType(), promote ? step.to().stage().id() : "retired");
        listener.accept(done);
    }

    /** Ends a candidate's rollout for a reason outside the policy (a drift made its evidence stale). */
    void retire(DeploymentTracker.Candidate c, long champion, String reason, Map<String, String> details) {
        ModelEvent done = event(ModelAdmin.ROLLED_BACK, champion, c.version(), null, reason, details);
        try (ModelPublisher publisher = new ModelPublisher(clientConfig, topics, clock)) {
            publisher.retire(settings.modelName(), c.version(), v -> done);
        } catch (RuntimeException e) {
            LOG.warn("Could not retire candidate v{} of '{}': {}", c.version(), settings.modelName(), e.getMessage());
            return;
        }
        LOG.info("Rollout of '{}' v{}: ROLLED_BACK: {}", settings.modelName(), c.version(), reason);
        metrics.rolloutStep(ModelAdmin.ROLLED_BACK, "retired");
        listener.accept(done);
    }

    /** Metadata of a retrained model that goes out as a candidate: when its rollout began. */
    static Map<String, String> candidateMetadata(Rollout publishAs, Instant now) {
        Map<String, String> m = new HashMap<>();
        if (publishAs.isCandidate()) {
            m.put(ROLLOUT_STARTED, now.toString());
        }
        return m;
    }

    private ModelEvent event(String type, long champion, long candidate, Comparison evidence, String reason,
                             Map<String, String> details) {
        return ModelEvent.newBuilder()
                .setModelName(settings.modelName())
                .setEventType(type)
                .setChampionVersion(champion)
                .setChallengerVersion(candidate)
                .setMetric("online_accuracy")
                .setChampionMetric(evidence == null || evidence.labeled() == 0 ? null : evidence.championAccuracy())
                .setChallengerMetric(evidence == null || evidence.labeled() == 0 ? null : evidence.candidateAccuracy())
                .setWindowSize(evidence == null ? 0 : (int) Math.min(Integer.MAX_VALUE, evidence.labeled()))
                .setReason(reason)
                .setDetails(details)
                .setAt(clock.instant())
                .build();
    }
}
