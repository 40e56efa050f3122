package io.simstream.topics;

/**
 * Record keys on the compacted models topic. Compaction keeps the newest record per key, so each
 * thing that must survive it has its own key:
 * <ul>
 *   <li>{@code <name>}: the model serving all traffic (stage FULL);</li>
 *   <li>{@code <name>#candidate}: at most one candidate in rollout (SHADOW or CANARY); a tombstone
 *       ends the rollout;</li>
 *   <li>{@code <name>#v<version>#<index>}: the chunks of a large model's artifact.</li>
 * </ul>
 * Model names therefore never contain '#'.
 */
public final class ModelKeys {
    public static final char SEPARATOR = '#';
    private static final String CANDIDATE = SEPARATOR + "candidate";

    private ModelKeys() {
    }

    public static String candidate(String name) {
        return name + CANDIDATE;
    }

    public static boolean isCandidate(String key) {
        return key != null && key.endsWith(CANDIDATE);
    }

    public static String chunk(String name, long version, int index) {
        return name + SEPARATOR + "v" + version + SEPARATOR + index;
    }

    /** Whether key is a chunk key ({@code <name>#v<version>#<index>}). */
    public static boolean isChunk(String key) {
        if (key == null) {
            return false;
        }
        int first = key.indexOf(SEPARATOR);
        int last = key.lastIndexOf(SEPARATOR);
        return first > 0 && last > first + 2 && key.charAt(first + 1) == 'v'
                && digits(key, first + 2, last) && digits(key, last + 1, key.length());
    }

    private static boolean digits(String s, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The model name a key belongs to (the part before the first '#'). */
    public static String modelName(String key) {
        int at = key.indexOf(SEPARATOR);
        return at < 0 ? key : key.substring(0, at);
    }

    /** Whether key is the serving key of a model (no suffix). */
    public static boolean isServing(String key) {
        return key != null && key.indexOf(SEPARATOR) < 0;
    }

    /** null when name can be a model name, else why not. */
    public static String checkName(String name) {
        if (name == null || name.isBlank()) {
            return "must not be empty";
        }
        return name.indexOf(SEPARATOR) >= 0 ? "must not contain '" + SEPARATOR + "' (it separates model record keys)"
                : null;
    }
}
