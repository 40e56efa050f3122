package io.simstream.lifecycle;

import java.util.Locale;

/**
 * How much traffic a published version takes. A FULL version serves every pair. A candidate in
 * SHADOW scores every pair beside the serving model, to the shadow-decisions topic only; in CANARY
 * it serves a share of the pair keys (sticky by key) and the serving model scores those pairs in
 * its place as the shadow. Either way both models score every pair while a candidate is out, so
 * the two can be compared on the same pairs.
 */
public enum RolloutStage {
    FULL, SHADOW, CANARY;

    /** The stage a ModelRecord's stage field names (case-insensitive); null when it names none. */
    public static RolloutStage parse(String s) {
        if (s == null) {
            return null;
        }
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
