package io.simstream.demo;

import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * The demo's console belongs to its status line and summary: while it runs, every log line of this
 * JVM (broker, Streams, scorer, retrainer) goes to demo.log in the run folder instead of stderr.
 */
final class DemoLogFile implements AutoCloseable {
    private static final String NAME = "demo-log-file";
    private final Configuration config;
    private final Appender file;
    private final Appender console;

    private DemoLogFile(Configuration config, Appender file, Appender console) {
        this.config = config;
        this.file = file;
        this.console = console;
    }

    /** Redirects the root logger's appenders to file; close() puts them back. */
    static DemoLogFile redirect(Path path) {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        PatternLayout layout = PatternLayout.newBuilder().withConfiguration(config)
                .withPattern("%d{HH:mm:ss.SSS} %-5level [%t] %c{1} - %msg%n").build();
        FileAppender appender = FileAppender.newBuilder().setName(NAME).withFileName(path.toString())
                .setLayout(layout).setConfiguration(config).build();
        appender.start();
        config.addAppender(appender);
        LoggerConfig root = config.getRootLogger();
        Appender console = root.getAppenders().values().stream().findFirst().orElse(null);
        if (console != null) {
            root.removeAppender(console.getName());
        }
        root.addAppender(appender, null, null);
        ctx.updateLoggers();
        return new DemoLogFile(config, appender, console);
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        LoggerConfig root = config.getRootLogger();
        root.removeAppender(NAME);
        if (console != null) {
            root.addAppender(console, null, null);
        }
        ctx.updateLoggers();
        file.stop();
    }
}
