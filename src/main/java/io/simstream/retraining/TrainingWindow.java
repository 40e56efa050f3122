package io.simstream.retraining;

import io.simstream.avro.LabeledPair;
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
