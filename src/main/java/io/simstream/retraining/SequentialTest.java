package io.simstream.retraining;

import java.util.Locale;

/**
 * Is the candidate better, or worse, than the champion on the pairs where they disagree? Both score
 * every labeled pair, so only the discordant pairs (exactly one of the two right) tell them apart,
 * and among those the candidate wins each with some probability p (p = 1/2 when the two are equally
 * accurate, McNemar's view). Two one-sided sequential probability ratio tests (Wald) run on the same
 * counts:
 * <ul>
 *   <li>better: p = 1/2 against p = 1/2 + minEffect; crossing ln(1/alpha) means promote;</li>
 *   <li>worse: p = 1/2 against p = 1/2 - minEffect; crossing ln(1/alpha) means roll back.</li>
 * </ul>
 * Why this bounds false promotions however often it is looked at: under p = 1/2 the likelihood
 * ratio of the "better" test is a non-negative martingale with mean 1 (for p below 1/2 a
 * supermartingale), so by Ville's inequality the chance that it EVER reaches 1/alpha is at most
 * alpha. The controller checks it after every batch of new labels, for as long as a rollout lasts,
 * and the bound holds for all those looks together; a fixed-sample test peeked at repeatedly would
 * not. The same holds for false rollbacks of a candidate that is at least as good. The price: the
 * boundary is ln(1/alpha) rather than Wald's ln((1-beta)/alpha), a few more pairs to decide.
 */
public final class SequentialTest {
    /** What the evidence says so far. */
    public enum Verdict { BETTER, WORSE, UNDECIDED }

    private final double boundary;
    private final double winStep;
    private final double lossStep;

    /**
     * @param alpha     the largest chance of declaring a difference that is not there (each direction)
     * @param minEffect the smallest difference worth acting on, as p - 1/2 on the discordant pairs
     */
    public SequentialTest(double alpha, double minEffect) {
        if (!(alpha > 0 && alpha < 0.5)) {
            throw new IllegalArgumentException("alpha must be in (0, 0.5), got " + alpha);
        }
        if (!(minEffect > 0 && minEffect < 0.5)) {
            throw new IllegalArgumentException("minimum effect must be in (0, 0.5), got " + minEffect);
        }
        this.boundary = Math.log(1 / alpha);
        this.winStep = Math.log((0.5 + minEffect) / 0.5);
        this.lossStep = Math.log((0.5 - minEffect) / 0.5);
    }

    /** The decision boundary of both log-likelihood ratios, ln(1/alpha). */
    public double boundary() {
        return boundary;
    }

    /** Log-likelihood ratio for "better" after candidateWins and championWins discordant pairs. */
    public double betterLlr(long candidateWins, long championWins) {
        return candidateWins * winStep + championWins * lossStep;
    }

    /** Log-likelihood ratio for "worse" (the mirror image). */
    public double worseLlr(long candidateWins, long championWins) {
        return candidateWins * lossStep + championWins * winStep;
    }

    public Verdict verdict(long candidateWins, long championWins) {
        if (worseLlr(candidateWins, championWins) >= boundary) {
            return Verdict.WORSE;
        }
        if (betterLlr(candidateWins, championWins) >= boundary) {
            return Verdict.BETTER;
        }
        return Verdict.UNDECIDED;
    }

    public Verdict verdict(Comparison c) {
        return verdict(c.candidateOnly(), c.championOnly());
    }

    /** "LLR better 1.23 / worse -0.80 vs 3.00" for logs and model events. */
    public String describe(Comparison c) {
        return String.format(Locale.ROOT, "LLR better %.2f / worse %.2f vs %.2f", betterLlr(c.candidateOnly(),
                c.championOnly()), worseLlr(c.candidateOnly(), c.championOnly()), boundary);
    }
}
