package io.simstream.lifecycle;

import io.simstream.UserInputException;
import io.simstream.lifecycle.ModelRejectedException.Reason;
import io.simstream.model.InvalidModelException;
import io.simstream.model.ModelArtifact;
import io.simstream.model.ModelDigest;
import io.simstream.signing.TrustedKeys;
import io.simstream.signing.Verification.Status;
import io.simstream.signing.Verification;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a model may serve given who signed it (model.trust.mode, model.trust.keys):
 * <ul>
 *   <li>OFF: signatures are not looked at.</li>
 *   <li>WARN (default, so existing unsigned deployments keep working): an unsigned, unknown-signer
 *       or bad signature is accepted with a WARN (at most one a minute per kind) and counted once
 *       per artifact through the listener.</li>
 *   <li>REQUIRE: only a signature by a trusted key over the artifact's content digest lets it
 *       load; anything else is a {@link ModelRejectedException} (UNSIGNED, UNKNOWN_SIGNER,
 *       BAD_SIGNATURE), counted and logged like a corrupt record, and the serving model stays.</li>
 * </ul>
 */
public final class TrustPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(TrustPolicy.class);
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;
    private static final int REMEMBERED_ARTIFACTS = 64;

    public enum Mode { OFF, WARN, REQUIRE;
        public static Mode parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UserInputException("model.trust.mode '" + text + "' must be off, warn or require");
            }
        }
    }

    private final Mode mode;
    private final TrustedKeys keys;
    private final Consumer<Status> untrustedListener;
    private final Map<Status, Long> lastWarn = new EnumMap<>(Status.class);
    private final Map<Status, Integer> suppressed = new EnumMap<>(Status.class);
    /** Artifacts (by SHA-256) already counted as untrusted: a restore or a replay counts once. */
    private final Map<String, Boolean> counted = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_ARTIFACTS;
        }
    };

    public TrustPolicy(Mode mode, TrustedKeys keys, Consumer<Status> untrustedListener) {
        this.mode = mode;
        this.keys = keys;
        this.untrustedListener = untrustedListener;
        if (mode == Mode.REQUIRE && keys.size() == 0) {
            throw new UserInputException("model.trust.mode=require needs at least one public key in model.trust.keys");
        }
    }

    /** Signatures are not looked at: for tools that only read models (score, rollback's pre-check). */
    public static TrustPolicy off() {
        return new TrustPolicy(Mode.OFF, TrustedKeys.load(""), s -> { });
    }

    /** From the settings' text; the keys are read now, so a bad path fails at startup. */
    public static TrustPolicy of(String mode, String keyPaths, Consumer<Status> untrustedListener) {
        return new TrustPolicy(Mode.parse(mode), TrustedKeys.load(keyPaths), untrustedListener);
    }

    public Mode mode() {
        return mode;
    }

    public TrustedKeys keys() {
        return keys;
    }

    /** One line for the startup log. */
    public String describe() {
        return "model.trust.mode=" + mode.name().toLowerCase(Locale.ROOT)
                + (mode == Mode.OFF ? "" : ", trusted keys " + (keys.size() == 0 ? "none" : keys.keyIds()));
    }

    /**
     * Checks one artifact (bytes as on the topic, and as parsed) named sha256 in logs; under
     * REQUIRE throws when it is not signed by a trusted key.
     */
    Verification check(byte[] artifactBytes, ModelArtifact artifact, String what, String sha256)
            throws ModelRejectedException {
        if (mode == Mode.OFF) {
            return Verification.NOT_CHECKED;
        }
        byte[] digest;
        try {
            digest = ModelDigest.of(artifactBytes);
        } catch (InvalidModelException e) {
            throw new ModelRejectedException(Reason.CORRUPT_ARTIFACT, e.getMessage());
        }
        return checkDigest(digest, artifact, what, sha256);
    }

    /** As {@link #check}, for an artifact whose content digest was computed while it streamed in. */
    Verification checkDigest(byte[] contentDigest, ModelArtifact artifact, String what, String sha256)
            throws ModelRejectedException {
        if (mode == Mode.OFF) {
            return Verification.NOT_CHECKED;
        }
        Verification v = keys.verify(contentDigest, artifact.signatures());
        if (v.status() == Status.VERIFIED) {
            return v;
        }
        if (mode == Mode.REQUIRE) {
            throw new ModelRejectedException(reasonOf(v.status()), v.detail() + " (model.trust.mode=require)");
        }
        warn(v, what, sha256);
        return v;
    }

    private synchronized void warn(Verification v, String what, String sha256) {
        if (counted.put(sha256 + "/" + v.status(), Boolean.TRUE) == null) {
            untrustedListener.accept(v.status());
        }
        long now = System.nanoTime();
        Long last = lastWarn.get(v.status());
        if (last != null && now - last < WARN_EVERY_NANOS) {
            suppressed.merge(v.status(), 1, Integer::sum);
            LOG.debug("accepting {} although it is {}", what, v.describe());
            return;
        }
        lastWarn.put(v.status(), now);
        Integer n = suppressed.remove(v.status());
        LOG.warn("accepting {} although it is {}: {} (model.trust.mode=warn; set model.trust.mode=require to refuse"
                + " such models){}", what, v.describe(), v.detail(), n == null ? "" : "; " + n + " more like it in the last minute");
    }

    static Reason reasonOf(Status status) {
        return switch (status) {
            case UNSIGNED -> Reason.UNSIGNED;
            case UNKNOWN_SIGNER -> Reason.UNKNOWN_SIGNER;
            default -> Reason.BAD_SIGNATURE;
        };
    }
}
