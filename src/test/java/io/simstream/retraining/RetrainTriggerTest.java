package io.simstream.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetrainTriggerTest {
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void firesAfterEveryKLabelsOnceTheWindowHoldsTheMinimum() {
        RetrainTrigger trigger = new RetrainTrigger(100, Duration.ofMinutes(10), 300, t0);
        trigger.onLabels(150);
        assertNull(trigger.due(150, t0.plusSeconds(1)), "below the minimum window size nothing runs");
        trigger.onLabels(150);
        String why = trigger.due(300, t0.plusSeconds(2));
        assertNotNull(why);
        assertTrue(why.contains("300 new labels"), why);
        trigger.started(t0.plusSeconds(2));
        assertEquals(0, trigger.labelsSinceLastRun());
        trigger.onLabels(99);
        assertNull(trigger.due(399, t0.plusSeconds(3)), "99 < K labels and the interval has not passed");
        trigger.onLabels(1);
        assertNotNull(trigger.due(400, t0.plusSeconds(4)));
    }

    @Test
    void firesWhenTheIntervalPassesWithAnyNewLabel() {
        RetrainTrigger trigger = new RetrainTrigger(1000, Duration.ofMinutes(5), 10, t0);
        assertNull(trigger.due(50, t0.plus(Duration.ofMinutes(6))), "no new labels: retraining would learn nothing");
        trigger.onLabels(3);
        assertNull(trigger.due(50, t0.plus(Duration.ofMinutes(4))));
        String why = trigger.due(50, t0.plus(Duration.ofMinutes(5)));
        assertNotNull(why);
        assertTrue(why.contains("interval"), why);
    }

    @Test
    void rejectsNonsenseSettings() {
        assertThrows(IllegalArgumentException.class, () -> new RetrainTrigger(0, Duration.ofMinutes(1), 1, t0));
        assertThrows(IllegalArgumentException.class, () -> new RetrainTrigger(1, Duration.ZERO, 1, t0));
    }
}
