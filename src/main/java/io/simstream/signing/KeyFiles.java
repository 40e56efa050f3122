package io.simstream.signing;

import io.simstream.UserInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;

/** Writes a new signing key pair: NAME.key (private, PKCS#8 PEM, mode 600) and NAME.pub (X.509 PEM). */
public final class KeyFiles {
    /** What was written. */
    public record Written(Path privateKey, Path publicKey, String keyId) {
    }

    private KeyFiles() {
    }

    public static Written generate(Path dir, String name) {
        if (name.isBlank() || name.contains("/") || name.contains("\\")) {
            throw new UserInputException("key name '" + name + "' must be a plain file name");
        }
        Path priv = dir.resolve(name + ".key");
        Path pub = dir.resolve(name + ".pub");
        for (Path p : new Path[] {priv, pub}) {
            if (Files.exists(p)) {
                throw new UserInputException(p + " already exists: not overwriting a key (choose another --name or --out)");
            }
        }
        KeyPair pair = SigningKeys.generate();
        try {
            Files.createDirectories(dir);
            writePrivate(priv, SigningKeys.privatePem(pair.getPrivate()));
            Files.writeString(pub, SigningKeys.publicPem(pair.getPublic()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UserInputException("cannot write the key pair to " + dir + ": " + e.getMessage(), e);
        }
        return new Written(priv, pub, SigningKeys.keyId(pair.getPublic()));
    }

    /** Created with mode 600 from the start: there is no moment at which others could read it. */
    private static void writePrivate(Path file, String pem) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new UserInputException(file + " already exists: not overwriting a key");
        }
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }
}
