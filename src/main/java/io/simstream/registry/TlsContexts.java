package io.simstream.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** Builds the SSLContext for https registries from trust/key store settings. */
final class TlsContexts {
    private TlsContexts() {
    }

    static SSLContext sslContext(RegistryClientConfig.TlsSettings tls) {
        try {
            TrustManager[] trust = null;
            if (tls.truststoreLocation().isPresent()) {
                KeyStore ts = load(tls.truststoreLocation().get(), tls.truststorePassword(), tls.truststoreType(), "truststore");
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
                trust = tmf.getTrustManagers();
            }
            KeyManager[] keys = null;
            if (tls.keystoreLocation().isPresent()) {
                KeyStore ks = load(tls.keystoreLocation().get(), tls.keystorePassword(), tls.keystoreType(), "keystore");
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                char[] keyPassword = tls.keyPassword().or(tls::keystorePassword).map(String::toCharArray).orElse(new char[0]);
                kmf.init(ks, keyPassword);
                keys = kmf.getKeyManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            // null managers mean the JDK defaults (its cacerts; no client certificate).
            ctx.init(keys, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot build TLS settings for the schema registry (" + tls + "): " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path location, Optional<String> password, Optional<String> type, String what) {
        try (InputStream in = Files.newInputStream(location)) {
            KeyStore ks = KeyStore.getInstance(type.orElse(KeyStore.getDefaultType()));
            ks.load(in, password.map(String::toCharArray).orElse(null));
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the schema registry " + what + " " + location + ": " + e.getMessage(), e);
        }
    }
}
