package io.simstream.scoring;

import io.simstream.lifecycle.LoadedModel;
import io.simstream.lifecycle.Rollout;
import io.simstream.lifecycle.RolloutStage;
import org.apache.kafka.common.utils.Utils;

/**
 * What one instance serves at a moment: the champion (serving all pairs, or all but a canary's
 * share) and at most one candidate with its stage. Immutable: {@link LiveModel} replaces the whole
 * value in one reference swap, so a pair sees one consistent deployment from start to end.
 *
 * <p>A canary's share is chosen by a hash of the pair key (murmur2, as Kafka's partitioner), in
 * steps of 0.01%: the same key always goes to the same model, on every instance, and a key in a 20%
 * canary stays in it at 50%.
 */
public record Deployment(LoadedModel champion, LoadedModel candidate, RolloutStage stage, double canaryPercent) {
    static final int BUCKETS = 10_000;
    public static final Deployment NONE = new Deployment(null, null, null, 0);

    public Deployment {
        if (candidate == null) {
            stage = null;
            canaryPercent = 0;
        } else if (stage == null || stage == RolloutStage.FULL) {
            throw new IllegalArgumentException("a candidate needs stage SHADOW or CANARY, got " + stage);
        } else if (!(canaryPercent >= 0 && canaryPercent <= 100)) {
            throw new IllegalArgumentException("canary share must be within 0-100%, got " + canaryPercent);
        }
    }

    public boolean hasCandidate() {
        return candidate != null;
    }

    /** The deployment with a new champion; a candidate not newer than it is dropped (it was promoted or superseded). */
    public Deployment withChampion(LoadedModel newChampion) {
        boolean keep = candidate != null && candidate.version() > newChampion.version();
        return new Deployment(newChampion, keep ? candidate : null, keep ? stage : null, keep ? canaryPercent : 0);
    }

    public Deployment withCandidate(LoadedModel newCandidate, RolloutStage newStage, double percent) {
        return new Deployment(champion, newCandidate, newStage, newStage == RolloutStage.CANARY ? percent : 0);
    }

    public Deployment withoutCandidate() {
        return new Deployment(champion, null, null, 0);
    }

    /** Whether the candidate makes the decision for this key (a canary's share); key may be null. */
    public boolean candidateServes(byte[] key) {
        if (candidate == null || champion == null || stage != RolloutStage.CANARY) {
            return false;
        }
        return bucket(key) < Math.round(canaryPercent * (BUCKETS / 100.0));
    }

    /** The key's canary bucket, 0-9999: the same on every instance and across restarts. */
    static int bucket(byte[] key) {
        return key == null ? 0 : Utils.toPositive(Utils.murmur2(key)) % BUCKETS;
    }

    /** "shadow" or "canary 20%"; empty without a candidate. */
    public String rolloutDescription() {
        return candidate == null ? "" : stage == RolloutStage.CANARY ? "canary " + Rollout.percent(canaryPercent)
                : stage.id();
    }

    /** For logs: "v3" or "v3; candidate v4 (canary 20%)". */
    public String describe() {
        if (champion == null) {
            return candidate == null ? "none" : "none; candidate v" + candidate.version() + " (idle until a model serves)";
        }
        if (candidate == null) {
            return "v" + champion.version();
        }
        return "v" + champion.version() + "; candidate v" + candidate.version() + " (" + rolloutDescription() + ")";
    }
}
