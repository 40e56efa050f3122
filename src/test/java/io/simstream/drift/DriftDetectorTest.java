package io.simstream.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The detector's error rates on the demo's traffic (seeded, many runs), and its alarm, onset and
 * re-arming rules.
 *
 * <p>N = 20,000 stationary pairs per run: 100 s of the demo's 200 pairs/s, more than the demo's
 * whole stationary phase (60 s of a default 120 s run); 100 runs, each with its own reference, must
 * raise no alarm at all (2,000,000 pairs). With 0 of 100 runs alarming, the chance of a false alarm
 * within N pairs is below 3% at 95% confidence; bench drift runs 50 times more pairs.
 *
 * <p>M = 600 pairs = (persistence + 1) x window: the shift lands anywhere in a window; that mixed
 * window may not alarm, the next two full windows do. 600 pairs is 3 s at 200 pairs/s, inside the
 * few seconds the demo's 14 s recovery goal leaves for detection.
 */
class DriftDetectorTest {
    static final int N = 20_000;
    static final int RUNS = 100;
    static final int M = 600;
    private static DemoTraffic traffic;

    @BeforeAll
    static void pools() {
        traffic = new DemoTraffic();
    }

    @Test
    void noAlarmOnNStationaryPairsInAnyOfManySeededRuns() {
        int alarms = 0;
        for (int r = 0; r < RUNS; r++) {
            Random rnd = new Random(1_000 + r);
            DriftDetector det = traffic.detector(DriftSettings.DEFAULTS, rnd);
            alarms += DemoTraffic.feed(det, traffic.stationary, rnd, 0, N);
            assertEquals(N / DriftSettings.DEFAULTS.windowPairs(), det.status().windows());
        }
        assertEquals(0, alarms, "false alarms in " + RUNS + " x " + N + " stationary pairs");
    }

    @Test
    void theSameStreamsDoAlarmWithoutTheGuards() {
        // Significance at 0.2 per window, no effect floor, no persistence: noise alone then alarms.
        DriftSettings loose = DriftSettings.DEFAULTS.withAlpha(0.2).withPersistence(1).withEffectFloors(0, 0);
        int runsWithAlarm = 0;
        for (int r = 0; r < RUNS; r++) {
            Random rnd = new Random(1_000 + r);
            DriftDetector det = traffic.detector(loose, rnd);
            runsWithAlarm += DemoTraffic.feed(det, traffic.stationary, rnd, 0, N) > 0 ? 1 : 0;
        }
        assertTrue(runsWithAlarm > RUNS * 9 / 10, "runs with an alarm on noise when unguarded: " + runsWithAlarm);
    }

    @Test
    void theDemosShiftRaisesAnAlarmWithinMPairsWithTheOnsetWithinAWindowOfIt() {
        int w = DriftSettings.DEFAULTS.windowPairs();
        for (int r = 0; r < RUNS; r++) {
            Random rnd = new Random(5_000 + r);
            DriftDetector det = traffic.detector(DriftSettings.DEFAULTS, rnd);
            int shiftAt = 2_000 + rnd.nextInt(10_001);
            assertEquals(0, DemoTraffic.feed(det, traffic.stationary, rnd, 0, shiftAt), "run " + r + " before the shift");
            DriftAlarm alarm = null;
            for (long i = shiftAt; i < shiftAt + M && alarm == null; i++) {
                alarm = DemoTraffic.feed(det, traffic.shifted, rnd, i).orElse(null);
            }
            assertNotNull(alarm, "run " + r + ": no alarm within " + M + " pairs of the shift at pair " + shiftAt);
            assertTrue(alarm.onsetPair() > shiftAt - w && alarm.onsetPair() <= shiftAt + w,
                    "run " + r + ": onset at pair " + alarm.onsetPair() + ", shift at " + shiftAt);
            assertEquals(alarm.onsetPair() * 5, alarm.onsetMs(), "onset dated by the first pair of its window");
            assertTrue(alarm.cause().contains("input"), "the covariate check sees the demo's shift: " + alarm.cause());
        }
    }

    @Test
    void oneAlarmPerEpisodeAndAnotherAfterTheDetectorReArms() {
        DriftSettings s = DriftSettings.DEFAULTS;
        Random rnd = new Random(77);
        DriftDetector det = traffic.detector(s, rnd);
        long i = 0;
        assertEquals(0, DemoTraffic.feed(det, traffic.stationary, rnd, i, 4_000));
        i += 4_000;
        assertEquals(1, DemoTraffic.feed(det, traffic.shifted, rnd, i, 20 * s.windowPairs()),
                "a persisting shift raises one alarm, not one per window");
        i += 20 * s.windowPairs();
        assertTrue(det.status().alarm());
        assertEquals(1, det.status().alarmsRaised());
        assertEquals(0, DemoTraffic.feed(det, traffic.stationary, rnd, i, (s.rearmWindows() - 1) * s.windowPairs()));
        i += (s.rearmWindows() - 1) * s.windowPairs();
        assertTrue(det.status().alarm(), "still alarmed one quiet window short of re-arming");
        assertEquals(0, DemoTraffic.feed(det, traffic.stationary, rnd, i, s.windowPairs()));
        i += s.windowPairs();
        assertFalse(det.status().alarm(), "re-armed after " + s.rearmWindows() + " quiet windows");
        assertEquals(1, DemoTraffic.feed(det, traffic.shifted, rnd, i, 3 * s.windowPairs()), "a new episode");
        assertEquals(2, det.status().alarmsRaised());
    }

