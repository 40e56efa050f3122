package io.simstream.testkit;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.opentest4j.AssertionFailedError;

/** Polls until a condition holds; on timeout the failure says what was expected and what was last seen. */
public final class Await {
    private Await() {
    }

    public static <T> T until(String expected, Supplier<T> observe, Predicate<T> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T seen = observe.get();
        while (!done.test(seen)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionFailedError("timed out after " + timeout.toSeconds() + " s waiting for: " + expected
                        + "; last seen: " + abbreviate(String.valueOf(seen)));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionFailedError("interrupted while waiting for: " + expected);
            }
            seen = observe.get();
        }
        return seen;
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "... (" + s.length() + " chars)" : s;
    }
}
