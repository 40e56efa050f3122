package io.simstream.registry;

import java.util.List;

/** The registry's verdict on a candidate schema; messages explain an incompatibility when it gives any. */
public record CompatibilityResult(boolean compatible, List<String> messages) {
    public CompatibilityResult {
        messages = List.copyOf(messages);
    }
}