    @Test
    void theStatusAndTheAlarmCarryTheEvidence() {
        Random rnd = new Random(3);
        DriftDetector det = traffic.detector(DriftSettings.DEFAULTS, rnd);
        DriftStatus before = det.status();
        assertFalse(before.alarm());
        assertTrue(Double.isNaN(before.ks()), "no window yet");
        DemoTraffic.feed(det, traffic.stationary, rnd, 0, 1_000);
        DriftStatus quiet = det.status();
        assertEquals("demo", quiet.modelName());
        assertEquals(2, quiet.version());
        assertEquals(5, quiet.windows());
        assertEquals(1_000, quiet.pairsObserved());
        assertTrue(quiet.ks() > 0 && quiet.ks() < 0.2 && quiet.psi() < 0.25 && quiet.inputShift() < 0.25, quiet.toString());
        assertEquals("held-out sample", quiet.referenceSource());

        DriftAlarm alarm = null;
        for (long i = 1_000; alarm == null && i < 3_000; i++) {
            alarm = DemoTraffic.feed(det, traffic.shifted, rnd, i).orElse(null);
        }
        assertNotNull(alarm);
        assertEquals(DriftSettings.DEFAULTS.persistence(), alarm.evidence().size());
        assertTrue(alarm.evidence().stream().allMatch(WindowEvidence::alarming));
        assertEquals(1_000, alarm.onsetPair(), "the first post-shift window starts at the shift");
        assertEquals(1_399, alarm.detectedPair());
        assertEquals(1_399 * 5, alarm.detectedMs());
        Map<String, String> details = alarm.details();
        for (String k : List.of("cause", "onsetMs", "onsetPair", "detectedMs", "ks", "ksP", "psi", "inputShift",
                "inputShiftP", "energyShift", "energyP", "alpha", "persistence", "reference", "referenceHeldOut")) {
            assertTrue(details.containsKey(k), k + " in " + details);
        }
        assertEquals("5000", details.get("onsetMs"));
        assertTrue(alarm.reason().startsWith("drift in input"), alarm.reason());
        DriftStatus after = det.status();
        assertTrue(after.alarm());
        assertEquals(alarm, after.lastAlarm());
        assertEquals(2, after.alarmingRun());
    }

    @Test
    void eachTestWorksAloneAndAnOffTestReportsNaN() {
        // Inputs only: the demo's shift. (This random network's distances barely move under it, the
        // shift is close to a translation of both sides; a trained model's scores move a lot, see
        // bench drift. That is what the label-free input check is for.)
        Random rnd = new Random(21);
        DriftDetector inputs = traffic.detector(DriftSettings.DEFAULTS.withTests(false, true), rnd);
        assertEquals(0, DemoTraffic.feed(inputs, traffic.stationary, rnd, 0, 4_000));
        assertEquals(1, DemoTraffic.feed(inputs, traffic.shifted, rnd, 4_000, M));
        assertTrue(Double.isNaN(inputs.status().lastWindow().ks()));
        assertEquals("input", inputs.status().lastAlarm().cause());

        // Scores only: the same inputs, but every score 30% larger (a model whose outputs moved).
        DriftDetector scores = traffic.detector(DriftSettings.DEFAULTS.withTests(true, false), rnd);
        assertEquals(0, DemoTraffic.feed(scores, traffic.stationary, rnd, 0, 4_000));
        int alarms = 0;
        for (int i = 4_000; i < 4_000 + M; i++) {
            int k = rnd.nextInt(traffic.stationary.size());
            alarms += scores.observe(i * 5L, 1.3f * traffic.stationary.scores()[k],
                    traffic.stationary.data().left()[k], traffic.stationary.data().right()[k]).isPresent() ? 1 : 0;
        }
        assertEquals(1, alarms);
        assertTrue(Double.isNaN(scores.status().lastWindow().centreShift()));
        assertEquals("scores", scores.status().lastAlarm().cause());
    }

