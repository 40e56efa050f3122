package io.simstream.training;

import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's native thread pools. For networks this small, 2 OpenMP threads were 2-3x SLOWER than one
 * on 2-core machines (synchronization costs more than the work), so unless the user set
 * OMP_NUM_THREADS themselves, use one thread for ND4J's ops and BLAS. Also makes runs repeatable.
 */
final class NativeThreads {
    private static volatile boolean applied;

    private NativeThreads() {
    }

    static synchronized void limitToOneUnlessConfigured() {
        if (applied || System.getenv("OMP_NUM_THREADS") != null) {
            return;
        }
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.factory().blas().setMaxThreads(1);
        applied = true;
    }
}
