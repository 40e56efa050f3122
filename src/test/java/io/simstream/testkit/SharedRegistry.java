package io.simstream.testkit;

import io.simstream.embedded.EmbeddedRegistry;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.registry.RegistryClientConfig;
import java.util.UUID;

/**
 * One real Apicurio registry per test JVM, started on first use (12-17 s here) and stopped when the
 * JVM exits (EmbeddedRegistry's shutdown hook). Every integration test class shares it, so tests
 * must use unique subject/topic names: {@link #unique(String)}. A failed start is remembered, so
 * later test classes fail at once with the same cause instead of waiting again.
 *
 * <p>With -Dsimstream.registry.url=... (or SIMSTREAM_REGISTRY_URL) the tests use that registry
 * instead, e.g. one that a CI script started once for several Maven runs.
 */
public final class SharedRegistry {
    public static final String EXTERNAL_URL_PROPERTY = "simstream.registry.url";
    private static EmbeddedRegistry registry;
    private static RuntimeException startFailure;

    private SharedRegistry() {
    }

    public static synchronized EmbeddedRegistry registry() {
        if (startFailure != null) {
            throw new IllegalStateException("the shared registry failed to start earlier: " + startFailure.getMessage(), startFailure);
        }
        if (registry == null) {
            try {
                registry = EmbeddedRegistry.start();
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return registry;
    }

    /** The Confluent-compatible base URL of the shared registry. */
    public static String url() {
        String external = System.getProperty(EXTERNAL_URL_PROPERTY, System.getenv("SIMSTREAM_REGISTRY_URL"));
        return external != null && !external.isBlank() ? external : registry().url();
    }

    /** A fresh client (own caches) for the shared registry. */
    public static ConfluentRegistryClient newClient() {
        return new ConfluentRegistryClient(RegistryClientConfig.of(url()));
    }

    /** A name no other test in this registry uses, e.g. unique("pairs") -> "pairs-3f2a9c1b". */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