    @Test
    void aChangeInClassBalanceAloneMovesOnlyTheScores() {
        // The caveat in numbers: the reference has half "same" pairs. The input statistic ignores the
        // balance (each side is drawn from the same class marginals either way); the scores do not.
        DemoTraffic.Pool mild = traffic.pool(0.4, 0.0, 104);
        DemoTraffic.Pool extreme = traffic.pool(0.05, 0.0, 105);
        int mildAlarms = 0;
        for (int r = 0; r < 20; r++) {
            Random rnd = new Random(9_000 + r);
            mildAlarms += DemoTraffic.feed(traffic.detector(DriftSettings.DEFAULTS, rnd), mild, rnd, 0, N);
        }
        assertEquals(0, mildAlarms, "0.5 -> 0.4 'same' pairs: under the PSI floor");

        Random rnd = new Random(9_999);
        DriftDetector det = traffic.detector(DriftSettings.DEFAULTS, rnd);
        DemoTraffic.feed(det, extreme, rnd, 0, 4_000);
        DriftAlarm alarm = det.status().lastAlarm();
        assertNotNull(alarm, "0.5 -> 0.05 'same' pairs moves the score distribution past the floor");
        assertEquals("scores", alarm.cause(), "the inputs did not move");
        assertTrue(alarm.reason().contains("class balance"), alarm.reason());
    }

    @Test
    void streamThreadsShareOneDetectorWithoutLosingPairs() throws Exception {
        DriftDetector det = traffic.detector(DriftSettings.DEFAULTS, new Random(1));
        int threads = 4;
        int each = 25_000;
        AtomicInteger alarms = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = t;
            Thread th = new Thread(() -> {
                Random rnd = new Random(seed);
                alarms.addAndGet(DemoTraffic.feed(det, traffic.stationary, rnd, seed * each, each));
            });
            th.setUncaughtExceptionHandler((x, e) -> failures.add(e));
            workers.add(th);
            th.start();
        }
        for (Thread th : workers) {
            th.join();
        }
        assertEquals(List.of(), failures);
        assertEquals((long) threads * each, det.status().pairsObserved(), "every pair counted once");
        assertEquals((long) threads * each / DriftSettings.DEFAULTS.windowPairs(), det.status().windows());
        assertEquals(0, alarms.get());
    }

    @Test
    void aWindowOfTheReferencePairsThemselvesMatchesTheReferenceExactly() {
        // observe() must measure in the space capture measured in: same scaling, same u, same energy.
        var pairs = traffic.stationary.data().select(java.util.stream.IntStream.range(0, 400).toArray(), "ref");
        DriftReference ref = DriftReferences.of(traffic.model, pairs, "ref", true);
        DriftDetector det = new DriftDetector("demo", 2, ref, traffic.model.normalizer(),
                DriftSettings.DEFAULTS.withWindowPairs(400));
        for (int i = 0; i < 400; i++) {
            det.observe(i, traffic.stationary.scores()[i], pairs.left()[i], pairs.right()[i]);
        }
        WindowEvidence w = det.status().lastWindow();
        assertEquals(0.0, w.ks(), 0.0);
        assertEquals(0.0, w.psi(), 1e-12);
        assertEquals(0.0, w.centreShift(), 1e-4);
        assertEquals(0.0, w.energyShift(), 1e-5);
        assertFalse(w.alarming());
    }

    @Test
    void pairsOfTheWrongDimensionAreRefusedAndNonFiniteScoresSkipped() {
        DriftDetector det = traffic.detector(DriftSettings.DEFAULTS, new Random(2));
        float[] ok = new float[DemoTraffic.DIM];
        assertThrows(IllegalArgumentException.class, () -> det.observe(0, 1f, new float[3], ok));
        for (int i = 0; i < 500; i++) {
            det.observe(i, Float.NaN, ok, ok);
        }
        assertEquals(0, det.status().windows(), "NaN scores fill no window");
    }

    @Test
    void forModelFollowsTheSettingsAndTheArtifact() {
        var withRef = traffic.reference(500, new Random(4)).attachTo(traffic.model);
        var det = DriftDetector.forModel(withRef, DriftSettings.DEFAULTS).orElseThrow();
        assertEquals("demo", det.status().modelName());
        assertEquals(500, det.reference().pairs());
        assertTrue(DriftDetector.forModel(withRef, DriftSettings.DEFAULTS.withEnabled(false)).isEmpty());
    }

    @Test
    void settingsAreValidated() {
        DriftSettings d = DriftSettings.DEFAULTS;
        assertEquals(0.001 / 3, d.perTestAlpha(), 1e-15, "Bonferroni over the score test and the two input tests");
        assertEquals(0.001, d.withTests(true, false).perTestAlpha(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> d.withWindowPairs(DriftSettings.MIN_WINDOW - 1));
        assertThrows(IllegalArgumentException.class, () -> d.withAlpha(0));
        assertThrows(IllegalArgumentException.class, () -> d.withAlpha(0.6));
        assertThrows(IllegalArgumentException.class, () -> d.withPersistence(0));
        assertThrows(IllegalArgumentException.class, () -> d.withRearmWindows(0));
        assertThrows(IllegalArgumentException.class, () -> d.withEffectFloors(-1, 0.25));
        var e = assertThrows(IllegalArgumentException.class, () -> d.withTests(false, false));
        assertTrue(e.getMessage().contains("both"), e.getMessage());
        d.withEnabled(false).withTests(true, true);
    }
}
