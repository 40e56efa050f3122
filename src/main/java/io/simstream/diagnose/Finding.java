package io.simstream.diagnose;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One thing {@code diagnose} noticed about a pair file, and what to do about it.
 *
 * @param id         stable machine-readable name (e.g. "all-same-at-init")
 * @param severity   OK (nothing to change), NOTE (worth knowing), WARN (likely to flatten or mislead the curves)
 * @param message    what was measured, in words, with the numbers
 * @param suggestion the setting or action it points to; empty when there is nothing to do
 * @param values     the measured numbers behind the message
 */
public record Finding(String id, Severity severity, String message, String suggestion, ObjectNode values) {
    public enum Severity { OK, NOTE, WARN }

    public static ObjectNode newValues() {
        return JsonNodeFactory.instance.objectNode();
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("id", id);
        n.put("severity", severity.name());
        n.put("message", message);
        n.put("suggestion", suggestion);
        n.set("values", values);
        return n;
    }

    /** "[WARN] message\n       -> suggestion". */
    public String toText() {
        String head = String.format("[%-4s] %s", severity.name(), message);
        return suggestion.isEmpty() ? head : head + System.lineSeparator() + "       -> " + suggestion;
    }
}
