package io.simstream.diagnose;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.data.InputScaling;
import io.simstream.data.PairDataset;
import io.simstream.data.Standardizer;
import io.simstream.data.Vectors;
import io.simstream.diagnose.Finding.Severity;
import io.simstream.evaluation.EvaluationReport;
import io.simstream.model.Normalizer;
import io.simstream.model.PairScorer;
import io.simstream.model.PairScorers;
import io.simstream.training.SplitReport;
import io.simstream.training.TrainingConfig;
import io.simstream.training.UntrainedModel;
import io.simstream.training.ValidationSplit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Why validation curves may be flat on this file, and what to change: class balance, the scale
 * an untrained model sees, constant and duplicate columns, repeated vectors and the leakage of
 * the split, and the variance spectrum. Each check measures; none guesses from names.
 */
public final class Diagnosis {
    /** Pairs scored by the untrained model: enough for a stable median, cheap on any file. */
    static final int INIT_SAMPLE = 2000;
    /** An untrained model that puts this share of pairs under the threshold calls everything "same". */
    static final double ALL_SAME_SHARE = 0.95;
    /** Outside [LOW, 1 - LOW] positives, accuracy stops meaning much. */
    static final double IMBALANCE = 0.25;
    /** A split whose validation pairs share vectors with training above this share is called leaky. */
    static final double LEAKY_SHARE = 0.10;
    /** Column variances whose effective rank is below this share of the dimension are called concentrated. */
    static final double UNEQUAL_COLUMNS_SHARE = 0.5;

    private final PairDataset data;
    private final TrainingConfig cfg;

    public Diagnosis(PairDataset data, TrainingConfig cfg) {
        this.data = data;
        this.cfg = cfg;
    }

    public List<Finding> run() {
        List<Finding> out = new ArrayList<>();
        out.add(classBalance());
        out.addAll(initialScale());
        out.add(constantColumns());
        out.add(duplicateColumns());
        out.add(repeatedVectors());
        out.add(leakage());
        out.add(spectrum());
        return out;
    }

