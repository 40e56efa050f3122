package io.simstream.deadletter;

/** Why a pair went to the dead-letter topic: the DeadLetter's errorType and the metric tag. */
public enum DeadLetterReason {
    /** The bytes are not a VectorPair in the registry's wire format. */
    DESERIALIZATION,
    /** The record has no value, or a side is missing or empty. */
    MISSING_SIDE,
    /** A side's length differs from the model's input dimension. */
    DIMENSION_MISMATCH,
    /** A side holds NaN or an infinity. */
    NON_FINITE,
    /** An unexpected exception while processing this record (class and message in the reason, stack in a header). */
    PROCESSING_ERROR,
    /** The broker refused the output for this record as too large. */
    RECORD_TOO_LARGE,
    /** No model yet and the waiting buffer is at waiting.max.pairs or waiting.max.bytes; replay it once a model serves. */
    BUFFER_FULL
}
