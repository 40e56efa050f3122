package io.simstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.MarkerIgnoringBase;

class RateLimitedLogTest {
    /** Keeps the formats it was asked to log at WARN. */
    private static final class Recording extends MarkerIgnoringBase {
        final List<String> warned = new ArrayList<>();

        @Override public boolean isTraceEnabled() { return false; }
        @Override public void trace(String msg) { }
        @Override public void trace(String format, Object arg) { }
        @Override public void trace(String format, Object arg1, Object arg2) { }
        @Override public void trace(String format, Object... arguments) { }
        @Override public void trace(String msg, Throwable t) { }
        @Override public boolean isDebugEnabled() { return false; }
        @Override public void debug(String msg) { }
        @Override public void debug(String format, Object arg) { }
        @Override public void debug(String format, Object arg1, Object arg2) { }
        @Override public void debug(String format, Object... arguments) { }
        @Override public void debug(String msg, Throwable t) { }
        @Override public boolean isInfoEnabled() { return false; }
        @Override public void info(String msg) { }
        @Override public void info(String format, Object arg) { }
        @Override public void info(String format, Object arg1, Object arg2) { }
        @Override public void info(String format, Object... arguments) { }
        @Override public void info(String msg, Throwable t) { }
        @Override public boolean isWarnEnabled() { return true; }
        @Override public void warn(String msg) { warned.add(msg); }
        @Override public void warn(String format, Object arg) { warned.add(format); }
        @Override public void warn(String format, Object... arguments) { warned.add(format); }
        @Override public void warn(String format, Object arg1, Object arg2) { warned.add(format); }
        @Override public void warn(String msg, Throwable t) { warned.add(msg); }
        @Override public boolean isErrorEnabled() { return false; }
        @Override public void error(String msg) { }
        @Override public void error(String format, Object arg) { }
        @Override public void error(String format, Object arg1, Object arg2) { }
        @Override public void error(String format, Object... arguments) { }
        @Override public void error(String msg, Throwable t) { }
    }

    @Test
    void oneLinePerIntervalAndTheNextSaysHowManyWereLeftOut() throws Exception {
        Recording log = new Recording();
        RateLimitedLog limited = new RateLimitedLog(Duration.ofMillis(200));
        for (int i = 0; i < 1000; i++) {
            limited.warn(log, "pair {} dead-lettered", i);
        }
        assertEquals(List.of("pair {} dead-lettered"), log.warned, "a thousand calls, one line");
        Thread.sleep(250);
        limited.warn(log, "pair {} dead-lettered", 1000);
        assertEquals(2, log.warned.size());
        assertTrue(log.warned.get(1).endsWith("(999 similar lines left out since the last one)"), log.warned.get(1));
    }
}
