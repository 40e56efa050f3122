package io.simstream.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The stated error rates of the rollout's sequential test, on simulated labeled streams with the
 * verdict checked after EVERY labeled pair (the most peeking there can be): seeded, many runs.
 */
class SequentialTestTest {
    private static final double ALPHA = 0.05;
    private static final double MIN_EFFECT = 0.1;
    private static final int RUNS = 2000;
    private static final int PAIRS = 20_000;

    /** Outcome probabilities of one labeled pair: both right, only the candidate, only the champion, else both wrong. */
    private record Stream(double bothRight, double candidateOnly, double championOnly) {
    }

    /** Share of runs whose first decision (before PAIRS labeled pairs) is the given verdict. */
    private static double rate(Stream s, SequentialTest.Verdict wanted, long seed) {
        return rate(s, wanted, seed, PAIRS);
    }

    /** The share of RUNS seeded streams of at most pairs labeled pairs whose first verdict is wanted. */
    private static double rate(Stream s, SequentialTest.Verdict wanted, long seed, int pairs) {
        SequentialTest test = new SequentialTest(ALPHA, MIN_EFFECT);
        Random rnd = new Random(seed);
        int hits = 0;
        for (int run = 0; run < RUNS; run++) {
            long cand = 0;
            long champ = 0;
            for (int i = 0; i < pairs; i++) {
                double u = rnd.nextDouble();
                if (u < s.bothRight()) {
                    continue;
                } else if (u < s.bothRight() + s.candidateOnly()) {
                    cand++;
                } else if (u < s.bothRight() + s.candidateOnly() + s.championOnly()) {
                    champ++;
                } else {
                    continue;
                }
                SequentialTest.Verdict v = test.verdict(cand, champ);
                if (v != SequentialTest.Verdict.UNDECIDED) {
                    hits += v == wanted ? 1 : 0;
                    break;
                }
            }
        }
        return (double) hits / RUNS;
    }

    /**
     * The true rate is at most alpha (Ville's inequality); the estimate from RUNS runs may sit above it by
     * sampling noise alone, so the check allows three standard errors of a rate of alpha (0.015 here),
     * far below what repeated looks at a fixed-sample test give (the last assertion).
     */
    @Test
    void equallyGoodModelsArePromotedAtMostAlphaOfTheTimeDespiteCheckingAfterEveryPair() {
        // 90% accurate both; they disagree on 10% of pairs, half each way.
        Stream equal = new Stream(0.85, 0.05, 0.05);
        double promoted = rate(equal, SequentialTest.Verdict.BETTER, 1);
        double rolledBack = rate(equal, SequentialTest.Verdict.WORSE, 2);
        double naive = naivePeekedRate(equal, 6);
        System.out.printf("equal models, %d runs of %d pairs, checked after every pair: promoted %.4f, rolled back %.4f"
                + " (alpha %.2f); a fixed-sample 5%% test looked at as often: %.4f%n", RUNS, PAIRS, promoted, rolledBack,
                ALPHA, naive);
        // Seeded runs: the rates are fixed numbers, held to alpha itself (a boundary below ln(1/alpha),
        // e.g. Wald's ln((1 - beta)/alpha), lets more through).
        assertTrue(promoted <= ALPHA, "false promotions: " + promoted);
        assertTrue(rolledBack <= ALPHA, "false rollbacks: " + rolledBack);
        assertTrue(promoted > 0.005, "the test does promote some equal candidates by chance: " + promoted);
        // Not a check of SequentialTest: the contrast the design rests on (and the README's figure).
        assertTrue(naive > 4 * ALPHA, "peeking at a fixed-sample test breaks its level: " + naive);
    }

    /** A one-sided binomial z-test at 5% on the discordant pairs, evaluated after every one of them. */
    private static double naivePeekedRate(Stream s, long seed) {
        Random rnd = new Random(seed);
        int hits = 0;
        for (int run = 0; run < RUNS; run++) {
            long cand = 0;
            long champ = 0;
            for (int i = 0; i < PAIRS; i++) {
                double u = rnd.nextDouble();
                if (u >= s.bothRight() && u < s.bothRight() + s.candidateOnly()) {
                    cand++;
                } else if (u >= s.bothRight() + s.candidateOnly() && u < s.bothRight() + s.candidateOnly()
                        + s.championOnly()) {
                    champ++;
                } else {
                    continue;
                }
                long n = cand + champ;
                if (n >= 10 && (cand - n / 2.0) / Math.sqrt(n / 4.0) > 1.645) {
                    hits++;
                    break;
                }
            }
        }
        return (double) hits / RUNS;
    }

    @Test
    void aWorseCandidateIsPromotedLessOftenThanAnEqualOne() {
        double worse = rate(new Stream(0.85, 0.04, 0.06), SequentialTest.Verdict.BETTER, 3);
        double equal = rate(new Stream(0.85, 0.05, 0.05), SequentialTest.Verdict.BETTER, 3);
        assertTrue(worse < equal && worse <= ALPHA, "promotions of a worse candidate " + worse + ", of an equal one "
                + equal);
    }

    @Test
    void aCandidateBetterByTheMinimumEffectIsPromotedAndAWorseOneRolledBack() {
        // On the discordant pairs the candidate wins 60% (p = 1/2 + minEffect), or loses 60%.
        double promoted = rate(new Stream(0.85, 0.06, 0.04), SequentialTest.Verdict.BETTER, 4);
        double rolledBack = rate(new Stream(0.85, 0.04, 0.06), SequentialTest.Verdict.WORSE, 5);
        System.out.printf("candidate better by the minimum effect: promoted %.4f; worse by it: rolled back %.4f%n",
                promoted, rolledBack);
        assertTrue(promoted >= 0.9, "power to promote: " + promoted);
        assertTrue(rolledBack >= 0.9, "power to roll back: " + rolledBack);
        // Within a label budget a rollout sees: 3,000 labeled pairs (about 300 discordant ones).
        double promotedSoon = rate(new Stream(0.85, 0.06, 0.04), SequentialTest.Verdict.BETTER, 6, 3_000);
        double rolledBackSoon = rate(new Stream(0.85, 0.04, 0.06), SequentialTest.Verdict.WORSE, 7, 3_000);
        System.out.printf("within 3,000 labeled pairs: promoted %.4f, rolled back %.4f%n", promotedSoon, rolledBackSoon);
        assertTrue(promotedSoon >= 0.8, "power to promote within 3,000 pairs: " + promotedSoon);
        assertTrue(rolledBackSoon >= 0.8, "power to roll back within 3,000 pairs: " + rolledBackSoon);
    }

    @Test
    void theBoundaryAndStepsAreWaldsLikelihoodRatios() {
        SequentialTest t = new SequentialTest(0.05, 0.1);
        assertEquals(Math.log(20), t.boundary(), 1e-12);
        assertEquals(3 * Math.log(1.2) + 2 * Math.log(0.8), t.betterLlr(3, 2), 1e-12);
        assertEquals(3 * Math.log(0.8) + 2 * Math.log(1.2), t.worseLlr(3, 2), 1e-12);
        // ln 20 / ln 1.2 = 16.4: 17 straight wins decide, 16 do not.
        assertEquals(SequentialTest.Verdict.UNDECIDED, t.verdict(16, 0));
        assertEquals(SequentialTest.Verdict.BETTER, t.verdict(17, 0));
        assertEquals(SequentialTest.Verdict.WORSE, t.verdict(0, 17));
    }
}
