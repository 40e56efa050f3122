package io.simstream.signing;

import java.nio.file.Path;

/** Key pairs for tests, written the way `keys generate` writes them. */
public final class TestKeys {
    private TestKeys() {
    }

    /** A new pair NAME.key / NAME.pub in dir. */
    public static KeyFiles.Written generate(Path dir, String name) {
        return KeyFiles.generate(dir, name);
    }

    public static ArtifactSigner signer(KeyFiles.Written keys) {
        return new ArtifactSigner(SigningKeys.privateKeyFile(keys.privateKey()));
    }
}
