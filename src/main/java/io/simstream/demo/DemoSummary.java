package io.simstream.demo;

import io.simstream.avro.ModelEvent;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongToDoubleFunction;

/** What a demo run did, as written to summary.json. */
public record DemoSummary(double seconds, long pairsSent, long labelsSent, long brokenSent, long decisions,
                          long deadLetters, long servingVersion, List<Step> steps, Recovery recovery,
                          Map<String, Double> onlineAccuracyByVersion, Map<String, String> endpoints,
                          List<Sample> timeline) {
    /**
     * One status-line reading.
     *
     * @param onlineAccuracy accuracy of the decisions whose labels came back in the interval (labelDelay late)
     * @param servedAccuracy accuracy of the decisions made in the interval, judged by the generator's labels
     */
    public record Sample(double seconds, double pairsPerSecond, double decisionsPerSecond, long deadLetters,
                         long servingVersion, long candidateVersion, String candidateStage, double onlineAccuracy,
                         double servedAccuracy) {
    }

    /** A model event of the story (drift, publish, promotion, rollback), when it reached the demo. */
    public record Step(double seconds, String event, Long version, String detail, String reason) {
        static Step of(double seconds, ModelEvent e) {
            Long version = "DRIFT".equals(e.getEventType()) ? e.getChampionVersion() : e.getChallengerVersion();
            String detail = switch (e.getEventType()) {
                case "PROMOTED" -> "to " + e.getDetails().getOrDefault("to", "?");
                case "PUBLISHED" -> "as " + e.getDetails().getOrDefault("stage", "full");
                case "DRIFT" -> "cause " + e.getDetails().getOrDefault("cause", "?") + ", onset "
                        + e.getDetails().getOrDefault("onset", "?");
                default -> "";
            };
            return new Step(seconds, e.getEventType(), version, detail, e.getReason());
        }

        String describe() {
            return event + (version == null ? "" : " v" + version) + (detail.isEmpty() ? "" : " " + detail) + ": "
                    + reason;
        }

        /** The label on the timeline plot. */
        String marker() {
            return switch (event) {
                case "DRIFT" -> "drift";
                case "PUBLISHED" -> "v" + version + " " + detail.replace("as ", "");
                case "PROMOTED" -> "v" + version + " " + detail.replace("to ", "");
                case "ROLLED_BACK" -> "v" + version + " rolled back";
                default -> event.toLowerCase(Locale.ROOT) + (version == null ? "" : " v" + version);
            };
        }
    }

    /**
     * How the loop answered the shift, each in seconds after it.
     *
     * @param driftAlarm         the first DRIFT event after the shift
     * @param candidateOut       the first model published after the drift alarm
     * @param full               its promotion to all traffic
     * @param recoveredServed    the first second from which the decisions made in each of the next 3 seconds
     *                           were at least threshold accurate
     * @param recoveredLabeled   the first status reading (every 2 s) from which two readings in a row showed
     *                           at least threshold on the labels that came back in them (labelDelay later)
     * @param lowestAfterShift   the lowest accuracy of the decisions made in one status interval after the shift
     */
    public record Recovery(double shiftAt, double threshold, Double driftAlarm, Double candidateOut, Double full,
                           Double recoveredServed, Double recoveredLabeled, double lowestAfterShift) {
        static Recovery after(double shift, double threshold, List<Sample> timeline, List<Step> steps,
                              LongToDoubleFunction servedInSecond) {
            Double driftAt = firstAt(steps, shift, "DRIFT", null);
            Double outAt = driftAt == null ? null : firstAt(steps, driftAt, "PUBLISHED", null);
            Double fullAt = outAt == null ? null : firstAt(steps, outAt, "PROMOTED", "to full");
            Double served = null;
            long end = timeline.isEmpty() ? 0 : (long) timeline.get(timeline.size() - 1).seconds();
            for (long s = (long) Math.ceil(shift); s + 3 <= end && served == null; s++) {
                boolean ok = true;
                for (long k = s; k < s + 3; k++) {
                    ok &= servedInSecond.applyAsDouble(k) >= threshold;
                }
                if (ok && servedInSecond.applyAsDouble(s - 1) < threshold) {
                    served = s - shift;
                }
            }
            Double labeled = null;
            double lowest = Double.NaN;
            for (int i = 0; i < timeline.size(); i++) {
                Sample sample = timeline.get(i);
                if (sample.seconds() <= shift) {
                    continue;
                }
                if (!Double.isNaN(sample.servedAccuracy())) {
                    lowest = Double.isNaN(lowest) ? sample.servedAccuracy() : Math.min(lowest, sample.servedAccuracy());
                }
                boolean dipped = timeline.stream().anyMatch(x -> x.seconds() > shift && x.seconds() < sample.seconds()
                        && x.onlineAccuracy() < threshold);
                if (labeled == null && dipped && i + 1 < timeline.size() && sample.onlineAccuracy() >= threshold
                        && timeline.get(i + 1).onlineAccuracy() >= threshold) {
                    labeled = sample.seconds() - shift;
                }
            }
            return new Recovery(shift, threshold, since(driftAt, shift), since(outAt, shift), since(fullAt, shift),
                    served, labeled, lowest);
        }

        private static Double since(Double at, double shift) {
            return at == null ? null : at - shift;
        }

        /** When the first such step after a time reached the demo (seconds since the start). */
        private static Double firstAt(List<Step> steps, double after, String event, String detail) {
            return steps.stream().filter(s -> s.seconds() >= after && s.event().equals(event)
                            && (detail == null || s.detail().equals(detail)))
                    .map(Step::seconds).findFirst().orElse(null);
        }

        String describe() {
            return String.format(Locale.ROOT, "after the shift at %.0f s: drift alarm %s, new model out %s, serving all"
                            + " traffic %s; decisions back above %.2f accuracy %s (labels that came back: %s); lowest %.3f",
                    shiftAt, at(driftAlarm), at(candidateOut), at(full), threshold, at(recoveredServed),
                    at(recoveredLabeled), lowestAfterShift);
        }

        private static String at(Double seconds) {
            return seconds == null ? "not within the run" : String.format(Locale.ROOT, "+%.1f s", seconds);
        }
    }
}
