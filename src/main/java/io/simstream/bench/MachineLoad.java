package io.simstream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How busy the machine is apart from the benchmark. The 1-minute load average says whether the
 * machine was quiet before a run, but during one it mostly counts the benchmark itself (its broker,
 * registry, producers and the serve child keep two cores busy). So while a child runs, the CPU time
 * the whole machine spent (/proc/stat) minus what this JVM and its descendants spent (/proc/PID/stat)
 * is the work of others: that is what a noisy neighbour steals from the measurement.
 */
final class MachineLoad {
    /** Kernel clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    private MachineLoad() {
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The 1-minute load average, or -1 where the platform has none. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** CPU seconds spent by the machine and by this process tree up to a moment. */
    record CpuSample(long nanos, double machineBusySeconds, double ownSeconds) {
        boolean available() {
            return machineBusySeconds >= 0 && ownSeconds >= 0;
        }
    }

    static CpuSample sample() {
        List<Long> pids = new ArrayList<>();
        pids.add(ProcessHandle.current().pid());
        ProcessHandle.current().descendants().forEach(p -> pids.add(p.pid()));
        double own = 0;
        for (long pid : pids) {
            double s = processSeconds(pid);
            if (s >= 0) {
                own += s;
            }
        }
        return new CpuSample(System.nanoTime(), machineBusySeconds(), own);
    }

    /**
     * Average cores other processes kept busy between two samples taken while the same processes of
     * ours ran (a child that exits in between would count as foreign); NaN where /proc is missing.
     */
    static double foreignCores(CpuSample from, CpuSample to) {
        if (!from.available() || !to.available() || to.nanos() <= from.nanos()) {
            return Double.NaN;
        }
        double wall = (to.nanos() - from.nanos()) / 1e9;
        double foreign = (to.machineBusySeconds() - from.machineBusySeconds()) - (to.ownSeconds() - from.ownSeconds());
        return Math.max(0, foreign / wall);
    }

    /** user + nice + system + irq + softirq + steal of the "cpu" line; -1 without /proc/stat. */
    private static double machineBusySeconds() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = first.trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime of a process (all its threads); -1 when it is gone or unreadable. */
    static double processSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // The command name may hold spaces and parentheses: the fields start after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            // f[0] is field 3 (state): utime is field 14, stime field 15.
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
