package io.simstream.testkit;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;

/**
 * What the cluster says about one Kafka Streams application: which instance owns which partition
 * of its input topic (a classic consumer group's member assignments, or a KIP-1071 streams group's
 * active tasks), and the state of its transactions. An instance is named by its client.id (Streams
 * prefixes it to every member's client id), so each instance under test needs its own.
 */
public final class StreamsAppView implements AutoCloseable {
    private final Admin admin;
    private final String applicationId;
    private final boolean streamsGroup;

    public StreamsAppView(String bootstrap, String applicationId, boolean streamsGroup) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
        this.applicationId = applicationId;
        this.streamsGroup = streamsGroup;
    }

    /**
     * Partition of topic -> client.id of the instance that owns it now (partitions nobody owns are
     * absent); an instance still in the group after a crash keeps its partitions here until the
     * group drops it.
     */
    public Map<Integer, String> owners(String topic) throws Exception {
        Map<Integer, String> owners = new TreeMap<>();
        if (streamsGroup) {
            StreamsGroupDescription g = admin.describeStreamsGroups(java.util.List.of(applicationId)).all()
                    .get(10, TimeUnit.SECONDS).get(applicationId);
            // One sub-topology reads the pairs topic; the global store is not a task.
            g.members().forEach(m -> m.assignment().activeTasks().forEach(t -> t.partitions()
                    .forEach(p -> owners.put(p, instance(m.clientId())))));
        } else {
            ConsumerGroupDescription g = admin.describeConsumerGroups(java.util.List.of(applicationId)).all()
                    .get(10, TimeUnit.SECONDS).get(applicationId);
            g.members().forEach(m -> m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic))
                    .forEach(tp -> owners.put(tp.partition(), instance(m.clientId()))));
        }
        return owners;
    }

    /**
     * The application's transactions by transactional.id (Streams: application.id-processId-thread),
     * as the transaction coordinators describe them now.
     */
    public Map<String, TransactionDescription> transactions() throws Exception {
        List<String> ids = admin.listTransactions().all().get(10, TimeUnit.SECONDS).stream()
                .map(TransactionListing::transactionalId).filter(id -> id.startsWith(applicationId + "-")).toList();
        return new TreeMap<>(admin.describeTransactions(ids).all().get(10, TimeUnit.SECONDS));
    }

    /** "scorer-b-StreamThread-1-consumer" -> "scorer-b". */
    static String instance(String memberClientId) {
        int i = memberClientId.indexOf("-StreamThread-");
        return i < 0 ? memberClientId : memberClientId.substring(0, i);
    }

    @Override
    public void close() {
        admin.close();
    }
}
