package io.simstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.bench.E2eBenchmark.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * What `bench e2e` reports from its rounds: the medians per mode and the ratios between them,
 * whether the machine was quiet, and the goals judged on the medians (only on a quiet machine).
 * Pure functions of the measured JSON.
 */
public final class E2eReport {
    /** Other processes may use this share of the cores while a child runs and the run still count as quiet. */
    static final double FOREIGN_CPU_SHARE_LIMIT = 0.25;
    /** The p99 of scoring may be at most this multiple of the pass-through's. */
    static final double P99_RATIO_GOAL = 1.2;

    private E2eReport() {
    }

    /**
     * Per mode, the medians over the rounds (throughput, each latency percentile, steady RSS) under
     * the mode's key, and the ratios of those medians: scoring to pass-through, and a shadow's cost
     * against plain scoring.
     */
    static void summarize(ObjectNode c) {
        JsonNode rounds = c.get("rounds");
        for (Mode mode : Mode.values()) {
            List<JsonNode> runs = new ArrayList<>();
            rounds.forEach(r -> {
                if (r.has(mode.key())) {
                    runs.add(r.get(mode.key()));
                }
            });
            if (runs.isEmpty()) {
                continue;
            }
            ObjectNode m = c.putObject(mode.key()).put("rounds", runs.size());
            m.put("throughputPerSec", Math.round(median(runs, r -> r.get("throughputPerSec").asDouble())));
            m.put("pairsPerServeCpuSecond", Math.round(median(runs, r -> r.path("pairsPerServeCpuSecond").asDouble(0))));
            if (runs.stream().allMatch(r -> r.has("kernelMicrosPerScore"))) {
                m.put("kernelMicrosPerScore", round(median(runs, r -> r.get("kernelMicrosPerScore").asDouble())));
            }
            ObjectNode lat = m.putObject("latencyMs");
            lat.put("samples", Math.round(median(runs, r -> r.get("latencyMs").get("samples").asDouble())));
            for (String q : List.of("p50", "p95", "p99", "max")) {
                lat.put(q, Math.round(median(runs, r -> r.get("latencyMs").get(q).asDouble())));
            }
            m.putObject("rssUnderLoad").put("steadyMb", Math.round(median(runs,
                    r -> r.get("rssUnderLoad").path("steadyMb").asDouble(-1))));
            m.put("otherProcessesCpuCoresMax", runs.stream().mapToDouble(r -> r.path("otherProcessesCpuCores")
                    .asDouble(0)).max().orElse(0));
            runs.stream().filter(r -> r.has("hotSwap")).findFirst().ifPresent(r -> m.set("hotSwap", r.get("hotSwap")));
        }
        if (c.has("scoring") && c.has("passThrough")) {
            c.put("throughputRatio", ratio(c, "scoring", "passThrough", "throughputPerSec"));
            c.put("p99Ratio", ratio(c, "scoring", "passThrough", "p99"));
        }
        if (c.has("shadow") && c.has("scoring")) {
            c.put("shadowThroughputRatio", ratio(c, "shadow", "scoring", "throughputPerSec"));
            c.put("shadowP99Ratio", ratio(c, "shadow", "scoring", "p99"));
        }
        if (c.has("shadow") && c.has("passThrough")) {
            c.put("shadowP99RatioToPassThrough", ratio(c, "shadow", "passThrough", "p99"));
        }
    }

    private static double ratio(ObjectNode c, String a, String b, String figure) {
        double x = figure.equals("throughputPerSec") ? c.get(a).get(figure).asDouble()
                : c.get(a).get("latencyMs").get(figure).asDouble();
        double y = figure.equals("throughputPerSec") ? c.get(b).get(figure).asDouble()
                : c.get(b).get("latencyMs").get(figure).asDouble();
        return y > 0 ? round(x / y) : Double.NaN;
    }

