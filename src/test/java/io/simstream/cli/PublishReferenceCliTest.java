package io.simstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.simstream.testkit.CliRun;
import org.junit.jupiter.api.Test;

/** publish takes a model or a reference, and cannot sign what it does not write. */
class PublishReferenceCliTest {
    @Test
    void exactlyOneOfModelOrReferenceAndNoSigningOfAReference() {
        CliRun neither = CliRun.of("publish", "--bootstrap", "localhost:1");
        assertEquals(Main.EXIT_USER_ERROR, neither.exit());
        assertTrue(neither.err().contains("give either --model PATH or --reference URI"), neither.err());
        CliRun both = CliRun.of("publish", "--model", "m.simstream", "--reference", "m.simstream", "--bootstrap",
                "localhost:1");
        assertEquals(Main.EXIT_USER_ERROR, both.exit());
        CliRun signed = CliRun.of("publish", "--reference", "https://example.invalid/m.simstream", "--sign-key", "k.pem",
                "--bootstrap", "localhost:1");
        assertEquals(Main.EXIT_USER_ERROR, signed.exit());
        assertTrue(signed.err().contains("sign it before it goes there"), signed.err());
    }
}