    public static ObjectNode toJson(PairDataset data, List<Finding> findings) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("source", data.source());
        n.put("pairs", data.size());
        n.put("dim", data.dim());
        ArrayNode a = n.putArray("findings");
        findings.forEach(f -> a.add(f.toJson()));
        return n;
    }

    private Finding classBalance() {
        int pos = data.positives();
        double rate = (double) pos / data.size();
        ObjectNode v = Finding.newValues().put("positives", pos).put("negatives", data.size() - pos).put("positiveRate", rate);
        String msg = String.format(Locale.ROOT, "class balance: %d of %d pairs are 'same' (%.1f%%). A model that"
                + " answers 'same' for every pair scores %.1f%% accuracy: a validation curve flat at that level has"
                + " learned nothing yet", pos, data.size(), 100 * rate, 100 * Math.max(rate, 1 - rate));
        boolean imbalanced = rate < IMBALANCE || rate > 1 - IMBALANCE;
        return new Finding("class-balance", imbalanced ? Severity.WARN : Severity.OK, msg,
                imbalanced ? "judge by AUC and F1, calibrate the threshold for F1 (--calibrate f1), or rebalance pairs" : "", v);
    }

    /** What an untrained network says, on the raw values (the user's script) and on train's scaled input. */
    private List<Finding> initialScale() {
        float threshold = EvaluationReport.FIXED_THRESHOLD;
        Normalizer raw = Normalizer.identity(data.dim());
        Normalizer scaled = Standardizer.fit(data, cfg.scaling());
        double[] rawStats = initialDistances(raw, threshold);
        double[] scaledStats = initialDistances(scaled, threshold);
        ObjectNode v = Finding.newValues().put("margin", cfg.margin()).put("threshold", threshold)
                .put("rawMedianDistance", rawStats[0]).put("rawShareBelowThreshold", rawStats[1])
                .put("scaledMedianDistance", scaledStats[0]).put("scaledShareBelowThreshold", scaledStats[1])
                .put("scaling", cfg.scaling().id()).put("meanRawNorm", meanNorm());
        List<Finding> out = new ArrayList<>();
        double rate = (double) data.positives() / data.size();
        if (rawStats[1] >= ALL_SAME_SHARE) {
            out.add(new Finding("all-same-at-init", Severity.WARN, String.format(Locale.ROOT,
                    "input scale: on the raw values (mean vector norm %.3f) an untrained network puts %.0f%% of pairs"
                            + " below the 0.5 threshold (median distance %.3f; margin %.1f). It starts out calling every"
                            + " pair 'same', so validation accuracy sits at the positive rate (%.1f%%) until the distances"
                            + " grow %.0fx", meanNorm(), 100 * rawStats[1], rawStats[0], cfg.margin(), 100 * rate,
                    threshold / Math.max(rawStats[0], 1e-9)),
                    "scale the inputs so the mean vector norm is about 1: `train` does this by default (--scaling global;"
                            + String.format(Locale.ROOT, " here the median initial distance becomes %.2f)", scaledStats[0]), v));
        } else if (rawStats[0] > 2 * cfg.margin()) {
            out.add(new Finding("beyond-margin-at-init", Severity.WARN, String.format(Locale.ROOT,
                    "input scale: on the raw values an untrained network's median distance is %.2f, beyond twice the"
                            + " margin (%.1f): 'different' pairs past the margin give no gradient, and every pair starts"
                            + " as 'different'", rawStats[0], cfg.margin()),
                    "scale the inputs (train's default --scaling global) or raise --margin", v));
        } else {
            out.add(new Finding("input-scale", Severity.OK, String.format(Locale.ROOT,
                    "input scale: an untrained network's median distance is %.3f on the raw values and %.3f after %s"
                            + " scaling, on the scale of the margin (%.1f) and threshold (0.5)", rawStats[0],
                    scaledStats[0], cfg.scaling().id(), cfg.margin()), "", v));
        }
        return out;
    }

    /** {median distance, share of pairs below threshold} of the untrained network on up to INIT_SAMPLE pairs. */
    private double[] initialDistances(Normalizer normalizer, float threshold) {
        PairScorer untrained = PairScorers.scalar(UntrainedModel.distanceModel(data.dim(), cfg, normalizer));
        int n = Math.min(INIT_SAMPLE, data.size());
        int step = Math.max(1, data.size() / n);
        List<Float> d = new ArrayList<>();
        int below = 0;
        for (int i = 0; i < data.size() && d.size() < n; i += step) {
            float s = untrained.score(data.left()[i], data.right()[i]);
            d.add(s);
            if (s < threshold) {
                below++;
            }
        }
        float[] sorted = new float[d.size()];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = d.get(i);
        }
        Arrays.sort(sorted);
        return new double[] {sorted[sorted.length / 2], (double) below / sorted.length};
    }

    private double meanNorm() {
        double sum = 0;
        List<float[]> all = data.allVectors();
        for (float[] x : all) {
            double s = 0;
            for (float f : x) {
                s += (double) f * f;
            }
            sum += Math.sqrt(s);
        }
        return sum / all.size();
    }

    private Finding constantColumns() {
        List<float[]> all = data.allVectors();
        List<Integer> constant = new ArrayList<>();
        for (int c = 0; c < data.dim(); c++) {
            float first = all.get(0)[c];
            boolean same = true;
            for (float[] x : all) {
                if (x[c] != first) {
                    same = false;
                    break;
                }
            }
            if (same) {
                constant.add(c);
            }
        }
        ObjectNode v = Finding.newValues().put("count", constant.size());
        constant.forEach(v.putArray("columns")::add);
        if (constant.isEmpty()) {
            return new Finding("constant-columns", Severity.OK, "constant columns: none", "", v);
        }
        return new Finding("constant-columns", Severity.NOTE, String.format(Locale.ROOT,
                "constant columns: %d of %d per side never change (%s): they carry no information", constant.size(),
                data.dim(), describe(constant)), "harmless here (scaling centres them to 0, never divides by 0);"
                + " drop them upstream to save compute", v);
    }

    private Finding duplicateColumns() {
        List<float[]> all = data.allVectors();
        Map<Integer, List<Integer>> byHash = new HashMap<>();
        for (int c = 0; c < data.dim(); c++) {
            byHash.computeIfAbsent(columnHash(all, c), k -> new ArrayList<>()).add(c);
        }
        List<String> groups = new ArrayList<>();
        int redundant = 0;
        for (List<Integer> cols : byHash.values()) {
            List<List<Integer>> equal = equalColumns(all, cols);
            for (List<Integer> g : equal) {
                if (g.size() > 1 && !isConstant(all, g.get(0))) {
                    groups.add(g.toString());
                    redundant += g.size() - 1;
                }
            }
        }
        ObjectNode v = Finding.newValues().put("redundantColumns", redundant);
        groups.forEach(v.putArray("groups")::add);
        if (redundant == 0) {
            return new Finding("duplicate-columns", Severity.OK, "duplicate columns: none", "", v);
        }
        return new Finding("duplicate-columns", Severity.NOTE, String.format(Locale.ROOT,
                "duplicate columns: %d columns repeat another column exactly (%s)", redundant,
                String.join(", ", groups.subList(0, Math.min(5, groups.size())))),
                "they count twice in every distance; drop the copies upstream unless that weighting is meant", v);
    }

    private Finding repeatedVectors() {
        Set<List<Float>> distinct = new HashSet<>();
        for (float[] x : data.allVectors()) {
            distinct.add(Vectors.toList(x));
        }
        int sides = 2 * data.size();
        ObjectNode v = Finding.newValues().put("sides", sides).put("distinctVectors", distinct.size());
        double repeatShare = 1 - (double) distinct.size() / sides;
        String msg = String.format(Locale.ROOT, "repeated vectors: %d distinct vectors on %d pair sides (%.0f%% of"
                + " sides repeat a vector seen elsewhere)", distinct.size(), sides, 100 * repeatShare);
        return new Finding("repeated-vectors", repeatShare > LEAKY_SHARE ? Severity.NOTE : Severity.OK, msg,
                repeatShare > LEAKY_SHARE ? "a split by rows then puts the same vectors on both sides: see leakage" : "", v);
    }

    private Finding leakage() {
        SplitReport used = ValidationSplit.of(data, cfg).report();
        ObjectNode v = Finding.newValues().put("split", used.kind().id()).put("validationFraction", cfg.validationFraction())
                .put("sharedVectorShare", used.sharedVectorShare()).put("validationPairs", used.validationPairs());
        String msg = String.format(Locale.ROOT, "leakage: with the %s split (validation fraction %.2f), %.1f%% of"
                        + " validation pairs share a vector with training pairs", used.kind().id(),
                cfg.validationFraction(), 100 * used.sharedVectorShare());
        if (used.sharedVectorShare() <= LEAKY_SHARE) {
            return new Finding("leakage", Severity.OK, msg, "", v);
        }
        String disjoint;
        try {
            SplitReport d = ValidationSplit.of(data, cfg.withSplit(TrainingConfig.Split.DISJOINT,
                    cfg.validationFraction())).report();
            v.put("disjointValidationPairs", d.validationPairs()).put("disjointDroppedPairs", d.droppedPairs());
            disjoint = String.format(Locale.ROOT, " (here: %d validation pairs, %d pairs across the boundary left out"
                    + " of selection, still used by the refit)", d.validationPairs(), d.droppedPairs());
        } catch (RuntimeException e) {
            disjoint = " (not possible on this file: " + e.getMessage() + ")";
        }
        return new Finding("leakage", Severity.WARN, msg + ": validation measures memory as much as generalisation,"
                + " is optimistic, and can sit above the training curve", "--split disjoint" + disjoint
                + "; judge the model on a separate test file", v);
    }

    private Finding spectrum() {
        double[] ev = Spectrum.eigenvalues(data.allVectors(), data.dim());
        double[] columnVar = columnVariances();
        double rank = Spectrum.effectiveRank(ev);
        double columnRank = Spectrum.effectiveRank(sortedDescending(columnVar));
        int tenth = Math.max(1, data.dim() / 10);
        double top = Spectrum.topShare(ev, tenth);
        double topColumns = Spectrum.topShare(sortedDescending(columnVar), tenth);
        ObjectNode v = Finding.newValues().put("effectiveRank", rank).put("dim", data.dim())
                .put("topDirectionShare", Spectrum.topShare(ev, 1)).put("top10PercentShare", top)
                .put("columnEffectiveRank", columnRank).put("top10PercentColumnsShare", topColumns);
        ArrayNode head = v.putArray("leadingEigenvalues");
        for (int i = 0; i < Math.min(10, ev.length); i++) {
            head.add(ev[i]);
        }
        String msg = String.format(Locale.ROOT, "variance spectrum: effective rank %.1f of %d (the top %d directions"
                + " hold %.1f%% of the variance); across columns, effective rank %.1f (the top %d columns hold %.1f%%)",
                rank, data.dim(), tenth, 100 * top, columnRank, tenth, 100 * topColumns);
        boolean concentrated = columnRank < UNEQUAL_COLUMNS_SHARE * data.dim();
        if (!concentrated) {
            return new Finding("spectrum", Severity.OK, msg + ": columns carry similar variance, so per-column and"
                    + " global scaling see much the same input", "", v);
        }
        return new Finding("spectrum", cfg.scaling() == InputScaling.PER_COLUMN ? Severity.WARN : Severity.NOTE,
                msg + ": the variance is concentrated in a few columns, as in PCA outputs and many embeddings",
                "keep --scaling global: per-column standardisation would scale the leading columns down to the level"
                        + " of the near-empty ones and drown the signal in their noise", v);
    }

    private double[] columnVariances() {
        List<float[]> all = data.allVectors();
        double[] mean = new double[data.dim()];
        for (float[] x : all) {
            for (int c = 0; c < mean.length; c++) {
                mean[c] += x[c] / (double) all.size();
            }
        }
        double[] var = new double[data.dim()];
        for (float[] x : all) {
            for (int c = 0; c < var.length; c++) {
                var[c] += (x[c] - mean[c]) * (x[c] - mean[c]) / all.size();
            }
        }
        return var;
    }

    private static double[] sortedDescending(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        for (int i = 0; i < s.length / 2; i++) {
            double t = s[i];
            s[i] = s[s.length - 1 - i];
            s[s.length - 1 - i] = t;
        }
        return s;
    }

    private static String describe(List<Integer> cols) {
        List<String> shown = cols.subList(0, Math.min(10, cols.size())).stream().map(c -> "v" + c).toList();
        return String.join(", ", shown) + (cols.size() > 10 ? ", ..." : "");
    }

    private static int columnHash(List<float[]> all, int c) {
        int h = 1;
        for (float[] x : all) {
            h = 31 * h + Float.hashCode(x[c]);
        }
        return h;
    }

    private static boolean isConstant(List<float[]> all, int c) {
        float first = all.get(0)[c];
        return all.stream().allMatch(x -> x[c] == first);
    }

    private static List<List<Integer>> equalColumns(List<float[]> all, List<Integer> cols) {
        List<List<Integer>> groups = new ArrayList<>();
        for (int c : cols) {
            List<Integer> home = null;
            for (List<Integer> g : groups) {
                int r = g.get(0);
                if (all.stream().allMatch(x -> x[r] == x[c])) {
                    home = g;
                    break;
                }
            }
            if (home == null) {
                home = new ArrayList<>();
                groups.add(home);
            }
            home.add(c);
        }
        return groups;
    }
}
