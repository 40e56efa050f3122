package io.simstream.training;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.ProfilerConfig;

/**
 * ND4J and JavaCPP settings for networks this small, where a training step is a few hundred
 * microseconds of arithmetic and the rest is per-operation bookkeeping (profiled: docs/training.md,
 * "Training speed"). Applied once, before the first ND4J class loads, by every training entry point.
 * <ul>
 * <li>One native thread unless the user set OMP_NUM_THREADS: 2 OpenMP threads were 2-3x SLOWER
 * than one on 2-core machines (synchronization costs more than the work), and one thread makes
 * runs repeatable. The environment variable itself is better still (bin/simstream and the test
 * JVMs set it): OpenMP sizes its pool when the native library loads, before this can run, and on
 * a heavily loaded machine a run without it took up to 6x longer per epoch.</li>
 * <li>JavaCPP's physical-memory poll off: by default every native allocation (each INDArray
 * outside a workspace) reads the process's resident size from the OS to decide whether to force
 * a GC. Its counted limit ({@code org.bytedeco.javacpp.maxBytes}, the bytes JavaCPP itself
 * allocated) stays in force and still triggers the GC, so native memory stays bounded.</li>
 * <li>ND4J's per-op workspace validation off: a debugging check that walks every op's arguments
 * to verify their workspaces are still open. DL4J's own layers manage the workspaces here.</li>
 * </ul>
 * A property or variable the user set wins over each of these.
 */
final class NativeRuntime {
    static final String PHYSICAL_BYTES_PROPERTY = "org.bytedeco.javacpp.maxPhysicalBytes";
    private static volatile boolean applied;

    private NativeRuntime() {
    }

    static synchronized void configure() {
        if (applied) {
            return;
        }
        if (System.getProperty(PHYSICAL_BYTES_PROPERTY) == null) {
            // Must precede the first JavaCPP Pointer: it reads the property once, in a static initializer.
            System.setProperty(PHYSICAL_BYTES_PROPERTY, "0");
        }
        if (System.getenv("OMP_NUM_THREADS") == null) {
            Nd4j.getEnvironment().setMaxThreads(1);
            Nd4j.getEnvironment().setMaxMasterThreads(1);
            Nd4j.factory().blas().setMaxThreads(1);
        }
        if (!Boolean.getBoolean("simstream.nd4j.checkWorkspaces")) {
            Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().checkWorkspaces(false).build());
        }
        applied = true;
    }
}
