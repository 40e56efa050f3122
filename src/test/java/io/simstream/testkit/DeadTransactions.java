package io.simstream.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;

/**
 * Watches a Streams application's transactions after one of its instances was killed: the
 * transactional ids that start no transaction after the kill are the dead instance's (the live
 * ones commit every commit.interval.ms), and a dead transaction that was open ends only when the
 * coordinator aborts it on its timeout. Read_committed readers see nothing past its first record on
 * the partitions it wrote to until then.
 */
public final class DeadTransactions implements AutoCloseable {
    private static final Set<TransactionState> OPEN = Set.of(TransactionState.ONGOING,
            TransactionState.PREPARE_ABORT, TransactionState.PREPARE_COMMIT);
    private final StreamsAppView view;
    private final long killedAtMs;
    private final Map<String, TransactionDescription> atKill;
    private final Map<String, Long> startedAfterKill = new HashMap<>();
    private final Map<String, Long> endedAtMs = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** atKill: the transactions just before the kill. Polls every 250 ms until closed. */
    public DeadTransactions(StreamsAppView view, Map<String, TransactionDescription> atKill, long killedAtMs) {
        this.view = view;
        this.atKill = Map.copyOf(atKill);
        this.killedAtMs = killedAtMs;
        this.thread = new Thread(this::run, "dead-transactions");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                long now = System.currentTimeMillis();
                Map<String, TransactionDescription> seen = view.transactions();
                synchronized (this) {
                    seen.forEach((id, d) -> {
                        if (d.transactionStartTimeMs().orElse(0) > killedAtMs) {
                            startedAfterKill.putIfAbsent(id, now);
                        }
                        if (!OPEN.contains(d.state())) {
                            endedAtMs.putIfAbsent(id, now);
                        }
                    });
                }
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // A coordinator that is busy now answers on the next poll.
            }
        }
    }

    /** Waits up to max until every transaction open at the kill has closed or started anew (poll granularity). */
    public void awaitClosed(java.time.Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                boolean allClosed = atKill.entrySet().stream().allMatch(e -> !OPEN.contains(e.getValue().state())
                        || startedAfterKill.containsKey(e.getKey()) || endedAtMs.containsKey(e.getKey()));
                if (allClosed) {
                    return;
                }
            }
            Thread.sleep(100);
        }
    }

    /**
     * For each transactional id that started nothing after the kill: its state at the kill, its
     * timeout, the partitions it had written to, and ms from the kill until it was no longer open
     * (-1: still open).
     */
    public synchronized ArrayNode toJson() {
        ArrayNode out = new ObjectMapper().createArrayNode();
        atKill.forEach((id, d) -> {
            if (startedAfterKill.containsKey(id)) {
                return;
            }
            Long ended = endedAtMs.get(id);
            out.addObject().put("transactionalId", id).put("stateAtKill", d.state().toString())
                    .put("timeoutMs", d.transactionTimeoutMs()).put("partitions", d.topicPartitions().toString())
                    .put("closedAfterMs", !OPEN.contains(d.state()) ? 0 : ended == null ? -1 : ended - killedAtMs);
        });
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5000);
    }
}
