package io.simstream.drift;

import io.simstream.config.ScoringConfig;
import java.util.Map;

/**
 * How a {@link DriftDetector} judges its windows. The defaults are what docs/drift.md measures
 * (false alarms on stationary traffic, delay after the demo's shift); each component says what it
 * is for, so the config declaration can copy the text.
 *
 * @param enabled        whether scorers watch for drift at all
 * @param windowPairs    pairs per tumbling window: one test of the window against the reference per
 *                       window (200 = one second of the demo's traffic); smaller windows react sooner
 *                       but see only large shifts
 * @param alpha          false-positive probability allowed per window for all enabled tests together
 *                       (Bonferroni: each of the m tests runs at alpha / m)
 * @param persistence    consecutive alarming windows needed to raise an alarm: together with alpha it
 *                       bounds the chance rate of alarms to about alpha^persistence per window
 * @param rearmWindows   after an alarm, consecutive quiet windows needed before another alarm may be
 *                       raised (one drift episode gives one alarm)
 * @param scoreTest      whether the score distribution is tested (KS, with PSI as its effect size);
 *                       a change in class balance also moves scores (prior shift), see docs/drift.md
 * @param minPsi         least PSI of the window's scores over the reference's decile bins for the
 *                       score test to count: significance alone would flag shifts too small to matter
 * @param inputTest      whether the model's scaled inputs are tested (label-free covariate shift:
 *                       mean of the pair vectors and their mean squared norm)
 * @param minInputShift  least input effect for the input tests to count: the centre moved by this
 *                       share of the inputs' RMS spread, or the mean squared norm changed by this share
 */
public record DriftSettings(boolean enabled, int windowPairs, double alpha, int persistence, int rearmWindows,
                            boolean scoreTest, double minPsi, boolean inputTest, double minInputShift) {
    public static final int MIN_WINDOW = 20;
    public static final int MAX_WINDOW = 1_000_000;

    /** The declared defaults of serve's drift.* settings (declared once, in ScoringConfig). */
    public static final DriftSettings DEFAULTS = from(ScoringConfig.of(Map.of("bootstrap.servers", "unused:1",
            "registry.url", "http://unused")));

    /** The drift.* settings of a resolved scorer configuration. */
    public static DriftSettings from(ScoringConfig c) {
        return new DriftSettings(c.getBoolean(ScoringConfig.DRIFT_ENABLED), c.getInt(ScoringConfig.DRIFT_WINDOW),
                c.values().getDouble(ScoringConfig.DRIFT_ALPHA), c.getInt(ScoringConfig.DRIFT_PERSISTENCE),
                c.getInt(ScoringConfig.DRIFT_REARM), c.getBoolean(ScoringConfig.DRIFT_SCORE_TEST),
                c.values().getDouble(ScoringConfig.DRIFT_MIN_PSI), c.getBoolean(ScoringConfig.DRIFT_INPUT_TEST),
                c.values().getDouble(ScoringConfig.DRIFT_MIN_INPUT_SHIFT));
    }

    public DriftSettings {
        if (windowPairs < MIN_WINDOW || windowPairs > MAX_WINDOW) {
            throw new IllegalArgumentException("drift window must be " + MIN_WINDOW + ".." + MAX_WINDOW
                    + " pairs, got " + windowPairs);
        }
        if (!(alpha > 0 && alpha <= 0.5)) {
            throw new IllegalArgumentException("drift alpha must be in (0, 0.5], got " + alpha);
        }
        if (persistence < 1 || persistence > 1000) {
            throw new IllegalArgumentException("drift persistence must be 1..1000 windows, got " + persistence);
        }
        if (rearmWindows < 1 || rearmWindows > 1_000_000) {
            throw new IllegalArgumentException("drift re-arm must be 1..1000000 windows, got " + rearmWindows);
        }
        if (!(minPsi >= 0 && minPsi <= 10)) {
            throw new IllegalArgumentException("drift minimum PSI must be in [0, 10], got " + minPsi);
        }
        if (!(minInputShift >= 0 && minInputShift <= 10)) {
            throw new IllegalArgumentException("drift minimum input shift must be in [0, 10], got " + minInputShift);
        }
        if (enabled && !scoreTest && !inputTest) {
            throw new IllegalArgumentException("drift detection is enabled but both the score and the input test"
                    + " are off");
        }
    }

    /** How many tests share alpha in each window. */
    public int testsPerWindow() {
        return (scoreTest ? 1 : 0) + (inputTest ? InputShift.TESTS : 0);
    }

    /** The significance level each single test is held to. */
    public double perTestAlpha() {
        return alpha / Math.max(1, testsPerWindow());
    }

    public DriftSettings withWindowPairs(int w) {
        return new DriftSettings(enabled, w, alpha, persistence, rearmWindows, scoreTest, minPsi, inputTest,
                minInputShift);
    }

    public DriftSettings withAlpha(double a) {
        return new DriftSettings(enabled, windowPairs, a, persistence, rearmWindows, scoreTest, minPsi, inputTest,
                minInputShift);
    }

    public DriftSettings withPersistence(int k) {
        return new DriftSettings(enabled, windowPairs, alpha, k, rearmWindows, scoreTest, minPsi, inputTest,
                minInputShift);
    }

    public DriftSettings withRearmWindows(int r) {
        return new DriftSettings(enabled, windowPairs, alpha, persistence, r, scoreTest, minPsi, inputTest,
                minInputShift);
    }

    public DriftSettings withTests(boolean scores, boolean inputs) {
        return new DriftSettings(enabled, windowPairs, alpha, persistence, rearmWindows, scores, minPsi, inputs,
                minInputShift);
    }

    public DriftSettings withEffectFloors(double psi, double inputShift) {
        return new DriftSettings(enabled, windowPairs, alpha, persistence, rearmWindows, scoreTest, psi, inputTest,
                inputShift);
    }

    public DriftSettings withEnabled(boolean on) {
        return new DriftSettings(on, windowPairs, alpha, persistence, rearmWindows, scoreTest, minPsi, inputTest,
                minInputShift);
    }
}
