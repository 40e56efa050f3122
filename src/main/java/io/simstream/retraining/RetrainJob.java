package io.simstream.retraining;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.avro.LabeledPair;
import io.simstream.avro.ModelEvent;
import io.simstream.data.PairDataset;
import io.simstream.drift.DriftReferences;
import io.simstream.lifecycle.PublishAbortedException;
import io.simstream.lifecycle.PublishFencedException;
import io.simstream.model.ModelArtifact;
import io.simstream.provenance.Provenance;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One retraining round: split the window (newest part = holdout), train a challenger on the rest,
 * score champion and challenger on the same holdout, and publish the challenger only if the gate
 * lets it through. Every round ends in exactly one model event, whatever happened.
 */
public final class RetrainJob {
    private static final Logger LOG = LoggerFactory.getLogger(RetrainJob.class);

    /** Event type of a round whose publish a newer publisher of the model name fenced. */
    public static final String PUBLISH_FENCED = "PUBLISH_FENCED";
    /** Event type of a round ended before anything was published (a shutdown, or a drift that outdated its labels). */
    public static final String ABORTED = "ABORTED";

    private final String modelName;
    private final ChallengerTrainer trainer;
    private final PromotionGate gate;
    private final double holdoutFraction;
    private final ToLongFunction<ModelArtifact> publisher;
    private final Clock clock;
    private final ChallengerStamp stamp;

    /**
     * @param publisher publishes an artifact to the models topic and returns the version it got
     */
    public RetrainJob(String modelName, ChallengerTrainer trainer, PromotionGate gate, double holdoutFraction,
                      ToLongFunction<ModelArtifact> publisher, Clock clock) {
        this(modelName, trainer, gate, holdoutFraction, publisher, clock, ChallengerStamp.NONE);
    }

    /** stamp: the provenance and signature a challenger that passed the gate gets before it is published. */
    public RetrainJob(String modelName, ChallengerTrainer trainer, PromotionGate gate, double holdoutFraction,
                      ToLongFunction<ModelArtifact> publisher, Clock clock, ChallengerStamp stamp) {
        this.stamp = stamp;
        this.modelName = modelName;
        this.trainer = trainer;
        this.gate = gate;
        this.holdoutFraction = holdoutFraction;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** An interrupt (shutdown) anywhere in the round, however the library wrapped it. */
    private static boolean isShutdown(Throwable e) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof PublishAbortedException
                    || t instanceof InterruptException) {
                return true;
            }
        }
        return false;
    }

    private ObjectNode gateEvidence(ModelArtifact champion, int holdoutRows, Double championValue,
                                    double challengerValue, PromotionGate.Verdict verdict) {
        ObjectNode g = Provenance.object().put("metric", gate.metric().id()).put("tolerance", gate.tolerance())
                .put("minimum", gate.minimum()).put("holdoutRows", holdoutRows).put("challengerValue", challengerValue)
                .put("verdict", verdict.reason());
        if (champion != null) {
            g.put("championVersion", champion.version());
        }
        if (championValue != null) {
            g.put("championValue", championValue);
        }
        return g;
    }

    public ModelEvent run(List<LabeledPair> window, ModelArtifact champion) {
        return run(TrainingWindow.Labeled.of(window), champion);
    }

    /** window: the pairs with where each was read, recorded in the published model's provenance. */
    public ModelEvent run(TrainingWindow.Labeled labeled, ModelArtifact champion) {
        List<LabeledPair> window = labeled.pairs();
        Instant start = clock.instant();
        ModelEvent.Builder event = ModelEvent.newBuilder()
                .setModelName(modelName)
                .setMetric(gate.metric().id())
                .setWindowSize(window.size())
                .setChampionVersion(champion == null ? null : champion.version());
        try {
            TrainingWindow.Split split = TrainingWindow.split(window, holdoutFraction);
            PairDataset training = LabeledPairs.toDataset(split.training(), "window[training]");
            PairDataset holdout = LabeledPairs.toDataset(split.holdout(), "window[holdout]");
            event.setHoldoutSize(holdout.size());
            // The holdout never reaches the trainer: the reference drift detection compares traffic with.
            ModelArtifact challenger = DriftReferences.capture(trainer.train(training, champion).withName(modelName),
                    holdout, "retrain holdout", true);
            double challengerValue = HoldoutEvaluator.evaluate(challenger, holdout, gate.metric());
            Double championValue = champion == null || champion.inputDim() != holdout.dim() ? null
                    : HoldoutEvaluator.evaluate(champion, holdout, gate.metric());
            event.setChallengerMetric(challengerValue).setChampionMetric(championValue);
            PromotionGate.Verdict verdict = gate.judge(championValue, challengerValue);
            if (verdict.publish()) {
                int cut = split.training().size();
                ObjectNode data = Provenance.object();
                data.set("training", LabelProvenance.describe(split.training(), labeled.positions().subList(0, cut)));
                data.set("holdout", LabelProvenance.describe(split.holdout(),
                        labeled.positions().subList(cut, labeled.size())));
                ModelArtifact stamped = stamp.apply(challenger, data, gateEvidence(champion, holdout.size(),
                        championValue, challengerValue, verdict));
                long version = publisher.applyAsLong(stamped);
                event.setEventType("PUBLISHED").setChallengerVersion(version).setReason(verdict.reason())
                        .setSignerKeyId(stamped.signerKeyIds());
            } else {
                event.setEventType("REJECTED").setReason(verdict.reason());
            }
        } catch (PublishFencedException e) {
            // Not a training failure: another retrainer claimed the model name after this round began.
            LOG.warn("Retraining of {}: publish fenced: {}", modelName, e.getMessage());
            event.setEventType(PUBLISH_FENCED).setReason(e.getMessage());
        } catch (RuntimeException e) {
            if (isShutdown(e)) {
                LOG.info("Retraining of {} aborted: {}", modelName, e.getMessage());
                event.setEventType(ABORTED).setReason("the round ended early; nothing was published ("
                        + e.getMessage() + ")");
            } else {
                LOG.error("Retraining of {} failed", modelName, e);
                event.setEventType("TRAINING_FAILED").setReason(String.valueOf(e.getMessage()));
            }
        }
        Instant end = clock.instant();
        ModelEvent result = event.setDurationMs(end.toEpochMilli() - start.toEpochMilli()).setAt(end).build();
        LOG.info("Retraining {}: {} (window {}, holdout {}, champion v{} {}={}, challenger {}={}, {} ms): {}",
                modelName, result.getEventType(), result.getWindowSize(), result.getHoldoutSize(),
                result.getChampionVersion(), result.getMetric(), result.getChampionMetric(), result.getMetric(),
                result.getChallengerMetric(), result.getDurationMs(), result.getReason());
        return result;
    }
}
