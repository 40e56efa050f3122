package io.simstream.lifecycle;

import io.simstream.avro.ModelRecord;
import java.util.Locale;

/** What a record on the models topic carries (the record's kind field; see ModelRecord.avsc). */
public enum RecordKind {
    /** The artifact is in the record. */
    MODEL,
    /** The artifact is split over CHUNK records written in the same transaction. */
    MANIFEST,
    /** One piece of a manifest's artifact, under its own key (ModelKeys.chunk). */
    CHUNK,
    /** The artifact is read from the record's uri and checked against its SHA-256 and signature. */
    REFERENCE;

    /** The record's kind; null when this build does not know it. */
    public static RecordKind of(ModelRecord record) {
        String k = record.getKind();
        if (k == null || k.isBlank()) {
            return MODEL;
        }
        try {
            return valueOf(k.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