    static double median(List<JsonNode> runs, ToDoubleFunction<JsonNode> figure) {
        double[] v = runs.stream().mapToDouble(figure).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    static ObjectNode verdict(int cores, double loadAverageAtStart, double otherProcessesCpuCoresMax) {
        ObjectNode n = new ObjectMapper().createObjectNode().put("cores", cores)
                .put("loadAverageAtStart", round(loadAverageAtStart))
                .put("otherProcessesCpuCoresMax", round(otherProcessesCpuCoresMax))
                .put("quietRule", "load average before the run <= cores, and other processes used <= "
                        + FOREIGN_CPU_SHARE_LIMIT + " x cores while each child ran");
        List<String> why = new ArrayList<>();
        if (loadAverageAtStart > cores) {
            why.add(String.format(Locale.ROOT, "the load average before the run was %.2f on %d cores",
                    loadAverageAtStart, cores));
        }
        if (otherProcessesCpuCoresMax > FOREIGN_CPU_SHARE_LIMIT * cores) {
            why.add(String.format(Locale.ROOT, "other processes used up to %.2f cores while a child ran",
                    otherProcessesCpuCoresMax));
        }
        n.put("quiet", why.isEmpty());
        if (!why.isEmpty()) {
            n.put("warning", "NOT A QUIET MACHINE: " + String.join("; ", why) + ". These figures measure the"
                    + " neighbours as much as simstream; the goals are not judged.");
        }
        return n;
    }

    /**
     * The goals, judged on the medians: scoring's p99 within P99_RATIO_GOAL x the pass-through's for
     * both guarantees; in the latency profile at 5,000 pairs/s the absolute p99s (at_least_once <= 25
     * ms, exactly_once_v2 <= 100 ms; the throughput profile lingers 100 ms per hop by design); the
     * throughput profile's throughput ratio >= 0.8; serve's steady RSS <= 400 MB. Only on a quiet
     * machine.
     */
    static ObjectNode goals(ArrayNode configs, boolean quiet, int rate) {
        ObjectNode g = new ObjectMapper().createObjectNode();
        g.put("judged", quiet);
        if (!quiet) {
            g.put("why", "the machine was not quiet (see machine.warning)");
        }
        for (JsonNode c : configs) {
            if (!c.has("scoring")) {
                continue;
            }
            String profile = c.get("profile").asText();
            boolean alos = c.get("guarantee").asText().equals("at_least_once");
            ObjectNode n = g.putObject(profile + "/" + c.get("guarantee").asText());
            long p99 = c.get("scoring").get("latencyMs").get("p99").asLong();
            n.put("scoringP99Ms", p99);
            if (c.has("p99Ratio")) {
                double r = c.get("p99Ratio").asDouble();
                n.put("p99RatioToPassThrough", r).put("p99RatioGoal", P99_RATIO_GOAL);
                putMet(n, "p99RatioMet", quiet, r <= P99_RATIO_GOAL);
            }
            if (profile.equals("latency") && rate == 5000) {
                long limit = alos ? 25 : 100;
                n.put("p99GoalMs", limit);
                putMet(n, "p99Met", quiet, p99 <= limit);
            }
            if (c.has("throughputRatio")) {
                n.put("throughputRatio", c.get("throughputRatio").asDouble());
                if (profile.equals("throughput")) {
                    n.put("ratioGoal", 0.8);
                    putMet(n, "ratioMet", quiet, c.get("throughputRatio").asDouble() >= 0.8);
                }
            }
            long steady = c.get("scoring").get("rssUnderLoad").path("steadyMb").asLong(-1);
            n.put("serveSteadyRssMb", steady).put("rssGoalMb", 400);
            putMet(n, "rssMet", quiet, steady >= 0 && steady <= 400);
        }
        return g;
    }

    /** true/false on a quiet machine; "not judged" otherwise, so no one quotes a noisy pass or fail. */
    private static void putMet(ObjectNode n, String key, boolean quiet, boolean met) {
        if (quiet) {
            n.put(key, met);
        } else {
            n.put(key, "not judged");
        }
    }

    static String summary(ObjectNode c) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "== %s / %s (median of %d rounds):",
                c.get("profile").asText(), c.get("guarantee").asText(), c.get("rounds").size()));
        for (Mode m : Mode.values()) {
            if (c.has(m.key())) {
                JsonNode x = c.get(m.key());
                sb.append(String.format(Locale.ROOT, " %s %s pairs/s p50 %s p99 %s ms;", m.id(),
                        x.get("throughputPerSec"), x.get("latencyMs").get("p50"), x.get("latencyMs").get("p99")));
            }
        }
        if (c.has("throughputRatio")) {
            sb.append(String.format(Locale.ROOT, " scoring/pass-through throughput %.2fx, p99 %.2fx;",
                    c.get("throughputRatio").asDouble(), c.get("p99Ratio").asDouble()));
        }
        if (c.has("shadowThroughputRatio")) {
            sb.append(String.format(Locale.ROOT, " shadow/scoring throughput %.2fx, p99 %.2fx",
                    c.get("shadowThroughputRatio").asDouble(), c.get("shadowP99Ratio").asDouble()));
        }
        return sb.toString();
    }

    /** One line per configuration for the end of the output: medians and ratios. */
    public static String line(JsonNode c) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s %-15s", c.get("profile").asText(),
                c.get("guarantee").asText()));
        for (Mode m : Mode.values()) {
            if (c.has(m.key())) {
                sb.append(String.format(Locale.ROOT, " | %s %,d/s p99 %d ms", m.id(), c.get(m.key())
                        .get("throughputPerSec").asLong(), c.get(m.key()).get("latencyMs").get("p99").asLong()));
            }
        }
        if (c.has("throughputRatio")) {
            sb.append(String.format(Locale.ROOT, " | scoring/pass-through %.2fx, p99 %.2fx", c.get("throughputRatio")
                    .asDouble(), c.get("p99Ratio").asDouble()));
        }
        if (c.has("shadowThroughputRatio")) {
            sb.append(String.format(Locale.ROOT, " | shadow/scoring %.2fx, p99 %.2fx", c.get("shadowThroughputRatio")
                    .asDouble(), c.get("shadowP99Ratio").asDouble()));
        }
        if (c.has("scoring")) {
            sb.append(String.format(Locale.ROOT, " | serve RSS steady %d MB", c.get("scoring").get("rssUnderLoad")
                    .path("steadyMb").asLong(-1)));
        }
        return sb.toString();
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
