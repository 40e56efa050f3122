package io.simstream.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.registry.CompatibilityLevel;
import io.simstream.registry.ConfluentRegistryClient;
import io.simstream.registry.RegistryClientConfig;
import io.simstream.registry.RegistryUnavailableException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifecycle of the embedded registry: its own instance (not the shared one), so it can be stopped. */
class EmbeddedRegistryTest {
    @Test
    void startsServesWithBackwardAndStopsOnClose() throws Exception {
        EmbeddedRegistry registry = EmbeddedRegistry.start();
        String url = registry.url();
        try {
            assertTrue(url.startsWith("http://127.0.0.1:") && url.endsWith("/apis/ccompat/v7"), url);
            assertTrue(registry.isRunning());
            ConfluentRegistryClient client = new ConfluentRegistryClient(RegistryClientConfig.of(url));
            assertEquals(CompatibilityLevel.BACKWARD, client.globalCompatibility());
            assertTrue(client.register("lifecycle-value", Schema.create(Schema.Type.STRING)) > 0);
            System.out.println("embedded registry startup took " + registry.startupTime().toMillis() + " ms");
        } finally {
            registry.close();
        }
        assertFalse(registry.isRunning());
        assertThrows(java.io.IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), registry.httpPort()).close(),
                "nothing listens on the registry port after close");
        RegistryClientConfig noRetry = RegistryClientConfig.of(url).withRetries(0, Duration.ZERO, Duration.ZERO);
        assertThrows(RegistryUnavailableException.class, () -> new ConfluentRegistryClient(noRetry).globalCompatibility());
    }

    @Test
    void aMissingApicurioDirFailsClearly(@TempDir Path empty) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EmbeddedRegistry.start(empty, JavaRuntimeLocator.findJava(EmbeddedRegistry.MIN_JAVA), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("quarkus-run.jar") && e.getMessage().contains(empty.toString()), e.getMessage());

        String saved = System.getProperty(EmbeddedRegistry.APICURIO_DIR_PROPERTY);
        try {
            System.setProperty(EmbeddedRegistry.APICURIO_DIR_PROPERTY, empty.toString());
            IllegalStateException viaProperty = assertThrows(IllegalStateException.class, EmbeddedRegistry::findApicurioDir);
            assertTrue(viaProperty.getMessage().contains(EmbeddedRegistry.APICURIO_DIR_PROPERTY), viaProperty.getMessage());
        } finally {
            if (saved == null) {
                System.clearProperty(EmbeddedRegistry.APICURIO_DIR_PROPERTY);
            } else {
                System.setProperty(EmbeddedRegistry.APICURIO_DIR_PROPERTY, saved);
            }
        }
    }
}
