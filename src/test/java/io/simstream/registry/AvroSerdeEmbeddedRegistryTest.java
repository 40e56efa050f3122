package io.simstream.registry;

import io.simstream.testkit.SharedRegistry;

/** {@link AvroSerdeRegistryContract} against the real Apicurio registry this JVM shares (no Docker needed). */
class AvroSerdeEmbeddedRegistryTest extends AvroSerdeRegistryContract {
    @Override
    protected String registryUrl() {
        return SharedRegistry.url();
    }
}
