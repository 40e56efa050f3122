package io.simstream;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request, not as a JVM exit: the services' main threads wait on this,
 * close in order and return their own exit code (0 after a requested shutdown). With a plain
 * shutdown hook the JVM would exit 143 on SIGTERM whatever the service did, and would run the
 * close concurrently with the main thread.
 */
public final class ShutdownSignal {
    private final CountDownLatch requested = new CountDownLatch(1);
    private volatile String signal;

    private ShutdownSignal() {
    }

    /** Takes over TERM and INT for this JVM. */
    public static ShutdownSignal install() {
        ShutdownSignal s = new ShutdownSignal();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), sig -> s.request("SIG" + sig.getName()));
        }
        return s;
    }

    /** For tests and embedded use: a request nobody signals but the caller. */
    public static ShutdownSignal manual() {
        return new ShutdownSignal();
    }

    public void request(String why) {
        signal = why;
        requested.countDown();
    }

    public boolean isRequested() {
        return requested.getCount() == 0;
    }

    /** What requested the shutdown (e.g. SIGTERM), or null. */
    public String cause() {
        return signal;
    }

    /** true once a shutdown was requested, false after the timeout. */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return requested.await(timeout, unit);
    }
}
