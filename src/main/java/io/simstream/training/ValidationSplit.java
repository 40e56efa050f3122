package io.simstream.training;

import io.simstream.UserInputException;
import io.simstream.data.PairDataset;
import io.simstream.training.TrainingConfig.Split;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The training file cut into a fitting part and a validation part, and how much the two share:
 * the same vector can occur in several pairs, so a validation pair whose vectors the model saw
 * in training makes validation optimistic.
 *
 * <p>A DISJOINT split shares no vector across the boundary. Vectors are nodes, pairs are edges;
 * validation takes whole connected components (in random order) while they fit, then grows a
 * breadth-first region inside the next component, until validation holds the wanted share of
 * the pairs kept. A region grown breadth-first has a short boundary, so few pairs cross it; those
 * that do join a training vector to a validation vector and belong to neither part.
 *
 * @param labelled every labelled pair of the file (train, validation and any dropped): what a refit trains on
 */
public record ValidationSplit(PairDataset train, PairDataset validation, PairDataset labelled, SplitReport report) {
    /** A whole component may take validation this far (relative) past the wanted share before it is cut. */
    private static final double OVERSHOOT_TOLERANCE = 1.1;

    public double sharedVectorShare() {
        return report.sharedVectorShare();
    }

    public static ValidationSplit of(PairDataset all, TrainingConfig cfg) {
        int n = all.size();
        int nVal = (int) Math.round(n * cfg.validationFraction());
        if (nVal < 1 || nVal >= n) {
            throw new UserInputException(all.source() + ": " + n + " rows are too few to hold out a "
                    + cfg.validationFraction() + " validation fraction (need at least one row on each side)");
        }
        if (cfg.split() == Split.DISJOINT) {
            return disjoint(all, cfg.validationFraction(), new Random(cfg.seed()));
        }
        int[] order = identity(n);
        if (cfg.split() == Split.RANDOM) {
            shuffle(order, new Random(cfg.seed()));
        }
        // Row order: the first rows train, the last validate (the user's "first 991 rows" split).
        return of(all, Arrays.copyOfRange(order, 0, n - nVal), Arrays.copyOfRange(order, n - nVal, n), 0, cfg.split());
    }

    private static ValidationSplit of(PairDataset all, int[] trainRows, int[] valRows, int dropped, Split kind) {
        PairDataset train = all.select(trainRows, all.source() + " [train part]");
        PairDataset val = all.select(valRows, all.source() + " [validation part]");
        return new ValidationSplit(train, val, all,
                new SplitReport(kind, train.size(), val.size(), dropped, sharedVectorShare(train, val)));
    }

    private static ValidationSplit disjoint(PairDataset all, double fraction, Random random) {
        int n = all.size();
        Map<VectorKey, Integer> ids = new HashMap<>();
        int[] leftId = new int[n];
        int[] rightId = new int[n];
        for (int i = 0; i < n; i++) {
            leftId[i] = ids.computeIfAbsent(new VectorKey(all.left()[i]), k -> ids.size());
            rightId[i] = ids.computeIfAbsent(new VectorKey(all.right()[i]), k -> ids.size());
        }
        int vectors = ids.size();
        List<List<Integer>> pairsOf = new ArrayList<>();
        for (int v = 0; v < vectors; v++) {
            pairsOf.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            pairsOf.get(leftId[i]).add(i);
            pairsOf.get(rightId[i]).add(i);
        }
        List<List<Integer>> components = components(vectors, pairsOf, leftId, rightId);
        Collections.shuffle(components, random);
        components.sort((a, b) -> Integer.compare(a.size(), b.size()));
        // Small components first (in random order among equals): whole components cut no pair.
        boolean[] inVal = new boolean[vectors];
        SideCounter counter = new SideCounter(n, leftId, rightId, pairsOf);
        for (List<Integer> component : components) {
            if (counter.validationShare() >= fraction) {
                break;
            }
            if (counter.wouldOvershoot(component, fraction)) {
                growRegion(component, inVal, counter, fraction, random, pairsOf, leftId, rightId);
            } else {
                for (int v : component) {
                    counter.move(v, inVal);
                }
            }
        }
        List<Integer> trainRows = new ArrayList<>();
        List<Integer> valRows = new ArrayList<>();
        int dropped = 0;
        for (int i = 0; i < n; i++) {
            boolean l = inVal[leftId[i]];
            boolean r = inVal[rightId[i]];
            if (l && r) {
                valRows.add(i);
            } else if (!l && !r) {
                trainRows.add(i);
            } else {
                dropped++;
            }
        }
        if (trainRows.isEmpty() || valRows.isEmpty()) {
            throw new UserInputException(all.source() + ": cannot split " + n + " pairs into a training and a"
                    + " validation part that share no vector; use --split row-order or random");
        }
        return of(all, toArray(trainRows), toArray(valRows), dropped, Split.DISJOINT);
    }

