package io.simstream.retraining;

import io.simstream.avro.LabeledPair;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The last {@code capacity} labeled pairs, oldest first, each with where it was read (for the
 * provenance of the models trained on them). Durability comes from the labeled-pairs topic itself:
 * on start the retrainer replays the tail of each partition into the window, so the window needs no store of its own.
 */
public final class TrainingWindow {
    private final int capacity;
    private final ArrayDeque<Entry> pairs;

    private record Entry(LabeledPair pair, LabelPosition position) {
    }

    /** Pairs, oldest first, and where each was read (null where unknown). */
    public record Labeled(List<LabeledPair> pairs, List<LabelPosition> positions) {
        public Labeled {
            pairs = List.copyOf(pairs);
            positions = Collections.unmodifiableList(new ArrayList<>(positions));
            if (pairs.size() != positions.size()) {
                throw new IllegalArgumentException("one position per pair");
            }
        }

        /** Pairs whose positions are not known (tests, tools). */
        public static Labeled of(List<LabeledPair> pairs) {
            return new Labeled(pairs, Collections.nCopies(pairs.size(), null));
        }

        public int size() {
            return pairs.size();
        }
    }

    public TrainingWindow(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("window capacity must be positive");
        }
        this.capacity = capacity;
        this.pairs = new ArrayDeque<>(capacity);
    }

    public synchronized void add(LabeledPair pair) {
        add(pair, null);
    }

    /** at: where the pair was read; null when unknown. */
    public synchronized void add(LabeledPair pair, LabelPosition at) {
        if (pairs.size() == capacity) {
            pairs.removeFirst();
        }
        pairs.addLast(new Entry(pair, at));
    }

    public synchronized void clear() {
        pairs.clear();
    }

    /**
     * Drops the pairs observed before a drift point (their eventTime, or labeledAt when a label lacks
     * it): after a drift the window holds only the new distribution, so a round trains and is gated on
     * it alone. Returns how many were dropped.
     */
    public synchronized int dropObservedBefore(Instant point) {
        int before = pairs.size();
        pairs.removeIf(e -> observedAt(e.pair()).isBefore(point));
        return before - pairs.size();
    }

    /** How many pairs in the window were observed at or after point. */
    public synchronized int countObservedSince(Instant point) {
        return (int) pairs.stream().filter(e -> !observedAt(e.pair()).isBefore(point)).count();
    }

    static Instant observedAt(LabeledPair p) {
        return p.getEventTime() != null ? p.getEventTime() : p.getLabeledAt();
    }

    /** The dimension of the pairs held, or {@code ifEmpty} while the window is empty. */
    public synchronized int dimension(int ifEmpty) {
        return pairs.isEmpty() ? ifEmpty : pairs.peekFirst().pair().getLeft().size();
    }

    public synchronized int size() {
        return pairs.size();
    }

    public int capacity() {
        return capacity;
    }

    /** A copy, oldest first: training runs on it while consumption goes on. */
    public synchronized List<LabeledPair> snapshot() {
        return pairs.stream().map(Entry::pair).toList();
    }

    /** A copy of the pairs and their positions, oldest first. */
    public synchronized Labeled labeled() {
        List<LabeledPair> p = new ArrayList<>(pairs.size());
        List<LabelPosition> at = new ArrayList<>(pairs.size());
        pairs.forEach(e -> {
            p.add(e.pair());
            at.add(e.position());
        });
        return new Labeled(p, at);
    }

    /** Splits a snapshot so that the newest {@code holdoutFraction} is never trained on. */
    public static Split split(List<LabeledPair> snapshot, double holdoutFraction) {
        int cut = cut(snapshot.size(), holdoutFraction);
        return new Split(snapshot.subList(0, cut), snapshot.subList(cut, snapshot.size()));
    }

    /** Index of the first holdout pair: the same cut for the pairs and for their positions. */
    static int cut(int size, double holdoutFraction) {
        if (holdoutFraction <= 0 || holdoutFraction >= 1) {
            throw new IllegalArgumentException("holdout fraction must be in (0, 1)");
        }
        int holdout = Math.max(1, (int) Math.round(size * holdoutFraction));
        return size - holdout;
    }

    public record Split(List<LabeledPair> training, List<LabeledPair> holdout) {
    }
}
