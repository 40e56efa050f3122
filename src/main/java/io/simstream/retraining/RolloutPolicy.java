package io.simstream.retraining;

import io.simstream.lifecycle.Rollout;
import io.simstream.lifecycle.RolloutStage;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * When a candidate moves on: SHADOW -> CANARY -> FULL, or back out. Pure: given where the candidate
 * stands and the evidence (champion and candidate on the same labeled pairs), it says the next step.
 * <ul>
 *   <li>Worse (the sequential test's "worse" side crossed): roll back, in any stage.</li>
 *   <li>SHADOW: better and at least shadowMinLabels labeled pairs -> CANARY at canaryPercent.</li>
 *   <li>CANARY: still better and at least canaryMinLabels labeled decisions made by the canary -> FULL.</li>
 *   <li>A stage that has run its maximum time without the evidence for the next step: roll back (the
 *       champion keeps serving; an equal candidate is not worth the swap).</li>
 * </ul>
 * A promotion needs the "better" side of {@link SequentialTest}, so an equally good candidate is
 * promoted with probability at most alpha, however long the rollout and however often it is checked.
 */
public final class RolloutPolicy {
    /** The bounds of each step; see RetrainConfig's rollout.* settings. */
    public record Settings(double alpha, double minEffect, int shadowMinLabels, Duration shadowMaxTime,
                           double canaryPercent, int canaryMinLabels, Duration canaryMaxTime) {
    }

    /** Where a candidate stands: its versions, stage and since when. */
    public record Position(long championVersion, long candidateVersion, RolloutStage stage, Instant stageStartedAt) {
    }

    /** The next step and the evidence for it (for the model event). */
    public record Step(Kind kind, Rollout to, String reason, Map<String, String> evidence) {
        public boolean isChange() {
            return kind != Kind.STAY;
        }
    }

    public enum Kind { STAY, PROMOTE, ROLL_BACK }

    private final Settings settings;
    private final SequentialTest test;

    public RolloutPolicy(Settings settings) {
        this.settings = settings;
        this.test = new SequentialTest(settings.alpha(), settings.minEffect());
    }

    /** evidence may be null or about other versions (nothing labeled yet): then it counts as none. */
    public Step decide(Position at, Comparison evidence, Instant now) {
        Comparison c = evidence != null && evidence.championVersion() == at.championVersion()
                && evidence.candidateVersion() == at.candidateVersion() ? evidence
                : Comparison.empty(at.championVersion(), at.candidateVersion());
        SequentialTest.Verdict verdict = test.verdict(c);
        Duration inStage = Duration.between(at.stageStartedAt(), now);
        Map<String, String> ev = evidence(c, at, inStage);
        if (verdict == SequentialTest.Verdict.WORSE) {
            return new Step(Kind.ROLL_BACK, null, String.format(Locale.ROOT, "worse than v%d on the same labeled pairs"
                    + " (%s): candidate alone right on %d, champion alone right on %d", at.championVersion(),
                    test.describe(c), c.candidateOnly(), c.championOnly()), ev);
        }
        boolean better = verdict == SequentialTest.Verdict.BETTER;
        if (at.stage() == RolloutStage.SHADOW) {
            if (better && c.labeled() >= settings.shadowMinLabels()) {
                return new Step(Kind.PROMOTE, Rollout.canary(settings.canaryPercent()), String.format(Locale.ROOT,
                        "better than v%d in shadow (%s) on %d labeled pairs: canary at %s", at.championVersion(),
                        test.describe(c), c.labeled(), Rollout.percent(settings.canaryPercent())), ev);
            }
            return expiredOrStay(at, inStage, settings.shadowMaxTime(), better, c, ev);
        }
        if (at.stage() == RolloutStage.CANARY) {
            if (better && c.candidateServed() >= settings.canaryMinLabels()) {
                return new Step(Kind.PROMOTE, Rollout.FULL, String.format(Locale.ROOT,
                        "still better than v%d (%s) after %d labeled canary decisions: serving all pairs",
                        at.championVersion(), test.describe(c), c.candidateServed()), ev);
            }
            return expiredOrStay(at, inStage, settings.canaryMaxTime(), better, c, ev);
        }
        return new Step(Kind.STAY, null, "not in rollout", ev);
    }

    private Step expiredOrStay(Position at, Duration inStage, Duration max, boolean better, Comparison c,
                               Map<String, String> ev) {
        if (inStage.compareTo(max) >= 0) {
            return new Step(Kind.ROLL_BACK, null, String.format(Locale.ROOT, "%s for %d s without the evidence to move"
                            + " on (%s; %d labeled pairs%s): v%d keeps serving", at.stage().id(), inStage.toSeconds(),
                    test.describe(c), c.labeled(), better ? ", too few" : "", at.championVersion()), ev);
        }
        return new Step(Kind.STAY, null, "waiting for evidence", ev);
    }

    private Map<String, String> evidence(Comparison c, Position at, Duration inStage) {
        Map<String, String> ev = new LinkedHashMap<>(c.details());
        ev.put("stage", at.stage().id());
        ev.put("stage_seconds", String.valueOf(inStage.toSeconds()));
        ev.put("llr_better", String.format(Locale.ROOT, "%.3f", test.betterLlr(c.candidateOnly(), c.championOnly())));
        ev.put("llr_worse", String.format(Locale.ROOT, "%.3f", test.worseLlr(c.candidateOnly(), c.championOnly())));
        ev.put("boundary", String.format(Locale.ROOT, "%.3f", test.boundary()));
        ev.put("alpha", String.valueOf(settings.alpha()));
        ev.put("min_effect", String.valueOf(settings.minEffect()));
        return ev;
    }
}
