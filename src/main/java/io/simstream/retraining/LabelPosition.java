package io.simstream.retraining;

/** Where a labeled pair was read: topic, partition and offset. */
public record LabelPosition(String topic, int partition, long offset) {
}
