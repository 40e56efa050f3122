package io.simstream.cli;

import io.simstream.signing.KeyFiles;
import io.simstream.signing.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `keys generate|id`: model-signing key pairs (Ed25519) and their key ids. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Model-signing keys (Ed25519): train/publish/retrain sign with the private key, serve trusts"
                + " the public one (model.trust.keys). See docs/security.md."},
        subcommands = {KeysCommand.Generate.class, KeysCommand.Id.class})
public final class KeysCommand {

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write a new key pair: DIR/NAME.key (private, PKCS#8 PEM, file mode 600) and DIR/NAME.pub"
                    + " (public, X.509 PEM), and print the key id. Never overwrites.")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write the two files to.")
        Path out;

        @Option(names = "--name", defaultValue = "simstream-signing",
                description = "File name of the pair, without extension (default: ${DEFAULT-VALUE}).")
        String name;

        @Override
        public Integer call() {
            KeyFiles.Written w = KeyFiles.generate(out, name);
            System.out.println("key id " + w.keyId());
            System.out.println("private key " + w.privateKey() + " (keep it secret: sign with train/publish --sign-key"
                    + " or retrain's signing.key.file)");
            System.out.println("public key  " + w.publicKey() + " (give it to serve: model.trust.keys)");
            return 0;
        }
    }

    @Command(name = "id", mixinStandardHelpOptions = true,
            description = "Print the key id of a public (.pub) or private (.key) key file.")
    static final class Id implements Callable<Integer> {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws Exception {
            String text = Files.readString(file);
            String id = text.contains("PRIVATE KEY") ? SigningKeys.privateKeyFile(file).keyId()
                    : SigningKeys.keyId(SigningKeys.publicKeyFile(file));
            System.out.println(id);
            return 0;
        }
    }
}