    /** Moves vectors of one component to validation breadth-first from a random start, until the share is met. */
    private static void growRegion(List<Integer> component, boolean[] inVal, SideCounter counter, double fraction,
                                   Random random, List<List<Integer>> pairsOf, int[] leftId, int[] rightId) {
        Set<Integer> queued = new HashSet<>();
        Deque<Integer> queue = new ArrayDeque<>();
        int start = component.get(random.nextInt(component.size()));
        queue.add(start);
        queued.add(start);
        while (!queue.isEmpty() && counter.validationShare() < fraction) {
            int v = queue.poll();
            counter.move(v, inVal);
            for (int pair : pairsOf.get(v)) {
                int other = leftId[pair] == v ? rightId[pair] : leftId[pair];
                if (queued.add(other)) {
                    queue.add(other);
                }
            }
        }
    }

    private static List<List<Integer>> components(int vectors, List<List<Integer>> pairsOf, int[] leftId,
                                                  int[] rightId) {
        boolean[] seen = new boolean[vectors];
        List<List<Integer>> out = new ArrayList<>();
        for (int s = 0; s < vectors; s++) {
            if (seen[s]) {
                continue;
            }
            List<Integer> comp = new ArrayList<>();
            Deque<Integer> stack = new ArrayDeque<>();
            stack.push(s);
            seen[s] = true;
            while (!stack.isEmpty()) {
                int v = stack.pop();
                comp.add(v);
                for (int pair : pairsOf.get(v)) {
                    for (int w : new int[] {leftId[pair], rightId[pair]}) {
                        if (!seen[w]) {
                            seen[w] = true;
                            stack.push(w);
                        }
                    }
                }
            }
            out.add(comp);
        }
        return out;
    }

    /** Counts pairs with both sides in validation, both in training, or one in each, as vectors move. */
    private static final class SideCounter {
        private final int[] leftId;
        private final int[] rightId;
        private final List<List<Integer>> pairsOf;
        private int valPairs;
        private int trainPairs;

        SideCounter(int n, int[] leftId, int[] rightId, List<List<Integer>> pairsOf) {
            // Every pair starts on the training side.
            this.leftId = leftId;
            this.rightId = rightId;
            this.pairsOf = pairsOf;
            this.trainPairs = n;
        }

        double validationShare() {
            int kept = valPairs + trainPairs;
            return kept == 0 ? 0 : (double) valPairs / kept;
        }

        void move(int v, boolean[] inVal) {
            if (inVal[v]) {
                return;
            }
            int[] pairs = pairsOf.get(v).stream().mapToInt(Integer::intValue).distinct().toArray();
            for (int pair : pairs) {
                count(pair, inVal, -1);
            }
            inVal[v] = true;
            for (int pair : pairs) {
                count(pair, inVal, +1);
            }
        }

        private void count(int pair, boolean[] inVal, int delta) {
            boolean l = inVal[leftId[pair]];
            boolean r = inVal[rightId[pair]];
            if (l && r) {
                valPairs += delta;
            } else if (!l && !r) {
                trainPairs += delta;
            }
        }

        /** Whether moving the whole (all-training) component would take validation well past the wanted share. */
        boolean wouldOvershoot(List<Integer> component, double fraction) {
            Set<Integer> pairs = new HashSet<>();
            for (int v : component) {
                pairs.addAll(pairsOf.get(v));
            }
            int kept = valPairs + trainPairs;
            return (double) (valPairs + pairs.size()) / kept > fraction * OVERSHOOT_TOLERANCE;
        }
    }

    /** Share of validation pairs with at least one side (left or right) identical to a vector seen in training. */
    public static double sharedVectorShare(PairDataset train, PairDataset val) {
        Set<VectorKey> seen = new HashSet<>();
        for (float[] v : train.allVectors()) {
            seen.add(new VectorKey(v));
        }
        int shared = 0;
        for (int i = 0; i < val.size(); i++) {
            if (seen.contains(new VectorKey(val.left()[i])) || seen.contains(new VectorKey(val.right()[i]))) {
                shared++;
            }
        }
        return val.size() == 0 ? 0 : (double) shared / val.size();
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    private static void shuffle(int[] order, Random r) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private static int[] toArray(List<Integer> rows) {
        return rows.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A vector compared by value, for finding the same vector in several pairs. */
    record VectorKey(float[] v) {
        @Override
        public boolean equals(Object o) {
            return o instanceof VectorKey k && Arrays.equals(k.v, v);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(v);
        }
    }
}
