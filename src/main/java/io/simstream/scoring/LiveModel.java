package io.simstream.scoring;

import io.simstream.lifecycle.LoadedModel;
import io.simstream.lifecycle.RolloutStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * What this instance serves, shared by the global-store thread (which changes it) and the stream
 * threads (which read it once per pair). Every change, a new champion as much as a candidate's new
 * canary share, is one replacement of an immutable {@link Deployment}, so a pair is scored entirely
 * under one deployment.
 */
public final class LiveModel {
    public enum Offer { SWAPPED, NOT_NEWER }

    private final String name;
    private final AtomicReference<Deployment> deployment = new AtomicReference<>(Deployment.NONE);

    public LiveModel(String name) {
        this.name = name;
    }

    /** The model name this service serves (the key on the models topic). */
    public String name() {
        return name;
    }

    /** Champion and candidate, as one consistent value. */
    public Deployment deployment() {
        return deployment.get();
    }

    /** The serving model (champion), or null while none has been loaded. */
    public LoadedModel current() {
        return deployment.get().champion();
    }

    public boolean isLoaded() {
        return current() != null;
    }

    /** The champion's version, 0 = none. */
    public long version() {
        LoadedModel m = current();
        return m == null ? 0 : m.version();
    }

    /** The candidate's version, 0 = none. */
    public long candidateVersion() {
        LoadedModel c = deployment.get().candidate();
        return c == null ? 0 : c.version();
    }

    /**
     * Installs candidate as champion if its version is higher than the serving one (versions only
     * go up); a candidate that is not newer than it goes in the same swap.
     */
    public Offer offer(LoadedModel candidate) {
        return change(d -> d.champion() != null && candidate.version() <= d.champion().version() ? null
                : d.withChampion(candidate));
    }

    /**
     * Installs (or re-stages) the candidate; refused when it is not newer than the champion. The same
     * version again with another stage or share only changes the routing.
     */
    public Offer offerCandidate(LoadedModel candidate, RolloutStage stage, double canaryPercent) {
        return change(d -> d.champion() != null && candidate.version() <= d.champion().version() ? null
                : d.withCandidate(candidate, stage, canaryPercent));
    }

    /** Ends the rollout of the candidate (rolled back, or promoted by a champion record). */
    public Offer dropCandidate() {
        return change(d -> d.hasCandidate() ? d.withoutCandidate() : null);
    }

    /** f returns the new deployment, or null to leave it as it is. */
    private Offer change(UnaryOperator<Deployment> f) {
        while (true) {
            Deployment before = deployment.get();
            Deployment after = f.apply(before);
            if (after == null) {
                return Offer.NOT_NEWER;
            }
            if (deployment.compareAndSet(before, after)) {
                return Offer.SWAPPED;
            }
        }
    }
}
