package io.simstream.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The code version of this build (project version, git commit, whether the work tree had
 * uncommitted changes), from the resource the build generates (src/build/build-info.sh). Each
 * is "unknown" when the build could not tell (no .git, no git, a class path without the resource).
 */
public record BuildInfo(String version, String commit, String dirty) {
    static final String RESOURCE = "/io/simstream/build-info.properties";
    public static final String UNKNOWN = "unknown";

    public static BuildInfo current() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // An unreadable resource says as much as a missing one.
        }
        return new BuildInfo(value(p, "version"), value(p, "commit"), value(p, "dirty"));
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? UNKNOWN : v.strip();
    }

    /** "0.1.0-SNAPSHOT (commit 1a2b3c4d5e6f, uncommitted changes)". */
    public String describe() {
        String c = commit.equals(UNKNOWN) ? "commit unknown" : "commit " + commit.substring(0, Math.min(12, commit.length()));
        return version + " (" + c + ("true".equals(dirty) ? ", uncommitted changes" : "") + ")";
    }
}
