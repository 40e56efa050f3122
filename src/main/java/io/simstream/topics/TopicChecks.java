package io.simstream.topics;

import io.simstream.UserInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks the configs of topics that already exist against what simstream relies on, and refuses
 * with the exact command that fixes them: a models topic that is not compacted loses old models
 * (and eventually the live one) to retention; one whose max.message.bytes is too small even for
 * the chunks of a large model rejects the publish.
 */
public final class TopicChecks {
    /**
     * The smallest max.message.bytes a large model is split for (the publisher writes chunks a
     * little under the topic's limit); below it, a record that does not fit is refused.
     */
    public static final int MIN_CHUNKED_MESSAGE_BYTES = 64 * 1024;

    private TopicChecks() {
    }

    /**
     * The models topic, if it exists: compacted, and accepting records of recordBytes (0 = no size
     * known yet). A missing topic passes (it is created compacted).
     */
    public static void requireModelsTopic(Map<String, Object> adminConfig, String topic, long recordBytes) {
        try (Admin admin = Admin.create(adminConfig)) {
            requireModelsTopic(admin, String.valueOf(adminConfig.get("bootstrap.servers")), topic, recordBytes);
        }
    }

    static void requireModelsTopic(Admin admin, String bootstrap, String topic, long recordBytes) {
        Config config = describe(admin, topic);
        if (config == null) {
            return;
        }
        List<String> problems = new ArrayList<>();
        ConfigEntry policy = config.get("cleanup.policy");
        if (policy == null || !List.of(policy.value().split(",")).contains("compact")) {
            problems.add("topic '" + topic + "' has cleanup.policy=" + (policy == null ? "?" : policy.value())
                    + ": models must be compacted, or retention deletes old models and in time the live one. Fix: "
                    + fix(bootstrap, topic, "cleanup.policy=compact"));
        }
        ConfigEntry max = config.get("max.message.bytes");
        if (recordBytes > 0 && max != null && Long.parseLong(max.value()) < recordBytes
                && Long.parseLong(max.value()) < MIN_CHUNKED_MESSAGE_BYTES) {
            long wanted = Math.max(recordBytes + 64 * 1024, Topics.MODEL_MAX_MESSAGE_BYTES);
            problems.add("topic '" + topic + "' has max.message.bytes=" + max.value() + " but the model record is "
                    + recordBytes + " bytes, and chunks need at least " + MIN_CHUNKED_MESSAGE_BYTES
                    + ". Fix: " + fix(bootstrap, topic, "max.message.bytes=" + wanted));
        }
        if (!problems.isEmpty()) {
            throw new UserInputException(String.join("\n", problems));
        }
    }

    /**
     * The topic's max.message.bytes (the largest record batch it takes), or fallback when the topic
     * does not exist yet (it will be created with fallback).
     */
    public static long maxMessageBytes(Map<String, Object> adminConfig, String topic, long fallback) {
        try (Admin admin = Admin.create(adminConfig)) {
            Config config = describe(admin, topic);
            ConfigEntry max = config == null ? null : config.get("max.message.bytes");
            return max == null ? fallback : Long.parseLong(max.value());
        }
    }

    /** The kafka-configs command line (add --command-config for a secured cluster). */
    static String fix(String bootstrap, String topic, String config) {
        return "kafka-configs.sh --bootstrap-server " + bootstrap + " --alter --entity-type topics --entity-name "
                + topic + " --add-config " + config + " (with --command-config <client.properties> on a secured cluster)";
    }

    private static Config describe(Admin admin, String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw new IllegalStateException("cannot read the configs of topic " + topic + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the configs of topic " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not answer for the configs of topic " + topic + " within 30 s", e);
        }
    }
}
