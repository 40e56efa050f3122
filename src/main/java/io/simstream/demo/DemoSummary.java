package io.simstream.demo;

import java.util.List;
import java.util.Map;

/** What a demo run did, as written to summary.json. */
public record DemoSummary(double seconds, long pairsSent, long labelsSent, long brokenSent, long decisions,
                          long deadLetters, long servingVersion, List<Long> publishedVersions,
                          List<String> gateDecisions, Map<String, Double> onlineAccuracyByVersion,
                          Map<String, String> endpoints, List<Sample> timeline) {
    /** One status-line reading. */
    public record Sample(double seconds, double pairsPerSecond, double decisionsPerSecond, long deadLetters,
                         long servingVersion, double onlineAccuracy) {
    }
}
