package io.simstream.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.data.PairDataset;
import io.simstream.data.Standardizer;
import io.simstream.data.SyntheticPairs;
import io.simstream.drift.DriftAlarm;
import io.simstream.drift.DriftDetector;
import io.simstream.drift.DriftReference;
import io.simstream.drift.DriftReferences;
import io.simstream.drift.DriftSettings;
import io.simstream.drift.KsTest;
import io.simstream.drift.WindowEvidence;
import io.simstream.model.ModelArtifact;
import io.simstream.model.PairScorer;
import io.simstream.model.PairScorers;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The demo's drift situation offline: a bootstrap model trained as the demo trains it (synthetic
 * distribution A, shift 0), traffic from A, then the demo's shift (the synthetic source switches to
 * distribution B, shift 1). Measures, for the given detector settings:
 * <ul>
 * <li>false alarms on stationary traffic: many seeded runs, each with its own reference (a fresh
 * held-out sample, as training would capture one) and its own stream;</li>
 * <li>the detection delay after the shift, in pairs and in seconds at the demo's rate, and how far
 * the reported onset is from the true shift;</li>
 * <li>what a change in class balance alone (prior shift) does;</li>
 * <li>the cost of observe() per pair, next to the scoring kernel's cost for the same pair.</li>
 * </ul>
 * Streams draw pairs at random from large pre-scored pools of each distribution (scoring every
 * pair of 10^7 would take the benchmark's whole time): i.i.d. draws from a fixed distribution,
 * which is what "stationary" means.
 */
public final class DriftBenchmark {
    /** Where in the stream (pairs) the shift may fall: after at least this many stationary pairs ... */
    static final int MIN_PRE_SHIFT = 2_000;
    /** ... and at most this many (the demo's 60 s at 200 pairs/s). */
    static final int MAX_PRE_SHIFT = 12_000;
    /** A shift not detected within this many windows counts as missed. */
    static final int MAX_DELAY_WINDOWS = 50;
    /** The user's vectors (README): the cost is measured there too. */
    static final int USER_DIM = 200;

    /**
     * @param referencePairs reference sizes to measure (2,000 for a bootstrap sample, 800 for the
     *                       demo retrainer's holdout)
     * @param priorRates     positive rates of the class-balance runs (the reference has 0.5)
     * @param partialShifts  smaller shifts than the demo's (SyntheticPairs shift in (0, 1)) for the
     *                       sensitivity runs
     */
    public record Options(int dim, int bootstrapPairs, List<Integer> referencePairs, int runs, int pairsPerRun,
                          int delayRuns, int pairsPerSecond, int poolPairs, List<Double> priorRates,
                          List<Double> partialShifts, long seed,
                          DriftSettings settings, double costSeconds) {
    }

    /** A trained bootstrap model and its selection run's validation scores (see TrainingResult). */
    public record Bootstrap(ModelArtifact model, float[] selectionValidationScores) {
    }

    private final Options o;
    private final Function<PairDataset, Bootstrap> bootstrapTrainer;
    private final Function<PairDataset, PairDataset> validationPart;
    private final ModelArtifact givenModel;

    /**
     * @param model            the bootstrap model, or null to train one with bootstrapTrainer
     * @param bootstrapTrainer trains the bootstrap model on distribution A (as the demo does)
     * @param validationPart   the validation part of the bootstrap data as training splits it: the
     *                         reference `train` captures without a test file (the refit model has
     *                         trained on it)
     */
    public DriftBenchmark(Options options, ModelArtifact model, Function<PairDataset, Bootstrap> bootstrapTrainer,
                          Function<PairDataset, PairDataset> validationPart) {
        this.o = options;
        this.givenModel = model;
        this.bootstrapTrainer = bootstrapTrainer;
        this.validationPart = validationPart;
    }

    /** How each run gets its reference. */
    private record ReferenceCase(String name, int pairs, boolean heldOut, Function<Random, DriftReference> make) {
    }

    /** Pairs with their scores by the benchmarked model. */
    private record Pool(PairDataset data, float[] scores) {
        int size() {
            return scores.length;
        }
    }

    public ObjectNode run(Consumer<String> out) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ModelArtifact model = givenModel;
        double trainSeconds = 0;
        float[] selectionScores = null;
        PairDataset bootstrap = SyntheticPairs.generate(SyntheticPairs.Spec.of(o.bootstrapPairs(), o.dim(), 1));
        if (model == null) {
            out.accept(String.format(Locale.ROOT, "training the bootstrap model as the demo does: %d pairs of"
                    + " distribution A, dim %d ...", bootstrap.size(), o.dim()));
            long t0 = System.nanoTime();
            Bootstrap trained = bootstrapTrainer.apply(bootstrap);
            trainSeconds = (System.nanoTime() - t0) / 1e9;
            model = trained.model();
            selectionScores = trained.selectionValidationScores();
        }
        if (model.inputDim() != o.dim()) {
            throw new IllegalArgumentException(model + " takes dimension " + model.inputDim() + ", not " + o.dim());
        }
        out.accept("model: " + model);
        PairScorer scorer = PairScorers.fastest(model);
        // Seeds of the pools differ from the bootstrap's (1) and from each other: no pair is reused.
        Pool referencePool = pool(scorer, 0.5, 0.0, o.seed() * 1_000 + 11);
        Pool stationary = pool(scorer, 0.5, 0.0, o.seed() * 1_000 + 12);
        Pool shifted = pool(scorer, 0.5, 1.0, o.seed() * 1_000 + 13);

        json.put("what", "drift detection on the demo's situation: bootstrap model on synthetic A, traffic A, then"
                + " the demo's shift to B (SyntheticPairs shift 1)");
        json.put("dim", o.dim());
        json.put("bootstrapPairs", o.bootstrapPairs());
        json.put("model", model.toString());
        json.put("bootstrapTrainingSeconds", trainSeconds);
        json.put("pairsPerSecond", o.pairsPerSecond());
        json.put("poolPairs", o.poolPairs());
        json.put("modelAccuracyBeforeShift", accuracy(model, stationary));
        out.accept(String.format(Locale.ROOT, "model accuracy on distribution A %.3f, after the demo's shift %.3f",
                accuracy(model, stationary), accuracy(model, shifted)));
        json.set("settings", settingsJson(o.settings()));
        List<ReferenceCase> refCases = new ArrayList<>();
        ModelArtifact m = model;
        for (int refPairs : o.referencePairs()) {
            refCases.add(new ReferenceCase(refPairs + " held-out pairs (fresh per run)", refPairs, true,
                    rnd -> reference(m, referencePool, refPairs, rnd)));
        }
        PairDataset validation = validationPart.apply(bootstrap);
        DriftReference inSample = DriftReferences.of(model, validation, "validation split", false);
        json.set("referenceBias", referenceBias(model, stationary, referencePool, inSample, selectionScores, out));
        refCases.add(new ReferenceCase("the bootstrap data's validation split, " + validation.size()
                + " pairs the refit model trained on (train without --test)", validation.size(), false, rnd -> inSample));
        ArrayNode cases = json.putArray("references");
        for (ReferenceCase rc : refCases) {
            out.accept(String.format(Locale.ROOT, "%n== reference: %s ==", rc.name()));
            ObjectNode c = cases.addObject();
            c.put("reference", rc.name());
            c.put("referencePairs", rc.pairs());
            c.put("heldOut", rc.heldOut());
            c.set("stationary", falseAlarms(model, rc, stationary, out));
            c.set("shift", delay(model, rc, stationary, shifted, out));
        }
        json.set("sensitivity", sensitivity(model, scorer, refCases.get(0), stationary, out));
        json.set("classBalance", priorShift(model, scorer, referencePool, out));
        json.set("cost", cost(model, stationary, out));
        json.set("costAtUserDimension", costAtDimension(USER_DIM, out));
        json.put("systemLoadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        json.put("cores", Runtime.getRuntime().availableProcessors());
        return json;
    }

    /**
     * Which score reference `train` should keep without a test file, after the refit on every label:
     * the final model's scores on the validation split (pairs it has now trained on), or the
     * selection run's validation scores (held out, but from a different model). Each is compared with
     * the final model's scores on fresh traffic (the stationary pool); a fresh held-out sample of the
     * same size shows the noise level.
     */
    private ObjectNode referenceBias(ModelArtifact model, Pool truth, Pool referencePool, DriftReference inSample,
                                     float[] selectionScores, Consumer<String> out) {
        float[] truthSorted = truth.scores().clone();
        Arrays.sort(truthSorted);
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        DriftReference fresh = reference(model, referencePool, inSample.pairs(), new Random(o.seed()));
        j.put("heldOutSampleKs", KsTest.statistic(fresh.scores(), truthSorted));
        j.put("finalModelOnValidationSplitKs", KsTest.statistic(inSample.scores(), truthSorted));
        String line = String.format(Locale.ROOT, "%nscore reference without a test file (KS distance to the final"
                        + " model's scores on fresh traffic; %d pairs each): held-out sample %.3f (noise level),"
                        + " final model on the validation split %.3f", inSample.pairs(),
                j.get("heldOutSampleKs").asDouble(), j.get("finalModelOnValidationSplitKs").asDouble());
        if (selectionScores != null) {
            float[] sel = selectionScores.clone();
            Arrays.sort(sel);
            j.put("selectionRunValidationKs", KsTest.statistic(sel, truthSorted));
            line += String.format(Locale.ROOT, ", selection run's validation scores %.3f",
                    j.get("selectionRunValidationKs").asDouble());
        }
        out.accept(line);
        return j;
    }

    private Pool pool(PairScorer scorer, double positiveRate, double shift, long seed) {
        PairDataset d = SyntheticPairs.generate(new SyntheticPairs.Spec(o.poolPairs(), o.dim(), seed, positiveRate,
                SyntheticPairs.Difficulty.MEDIUM, shift));
        float[] s = new float[d.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scorer.score(d.left()[i], d.right()[i]);
        }
        return new Pool(d, s);
    }

    /** The model's accuracy at its threshold on the pool's labels. */
    private static double accuracy(ModelArtifact model, Pool pool) {
        int correct = 0;
        for (int i = 0; i < pool.size(); i++) {
            boolean same = model.head().isSame(pool.scores()[i], model.threshold());
            correct += same == (pool.data().labels()[i] == 1) ? 1 : 0;
        }
        return (double) correct / pool.size();
    }

    /** A fresh reference: refPairs pairs drawn without replacement from the reference pool. */
    private static DriftReference reference(ModelArtifact model, Pool pool, int refPairs, Random rnd) {
        int[] idx = new int[pool.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < refPairs; i++) {
            int j = i + rnd.nextInt(idx.length - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        PairDataset sample = pool.data().select(Arrays.copyOf(idx, refPairs), "held-out synthetic sample");
        return DriftReferences.of(model, sample, "held-out synthetic sample", true);
    }

    private DriftDetector detector(ModelArtifact model, DriftReference ref) {
        return new DriftDetector(model.name(), model.version(), ref, model.normalizer(), o.settings());
    }

    /** Feeds one random pair of the pool; returns the alarm it raised, if any. */
    private Optional<DriftAlarm> feed(DriftDetector det, Pool pool, Random rnd, long pairIndex) {
        int k = rnd.nextInt(pool.size());
        long ts = pairIndex * 1000L / o.pairsPerSecond();
        return det.observe(ts, pool.scores()[k], pool.data().left()[k], pool.data().right()[k]);
    }

    private ObjectNode falseAlarms(ModelArtifact model, ReferenceCase rc, Pool stationary, Consumer<String> out) {
        int w = o.settings().windowPairs();
        long alarms = 0;
        int runsWithAlarm = 0;
        TreeMap<String, Integer> causes = new TreeMap<>();
        WindowStats noise = new WindowStats(o.settings().perTestAlpha());
        for (int r = 0; r < o.runs(); r++) {
            Random rnd = new Random(o.seed() * 1_000_003L + r);
            DriftDetector det = detector(model, rc.make().apply(rnd));
            int runAlarms = 0;
            for (long i = 0; i < o.pairsPerRun(); i++) {
                Optional<DriftAlarm> a = feed(det, stationary, rnd, i);
                if (a.isPresent()) {
                    runAlarms++;
                    causes.merge(a.get().cause(), 1, Integer::sum);
                }
                if ((i + 1) % w == 0) {
                    noise.add(det.status().lastWindow());
                }
            }
            alarms += runAlarms;
            runsWithAlarm += runAlarms > 0 ? 1 : 0;
        }
        long pairs = (long) o.runs() * o.pairsPerRun();
        // Rule of three: with 0 of n runs alarming, the per-run probability is below 3/n at 95%.
        double upper95 = runsWithAlarm == 0 ? 3.0 / o.runs() : Double.NaN;
        out.accept(String.format(Locale.ROOT, "stationary: %d runs x %d pairs (%.0f s each at %d pairs/s):"
                        + " %d alarms in %d runs = %.4f per 100k pairs%s", o.runs(), o.pairsPerRun(),
                (double) o.pairsPerRun() / o.pairsPerSecond(), o.pairsPerSecond(), alarms, runsWithAlarm,
                alarms * 1e5 / pairs, runsWithAlarm == 0 ? String.format(Locale.ROOT,
                        " (per-run probability < %.3f at 95%%)", upper95) : ""));
        out.accept("  window figures under no drift (floors: PSI " + o.settings().minPsi() + ", input shift "
                + o.settings().minInputShift() + "):");
        noise.print(out);
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        j.put("runs", o.runs());
        j.put("pairsPerRun", o.pairsPerRun());
        j.put("pairs", pairs);
        j.put("alarms", alarms);
        j.put("runsWithAlarm", runsWithAlarm);
        j.put("alarmsPer100kPairs", alarms * 1e5 / pairs);
        j.put("alarmsPerHourAtRate", alarms / (pairs / (double) o.pairsPerSecond() / 3600));
        if (runsWithAlarm == 0) {
            j.put("perRunAlarmProbabilityUpper95", upper95);
        }
        causes.forEach(j.putObject("causes")::put);
        j.set("windows", noise.toJson());
        return j;
    }

    /** Smaller shifts than the demo's: how often and how fast each is found. */
    private ObjectNode sensitivity(ModelArtifact model, PairScorer scorer, ReferenceCase rc, Pool stationary,
                                   Consumer<String> out) {
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        int runs = Math.max(1, o.delayRuns() / 4);
        for (double shift : o.partialShifts()) {
            out.accept(String.format(Locale.ROOT, "%n== partial shift %.2f (the demo's is 1), reference: %s ==", shift,
                    rc.name()));
            Pool p = pool(scorer, 0.5, shift, o.seed() * 1_000 + 40 + Math.round(shift * 100));
            j.set(String.format(Locale.ROOT, "%.2f", shift), delay(model, rc, stationary, p, runs,
                    String.format(Locale.ROOT, "shift %.2f", shift), out));
        }
        return j;
    }

    private ObjectNode delay(ModelArtifact model, ReferenceCase rc, Pool stationary, Pool shifted,
                             Consumer<String> out) {
        return delay(model, rc, stationary, shifted, o.delayRuns(), "demo shift", out);
    }

    private ObjectNode delay(ModelArtifact model, ReferenceCase rc, Pool stationary, Pool shifted, int runs,
                             String label, Consumer<String> out) {
        int w = o.settings().windowPairs();
        List<Long> delays = new ArrayList<>();
        List<Long> onsetErrors = new ArrayList<>();
        int missed = 0;
        int alarmedBeforeShift = 0;
        double accuracy = accuracy(model, shifted);
        TreeMap<String, Integer> causes = new TreeMap<>();
        WindowStats shiftedWindows = new WindowStats(o.settings().perTestAlpha());
        for (int r = 0; r < runs; r++) {
            Random rnd = new Random(o.seed() * 7_000_003L + r);
            DriftDetector det = detector(model, rc.make().apply(rnd));
            int pre = MIN_PRE_SHIFT + rnd.nextInt(MAX_PRE_SHIFT - MIN_PRE_SHIFT + 1);
            boolean early = false;
            for (long i = 0; i < pre; i++) {
                early |= feed(det, stationary, rnd, i).isPresent();
            }
            if (early) {
                alarmedBeforeShift++;
                continue;
            }
            DriftAlarm alarm = null;
            long windowsSeen = det.status().windows();
            for (long i = pre; i < pre + (long) MAX_DELAY_WINDOWS * w && alarm == null; i++) {
                alarm = feed(det, shifted, rnd, i).orElse(null);
                WindowEvidence last = det.status().lastWindow();
                if (det.status().windows() != windowsSeen) {
                    windowsSeen = det.status().windows();
                    if (last.firstPair() >= pre) {
                        shiftedWindows.add(last);
                    }
                }
            }
            if (alarm == null) {
                missed++;
                continue;
            }
            delays.add(alarm.detectedPair() - pre + 1);
            onsetErrors.add(alarm.onsetPair() - pre);
            causes.merge(alarm.cause(), 1, Integer::sum);
        }
        long[] d = delays.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] e = onsetErrors.stream().mapToLong(Long::longValue).sorted().toArray();
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        j.put("runs", runs);
        j.put("modelAccuracyAfterShift", accuracy);
        j.put("shiftAfterPairs", MIN_PRE_SHIFT + ".." + MAX_PRE_SHIFT);
        j.put("detected", d.length);
        j.put("missed", missed);
        j.put("alarmedBeforeShift", alarmedBeforeShift);
        if (d.length > 0) {
            double rate = o.pairsPerSecond();
            long median = quantile(d, 0.5);
            long p95 = quantile(d, 0.95);
            long max = d[d.length - 1];
            j.putObject("delayPairs").put("min", d[0]).put("median", median).put("p95", p95).put("max", max);
            j.putObject("delaySeconds").put("min", d[0] / rate).put("median", median / rate).put("p95", p95 / rate)
                    .put("max", max / rate);
            j.putObject("onsetMinusShiftPairs").put("min", e[0]).put("median", quantile(e, 0.5))
                    .put("max", e[e.length - 1]);
            out.accept(String.format(Locale.ROOT, "%s (model accuracy %.3f): detected in %d of %d runs (missed %d,"
                            + " false alarm before the shift %d); delay after the shift: median %d pairs (%.2f s at"
                            + " %.0f pairs/s), p95 %d (%.2f s), max %d (%.2f s); onset - shift: %d..%d pairs", label,
                    accuracy, d.length, runs, missed, alarmedBeforeShift, median, median / rate, rate, p95, p95 / rate,
                    max, max / rate, e[0], e[e.length - 1]));
        } else {
            out.accept(String.format(Locale.ROOT, "%s (model accuracy %.3f): never detected in %d runs (within %d"
                    + " windows)", label, accuracy, runs, MAX_DELAY_WINDOWS));
        }
        causes.forEach(j.putObject("causes")::put);
        out.accept("  window figures after the shift:");
        shiftedWindows.print(out);
        j.set("windows", shiftedWindows.toJson());
        return j;
    }

    /** Stationary inputs, but a different share of "same" pairs than the reference's 0.5. */
    private ObjectNode priorShift(ModelArtifact model, PairScorer scorer, Pool refPool, Consumer<String> out) {
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        int runs = Math.max(1, o.runs() / 4);
        int pairs = 20 * o.settings().windowPairs();
        out.accept(String.format(Locale.ROOT, "%n== class balance only (reference 0.5 same): %d runs x %d pairs ==",
                runs, pairs));
        for (double rate : o.priorRates()) {
            Pool p = pool(scorer, rate, 0.0, o.seed() * 1_000 + 20 + Math.round(rate * 100));
            int runsWithAlarm = 0;
            TreeMap<String, Integer> causes = new TreeMap<>();
            WindowStats windows = new WindowStats(o.settings().perTestAlpha());
            for (int r = 0; r < runs; r++) {
                Random rnd = new Random(o.seed() * 3_000_017L + r);
                DriftDetector det = detector(model, reference(model, refPool, o.referencePairs().get(0), rnd));
                boolean any = false;
                for (long i = 0; i < pairs; i++) {
                    Optional<DriftAlarm> a = feed(det, p, rnd, i);
                    if (a.isPresent() && !any) {
                        any = true;
                        causes.merge(a.get().cause(), 1, Integer::sum);
                    }
                    if ((i + 1) % o.settings().windowPairs() == 0) {
                        windows.add(det.status().lastWindow());
                    }
                }
                runsWithAlarm += any ? 1 : 0;
            }
            out.accept(String.format(Locale.ROOT, "same-pair share %.2f: alarm in %d of %d runs %s; median PSI %.3f,"
                            + " median input shift %.3f", rate, runsWithAlarm, runs, causes, windows.median(windows.psi),
                    windows.median(windows.inputShift)));
            ObjectNode c = j.putObject(String.format(Locale.ROOT, "%.2f", rate));
            c.put("runs", runs).put("pairsPerRun", pairs).put("runsWithAlarm", runsWithAlarm);
            causes.forEach(c.putObject("causes")::put);
            c.set("windows", windows.toJson());
        }
        return j;
    }

    /**
     * The same cost at the user's dimension, with an untrained model of the production shape (the
     * kernel costs the same whatever the weights) whose normalizer is fitted on the traffic.
     */
    private ObjectNode costAtDimension(int dim, Consumer<String> out) {
        PairDataset fit = SyntheticPairs.generate(SyntheticPairs.Spec.of(5_000, dim, o.seed() * 1_000 + 30));
        ModelArtifact m = BenchModels.random(dim, new int[] {128, 128, 128}, o.seed()).toBuilder()
                .normalizer(Standardizer.fit(fit)).build();
        PairScorer scorer = PairScorers.fastest(m);
        PairDataset d = SyntheticPairs.generate(SyntheticPairs.Spec.of(5_000, dim, o.seed() * 1_000 + 31));
        float[] scores = new float[d.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = scorer.score(d.left()[i], d.right()[i]);
        }
        return cost(m, new Pool(d, scores), out);
    }

    private ObjectNode cost(ModelArtifact model, Pool pool, Consumer<String> out) {
        DriftReference ref = reference(model, pool, o.referencePairs().get(0), new Random(o.seed()));
        PairScorer scorer = PairScorers.fastest(model);
        long nanos = (long) (o.costSeconds() * 1e9);
        // Warm up both paths once before measuring.
        timeScoring(scorer, pool, nanos / 4);
        timeObserve(detector(model, ref), pool, nanos / 4, 1);
        double scoreNs = timeScoring(scorer, pool, nanos);
        double observeNs = timeObserve(detector(model, ref), pool, nanos, 1);
        int threads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
        double sharedNs = timeObserve(detector(model, ref), pool, nanos, threads);
        out.accept(String.format(Locale.ROOT, "%n== cost per pair (dim %d, window %d) ==%nscoring kernel %.0f ns;"
                        + " observe %.0f ns on one thread (%.1f%% of scoring); %d threads sharing one detector %.0f ns"
                        + " per call", model.inputDim(), o.settings().windowPairs(), scoreNs, observeNs,
                100 * observeNs / scoreNs, threads, sharedNs));
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        j.put("dim", model.inputDim());
        j.put("scoringKernelNsPerPair", scoreNs);
        j.put("observeNsPerPair", observeNs);
        j.put("observeToScoringRatio", observeNs / scoreNs);
        j.put("sharedThreads", threads);
        j.put("observeNsPerCallShared", sharedNs);
        j.put("kernel", scorer.getClass().getSimpleName());
        return j;
    }

    private static double timeScoring(PairScorer scorer, Pool pool, long nanos) {
        long calls = 0;
        float sink = 0;
        long start = System.nanoTime();
        long end = start + nanos;
        int n = pool.size();
        while (System.nanoTime() < end) {
            for (int k = 0; k < 1_000; k++) {
                int i = (int) (calls++ % n);
                sink += scorer.score(pool.data().left()[i], pool.data().right()[i]);
            }
        }
        if (sink == 42.4242f) {
            System.out.print("");
        }
        return (System.nanoTime() - start) / (double) calls;
    }

    /** ns per observe call, each thread calling as fast as it can on the one shared detector. */
    private static double timeObserve(DriftDetector det, Pool pool, long nanos, int threads) {
        AtomicLong calls = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int offset = t * 7_919;
            Thread th = new Thread(() -> {
                long mine = 0;
                int n = pool.size();
                long end = start + nanos;
                while (System.nanoTime() < end) {
                    for (int k = 0; k < 1_000; k++) {
                        int i = (int) ((mine + offset) % n);
                        det.observe(mine, pool.scores()[i], pool.data().left()[i], pool.data().right()[i]);
                        mine++;
                    }
                }
                calls.addAndGet(mine);
            }, "drift-bench-" + t);
            workers.add(th);
            th.start();
        }
        for (Thread th : workers) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return (System.nanoTime() - start) * (double) threads / calls.get();
    }

    private static long quantile(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }

    static ObjectNode settingsJson(DriftSettings s) {
        ObjectNode j = JsonNodeFactory.instance.objectNode();
        j.put("windowPairs", s.windowPairs()).put("alpha", s.alpha()).put("persistence", s.persistence())
                .put("rearmWindows", s.rearmWindows()).put("scoreTest", s.scoreTest()).put("minPsi", s.minPsi())
                .put("inputTest", s.inputTest()).put("minInputShift", s.minInputShift());
        return j;
    }

    /** Distribution of per-window figures. */
    private static final class WindowStats {
        final List<Double> ks = new ArrayList<>();
        final List<Double> psi = new ArrayList<>();
        final List<Double> centre = new ArrayList<>();
        final List<Double> energy = new ArrayList<>();
        final List<Double> inputShift = new ArrayList<>();
        final List<Double> minP = new ArrayList<>();
        final double perTestAlpha;
        int alarming;
        int ksSignificant;
        int centreSignificant;
        int energySignificant;

        WindowStats(double perTestAlpha) {
            this.perTestAlpha = perTestAlpha;
        }

        void add(WindowEvidence w) {
            ksSignificant += w.ksP() < perTestAlpha ? 1 : 0;
            centreSignificant += w.centreP() < perTestAlpha ? 1 : 0;
            energySignificant += w.energyP() < perTestAlpha ? 1 : 0;
            ks.add(w.ks());
            psi.add(w.psi());
            centre.add(w.centreShift());
            energy.add(w.energyShift());
            inputShift.add(w.inputShift());
            minP.add(Math.min(nanToOne(w.ksP()), nanToOne(w.inputP())));
            alarming += w.alarming() ? 1 : 0;
        }

        private static double nanToOne(double p) {
            return Double.isNaN(p) ? 1 : p;
        }

        double median(List<Double> v) {
            return q(v, 0.5);
        }

        static double q(List<Double> v, double q) {
            if (v.isEmpty()) {
                return Double.NaN;
            }
            double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return s[Math.min(s.length - 1, (int) Math.floor(q * s.length))];
        }

        void print(Consumer<String> out) {
            out.accept(String.format(Locale.ROOT, "    %-13s %8s %8s %8s %8s   (%d windows, %d alarming)", "",
                    "median", "p99", "p99.9", "max", ks.size(), alarming));
            row(out, "KS", ks);
            row(out, "PSI", psi);
            row(out, "centre shift", centre);
            row(out, "energy shift", energy);
            out.accept(String.format(Locale.ROOT, "    %-13s %8.2g %8.2g %8.2g %8.2g  (p01, p001, min are the low"
                    + " tail)", "min p-value", q(minP, 0.5), q(minP, 0.01), q(minP, 0.001), q(minP, 0.0)));
            double n = Math.max(1, ks.size());
            out.accept(String.format(Locale.ROOT, "    share of windows significant at alpha/m = %.2g: KS %.2g,"
                    + " centre %.2g, energy %.2g", perTestAlpha, ksSignificant / n, centreSignificant / n,
                    energySignificant / n));
        }

        private static void row(Consumer<String> out, String name, List<Double> v) {
            out.accept(String.format(Locale.ROOT, "    %-13s %8.3f %8.3f %8.3f %8.3f", name, q(v, 0.5), q(v, 0.99),
                    q(v, 0.999), q(v, 1.0)));
        }

        ObjectNode toJson() {
            ObjectNode j = JsonNodeFactory.instance.objectNode();
            j.put("windows", ks.size());
            j.put("alarming", alarming);
            put(j, "ks", ks);
            put(j, "psi", psi);
            put(j, "centreShift", centre);
            put(j, "energyShift", energy);
            double n = Math.max(1, ks.size());
            j.putObject("significantShare").put("perTestAlpha", perTestAlpha).put("ks", ksSignificant / n)
                    .put("centre", centreSignificant / n).put("energy", energySignificant / n);
            ObjectNode p = j.putObject("minPValue");
            p.put("median", q(minP, 0.5)).put("p01", q(minP, 0.01)).put("p001", q(minP, 0.001)).put("min", q(minP, 0));
            return j;
        }

        private static void put(ObjectNode j, String name, List<Double> v) {
            j.putObject(name).put("median", q(v, 0.5)).put("p99", q(v, 0.99)).put("p999", q(v, 0.999))
                    .put("max", q(v, 1.0));
        }
    }
}
