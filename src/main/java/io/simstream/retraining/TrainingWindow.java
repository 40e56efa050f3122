package io.simstream.retraining;

import io.simstream.avro.LabeledPair;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} labeled pairs, oldest first. Durability comes from the labeled-pairs
 * topic itself: on start the retrainer replays the tail of each partition into the window, so the window needs no store of its own.
 */
public final class TrainingWindow {
    private final int capacity;
    private final ArrayDeque<LabeledPair> pairs;

    public TrainingWindow(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("window capacity must be positive");
        }
        this.capacity = capacity;
        this.pairs = new ArrayDeque<>(capacity);
    }

    public synchronized void add(LabeledPair pair) {
        if (pairs.size() == capacity) {
            pairs.removeFirst();
        }
        pairs.addLast(pair);
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
        pairs.removeIf(p -> observedAt(p).isBefore(point));
        return before - pairs.size();
    }

    /** How many pairs in the window were observed at or after point. */
    public synchronized int countObservedSince(Instant point) {
        return (int) pairs.stream().filter(p -> !observedAt(p).isBefore(point)).count();
    }

    static Instant observedAt(LabeledPair p) {
        return p.getEventTime() != null ? p.getEventTime() : p.getLabeledAt();
    }

    /** The dimension of the pairs held, or {@code ifEmpty} while the window is empty. */
    public synchronized int dimension(int ifEmpty) {
        return pairs.isEmpty() ? ifEmpty : pairs.peekFirst().getLeft().size();
    }

    public synchronized int size() {
        return pairs.size();
    }

    public int capacity() {
        return capacity;
    }

    /** A copy, oldest first: training runs on it while consumption goes on. */
    public synchronized List<LabeledPair> snapshot() {
        return new ArrayList<>(pairs);
    }

    /** Splits a snapshot so that the newest {@code holdoutFraction} is never trained on. */
    public static Split split(List<LabeledPair> snapshot, double holdoutFraction) {
        if (holdoutFraction <= 0 || holdoutFraction >= 1) {
            throw new IllegalArgumentException("holdout fraction must be in (0, 1)");
        }
        int holdout = Math.max(1, (int) Math.round(snapshot.size() * holdoutFraction));
        int cut = snapshot.size() - holdout;
        return new Split(snapshot.subList(0, cut), snapshot.subList(cut, snapshot.size()));
    }

    public record Split(List<LabeledPair> training, List<LabeledPair> holdout) {
    }
}
