package io.simstream.config;

import java.util.function.Function;

/**
 * A rule over several settings (e.g. retrain.min.labels <= window.size): the problem, or null.
 * Run only when every single setting was valid, so it can read typed values freely.
 */
public record CrossCheck(Function<DeclaredConfig, String> problem) {
}
