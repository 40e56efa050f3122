package io.simstream.drift;

import io.simstream.model.ModelArtifact;
import io.simstream.model.Normalizer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Optional;

/**
 * Watches one model version's traffic on one instance for drift against the reference the model
 * carries. Pairs fill tumbling windows of {@link DriftSettings#windowPairs()}; each full window is
 * tested (scores: KS with PSI as effect size; inputs: centre and energy of the scaled pair
 * vectors, {@link InputShift}), and an alarm is raised after {@link DriftSettings#persistence()}
 * consecutive alarming windows. After an alarm the detector stays alarmed, raising nothing new,
 * until {@link DriftSettings#rearmWindows()} consecutive quiet windows have passed.
 *
 * <p>Thread-safe: the stream threads of one instance share one detector, so a window fills at the
 * instance's full rate (per-thread detectors would each see a fraction and detect later).
 * {@link #observe} holds the lock for O(dim) work per pair, plus one window evaluation (a sort of
 * the window's scores and O(window + reference + dim)) per window; {@link #status()} is a volatile
 * read of an immutable snapshot taken when the last window closed.
 * {@code bench drift} measures the cost per pair.
 */
public final class DriftDetector {
    /** Pairs per float block (see blockU). */
    static final int BLOCK = 64;
    private final String modelName;
    private final long version;
    private final DriftReference reference;
    private final DriftSettings settings;
    private final Psi psi;
    private final InputShift inputShift;
    private final float[] centre;
    private final float[] inverseScale;
    private final double perTestAlpha;
    /** Guards everything below it; private, so no caller can hold it and stall the stream threads. */
    private final Object lock = new Object();

    private final float[] scores;
    /**
     * Per-dimension float sums over a block of at most {@link #BLOCK} pairs, flushed into the
     * double window sums: element-wise float adds with no loop-carried reduction let the JIT
     * vectorize the per-pair loop, and short float blocks keep float rounding negligible.
     */
    private final float[] blockU;
    private final float[] blockEnergy;
    private int blockCount;
    private final double[] sumU;
    private double sumEnergy;
    private int count;
    private long windowStartMs = Long.MAX_VALUE;
    private long windowEndMs = Long.MIN_VALUE;
    private long pairs;
    private long windows;
    private final Deque<WindowEvidence> run = new ArrayDeque<>();
    private int streak;
    private boolean alarmed;
    private int quietSinceAlarm;
    private long alarmsRaised;
    private DriftAlarm lastAlarm;
    private volatile DriftStatus status;

    /**
     * @param normalizer the model's input normalizer (the reference's inputs are in its scaled space)
     */
    public DriftDetector(String modelName, long version, DriftReference reference, Normalizer normalizer,
                         DriftSettings settings) {
        if (reference.dim() != normalizer.dim()) {
            throw new IllegalArgumentException("drift reference has dimension " + reference.dim()
                    + " but the normalizer has " + normalizer.dim());
        }
        this.modelName = modelName;
        this.version = version;
        this.reference = reference;
        this.settings = settings;
        this.psi = new Psi(reference.scores());
        this.inputShift = new InputShift(reference.inputs(), reference.pairs());
        this.centre = normalizer.mean().clone();
        this.inverseScale = new float[normalizer.dim()];
        for (int j = 0; j < inverseScale.length; j++) {
            inverseScale[j] = 1f / normalizer.scale()[j];
        }
        this.perTestAlpha = settings.perTestAlpha();
        this.scores = new float[settings.windowPairs()];
        this.sumU = new double[normalizer.dim()];
        this.blockU = new float[normalizer.dim()];
        this.blockEnergy = new float[normalizer.dim()];
        publishStatus(null);
    }

