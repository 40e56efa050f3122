package io.simstream.drift;

/**
 * A detector's state at one moment, immutable (safe to hand to a metrics thread).
 *
 * @param alarm          true from an alarm until the detector re-arms (see {@link DriftSettings#rearmWindows()})
 * @param pairsObserved  pairs seen up to the last closed window
 * @param windows        windows evaluated
 * @param alarmingRun    consecutive alarming windows up to the last one (0 when the last was quiet)
 * @param alarmsRaised   alarms raised so far
 * @param lastWindow     the newest evaluated window, null before the first
 * @param lastAlarm      the newest alarm, null before the first
 */
public record DriftStatus(String modelName, long version, boolean alarm, long pairsObserved, long windows,
                          int alarmingRun, long alarmsRaised, WindowEvidence lastWindow, DriftAlarm lastAlarm,
                          String referenceSource) {
    /** Last window's KS statistic (NaN before the first window or with the score test off). */
    public double ks() {
        return lastWindow == null ? Double.NaN : lastWindow.ks();
    }

    public double psi() {
        return lastWindow == null ? Double.NaN : lastWindow.psi();
    }

    /** Last window's larger input effect (centre or energy), NaN when unknown. */
    public double inputShift() {
        return lastWindow == null ? Double.NaN : lastWindow.inputShift();
    }
}
