package io.simstream.scoring;

import io.simstream.config.ScoringConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * The group.instance.id of this instance (Streams appends "-thread index" per stream thread).
 *
 * <p>Why: with dynamic membership, a member killed with -9 stays in the group until its session
 * times out, and the rebalance that lets its restarted successor in waits for it: measured here,
 * 43-47 s from kill -9 to the first decision with Kafka's 45 s default. A static member that comes
 * back with the same id replaces its dead self at once and gets the same partitions. The id must be
 * stable across restarts of one instance and unique among running ones: "auto" is the host name
 * plus a hash of the absolute state directory, because two instances that share both would already
 * collide on the state directory lock.
 *
 * <p>Under group.protocol=streams there is none: Kafka Streams 4.3 refuses group.instance.id with
 * that protocol (static membership for it arrives with 4.4 clients and brokers, KAFKA-20169), so
 * "auto" means dynamic membership there and an explicit id is refused by the configuration.
 */
public final class StaticMembership {
    private StaticMembership() {
    }

    /** null when instance.id is "none" or the group protocol is streams (dynamic membership). */
    public static String groupInstanceId(ScoringConfig config) {
        if (config.streamsProtocol()) {
            return null;
        }
        return groupInstanceId(config.get(ScoringConfig.APPLICATION_ID), config.get(ScoringConfig.INSTANCE_ID),
                config.get(ScoringConfig.STATE_DIR), StaticMembership::hostName);
    }

    static String groupInstanceId(String applicationId, String instanceId, String stateDir, Supplier<String> host) {
        if (ScoringConfig.NO_INSTANCE_ID.equalsIgnoreCase(instanceId)) {
            return null;
        }
        String id = ScoringConfig.AUTO_INSTANCE_ID.equalsIgnoreCase(instanceId)
                ? host.get() + "-" + shortHash(Path.of(stateDir).toAbsolutePath().normalize().toString())
                : instanceId;
        return sanitize(applicationId + "-" + id);
    }

    /** HOSTNAME (set in containers and pods), else the resolver's name for this host. */
    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sanitize(String id) {
        String clean = id.replaceAll("[^A-Za-z0-9._-]", "_");
        return clean.length() > 240 ? clean.substring(0, 240) : clean;
    }
}