    /** The model's detector, or empty when drift detection is off or the model carries no reference. */
    public static Optional<DriftDetector> forModel(ModelArtifact model, DriftSettings settings) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        return DriftReference.of(model).map(ref -> new DriftDetector(model.name(), model.version(), ref,
                model.normalizer(), settings));
    }

    /**
     * One scored pair. Returns the alarm when this pair completes the window that raises one.
     *
     * @param timestampMs the pair's time (its record timestamp): windows and the onset are dated by it
     * @param score       the model's score for the pair
     * @param left        the pair's raw left vector (as scored, before scaling)
     * @param right       the pair's raw right vector
     */
    public Optional<DriftAlarm> observe(long timestampMs, float score, float[] left, float[] right) {
        if (left.length != sumU.length || right.length != sumU.length) {
            throw new IllegalArgumentException("pair of dimension " + left.length + "/" + right.length
                    + " for a drift detector of dimension " + sumU.length);
        }
        if (!Float.isFinite(score)) {
            return Optional.empty();
        }
        synchronized (lock) {
            scores[count] = score;
            if (settings.inputTest()) {
                for (int j = 0; j < blockU.length; j++) {
                    float l = (left[j] - centre[j]) * inverseScale[j];
                    float r = (right[j] - centre[j]) * inverseScale[j];
                    blockU[j] += l + r;
                    blockEnergy[j] += l * l + r * r;
                }
                if (++blockCount == BLOCK) {
                    flushBlock();
                }
            }
            windowStartMs = Math.min(windowStartMs, timestampMs);
            windowEndMs = Math.max(windowEndMs, timestampMs);
            pairs++;
            if (++count < scores.length) {
                return Optional.empty();
            }
            return Optional.ofNullable(closeWindow());
        }
    }

    /** The status as of the last closed window; a volatile read, never blocks. */
    public DriftStatus status() {
        return status;
    }

    public DriftSettings settings() {
        return settings;
    }

    public DriftReference reference() {
        return reference;
    }

    /** Adds the block's sums (u = (l + r) / 2 applied here) to the window's and clears the block. */
    private void flushBlock() {
        double e = 0;
        for (int j = 0; j < blockU.length; j++) {
            sumU[j] += 0.5 * blockU[j];
            e += blockEnergy[j];
        }
        sumEnergy += e;
        Arrays.fill(blockU, 0f);
        Arrays.fill(blockEnergy, 0f);
        blockCount = 0;
    }

    private DriftAlarm closeWindow() {
        flushBlock();
        WindowEvidence w = evaluate();
        windows++;
        count = 0;
        sumEnergy = 0;
        Arrays.fill(sumU, 0);
        windowStartMs = Long.MAX_VALUE;
        windowEndMs = Long.MIN_VALUE;

        streak = w.alarming() ? streak + 1 : 0;
        DriftAlarm raised = null;
        if (alarmed) {
            quietSinceAlarm = w.alarming() ? 0 : quietSinceAlarm + 1;
            if (quietSinceAlarm >= settings.rearmWindows()) {
                alarmed = false;
                run.clear();
            }
        } else if (w.alarming()) {
            run.addLast(w);
            if (run.size() >= settings.persistence()) {
                WindowEvidence first = run.peekFirst();
                raised = new DriftAlarm(modelName, version, first.startMs(), first.firstPair(), w.endMs(), pairs - 1,
                        run.stream().toList(), settings, reference.source(), reference.heldOut(), reference.pairs());
                alarmed = true;
                quietSinceAlarm = 0;
                alarmsRaised++;
                lastAlarm = raised;
                run.clear();
            }
        } else {
            run.clear();
        }
        publishStatus(w);
        return raised;
    }

    private WindowEvidence evaluate() {
        int n = count;
        double ks = Double.NaN;
        double ksP = Double.NaN;
        double psiValue = Double.NaN;
        boolean scoreDrift = false;
        if (settings.scoreTest()) {
            Arrays.sort(scores, 0, n);
            ks = KsTest.statistic(scores, n, reference.scores(), reference.scores().length);
            ksP = KsTest.pValue(ks, n, reference.scores().length);
            psiValue = psi.of(scores, n);
            scoreDrift = ksP < perTestAlpha && psiValue >= settings.minPsi();
        }
        InputShift.Result in = settings.inputTest() ? inputShift.test(sumU, sumEnergy, n)
                : new InputShift.Result(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        boolean inputDrift = settings.inputTest()
                && ((in.centreP() < perTestAlpha && in.centreShift() >= settings.minInputShift())
                || (in.energyP() < perTestAlpha && in.energyShift() >= settings.minInputShift()));
        return new WindowEvidence(windows, pairs - n, windowStartMs, windowEndMs, n, ks, ksP, psiValue,
                in.centreShift(), in.centreP(), in.energyShift(), in.energyP(), scoreDrift, inputDrift);
    }

    private void publishStatus(WindowEvidence last) {
        status = new DriftStatus(modelName, version, alarmed, pairs, windows, streak, alarmsRaised, last, lastAlarm,
                reference.source());
    }
}
