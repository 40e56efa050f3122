package io.simstream.drift;

/**
 * One tumbling window's figures against the reference. A disabled test's figures are NaN.
 *
 * @param index       window number for this detector, from 0
 * @param firstPair   index (from 0, in observation order) of the window's first pair
 * @param startMs     earliest pair timestamp in the window
 * @param endMs       latest pair timestamp in the window
 * @param pairs       pairs in the window
 * @param ks          KS statistic of the window's scores against the reference scores
 * @param ksP         its p-value
 * @param psi         PSI of the window's scores over the reference's decile bins
 * @param centreShift how far the mean pair vector moved, in units of the reference's RMS spread
 * @param centreP     its p-value
 * @param energyShift relative change of the mean squared norm of the pairs' scaled vectors
 * @param energyP     its p-value
 * @param scoreDrift  the score test counted: significant at alpha / m and PSI at least the floor
 * @param inputDrift  an input test counted: significant at alpha / m and its effect at least the floor
 */
public record WindowEvidence(long index, long firstPair, long startMs, long endMs, int pairs, double ks, double ksP,
                             double psi, double centreShift, double centreP, double energyShift, double energyP,
                             boolean scoreDrift, boolean inputDrift) {
    public boolean alarming() {
        return scoreDrift || inputDrift;
    }

    /** The larger of the two input effects (for one "input shift" figure). */
    public double inputShift() {
        return Double.isNaN(centreShift) ? Double.NaN : Math.max(centreShift, energyShift);
    }

    /** The smaller of the two input p-values. */
    public double inputP() {
        return Double.isNaN(centreP) ? Double.NaN : Math.min(centreP, energyP);
    }

    /** "input", "scores", "input+scores" or "none". */
    public String cause() {
        return inputDrift && scoreDrift ? "input+scores" : inputDrift ? "input" : scoreDrift ? "scores" : "none";
    }
}
