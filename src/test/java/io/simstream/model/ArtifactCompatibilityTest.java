package io.simstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Artifacts written by the build before signatures and provenance existed (test resources, made
 * with that build's ModelArtifact): this build reads them and, unsigned and without provenance,
 * writes them back byte for byte, so old and new instances can serve one topic during an upgrade.
 */
class ArtifactCompatibilityTest {
    static byte[] golden(String name) throws Exception {
        try (InputStream in = ArtifactCompatibilityTest.class.getResourceAsStream("/artifacts/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void formatOneAndTwoFromTheEarlierBuildAreRewrittenByteForByte() throws Exception {
        for (String name : new String[] {"format1.simstream", "format2.simstream"}) {
            byte[] old = golden(name);
            ModelArtifact a = ModelArtifact.fromBytes(old);
            assertTrue(a.signatures().isEmpty(), name);
            assertNull(a.provenance(), name);
            assertEquals(0, a.otherHeaderFields().size(), name);
            assertArrayEquals(old, a.toBytes(), name);
        }
    }

    @Test
    void aSignedOrAttributedArtifactOnlyAddsHeaderFields() throws Exception {
        ModelArtifact a = ModelArtifact.fromBytes(golden("format1.simstream"));
        ModelArtifact signed = a.toBuilder().provenance(new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode().put("madeBy", "train")).build()
                .withSignature(new ArtifactSignature("0123456789abcdef", "Ed25519", "c2ln"));
        var header = ModelArtifact.header(signed.toBytes());
        var oldHeader = ModelArtifact.header(golden("format1.simstream"));
        oldHeader.fieldNames().forEachRemaining(f -> assertEquals(oldHeader.get(f), header.get(f), f));
        assertTrue(header.has("provenance") && header.has("signatures"));
        assertEquals(1, signed.toBytes()[7], "still format 1: readers that ignore unknown fields read it");
        assertFalse(a.contentDigest().length == 0);
    }
}
