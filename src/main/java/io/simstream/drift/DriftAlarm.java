package io.simstream.drift;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A drift alarm: the evidence windows (the persistence run that raised it) and the onset, the
 * start of the first of them. Labels from before the onset belong to the old distribution.
 *
 * @param onsetMs      earliest pair timestamp of the first alarming window of the run
 * @param onsetPair    index of that window's first pair (in this detector's observation order)
 * @param detectedMs   latest pair timestamp of the window that raised the alarm
 * @param detectedPair index of the pair that closed it
 * @param evidence     the alarming windows, oldest first
 */
public record DriftAlarm(String modelName, long version, long onsetMs, long onsetPair, long detectedMs,
                         long detectedPair, List<WindowEvidence> evidence, DriftSettings settings,
                         String referenceSource, boolean referenceHeldOut, int referencePairs) {
    public DriftAlarm {
        evidence = List.copyOf(evidence);
        if (evidence.isEmpty()) {
            throw new IllegalArgumentException("an alarm needs evidence");
        }
    }

    /** What moved across the evidence: "input", "scores" or "input+scores". */
    public String cause() {
        boolean input = evidence.stream().anyMatch(WindowEvidence::inputDrift);
        boolean scores = evidence.stream().anyMatch(WindowEvidence::scoreDrift);
        return input && scores ? "input+scores" : input ? "input" : "scores";
    }

    private WindowEvidence last() {
        return evidence.get(evidence.size() - 1);
    }

    /** One line for logs and the model event's reason. */
    public String reason() {
        WindowEvidence w = last();
        String s = String.format(Locale.ROOT, "drift in %s of %s v%d: %d consecutive windows of %d pairs; last window"
                        + " KS %.3f (p %.2g), PSI %.3f, input shift %.3f (p %.2g); onset at pair %d",
                cause(), modelName, version, evidence.size(), settings.windowPairs(), w.ks(), w.ksP(), w.psi(),
                w.inputShift(), w.inputP(), onsetPair);
        return "scores".equals(cause()) ? s + " (scores only: may be a change in class balance, see docs/drift.md)" : s;
    }

    /** The evidence as a ModelEvent's details (name -> value). */
    public Map<String, String> details() {
        WindowEvidence w = last();
        Map<String, String> d = new LinkedHashMap<>();
        d.put("cause", cause());
        d.put("onsetMs", String.valueOf(onsetMs));
        d.put("onsetPair", String.valueOf(onsetPair));
        d.put("detectedMs", String.valueOf(detectedMs));
        d.put("detectedPair", String.valueOf(detectedPair));
        d.put("windows", String.valueOf(evidence.size()));
        d.put("windowPairs", String.valueOf(settings.windowPairs()));
        d.put("ks", fmt(w.ks()));
        d.put("ksP", fmt(w.ksP()));
        d.put("psi", fmt(w.psi()));
        d.put("inputShift", fmt(w.centreShift()));
        d.put("inputShiftP", fmt(w.centreP()));
        d.put("energyShift", fmt(w.energyShift()));
        d.put("energyP", fmt(w.energyP()));
        d.put("alpha", fmt(settings.alpha()));
        d.put("persistence", String.valueOf(settings.persistence()));
        d.put("minPsi", fmt(settings.minPsi()));
        d.put("minInputShift", fmt(settings.minInputShift()));
        d.put("reference", referenceSource);
        d.put("referenceHeldOut", String.valueOf(referenceHeldOut));
        d.put("referencePairs", String.valueOf(referencePairs));
        return d;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4g", v);
    }
}
