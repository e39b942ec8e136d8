package dev.trellis.hub;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/** Everything logged in this JVM while it is attached, as text: what tests search for secrets or messages. */
public final class LogCapture implements AutoCloseable {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();

    private LogCapture() {
    }

    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(logs);
        encoder.setPattern("%level %logger %msg%n%ex");
        encoder.start();
        capture.appender.setContext(logs);
        capture.appender.setEncoder(encoder);
        capture.appender.setOutputStream(capture.out);
        capture.appender.start();
        logs.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture.appender);
        return capture;
    }

    public String text() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    }
}
