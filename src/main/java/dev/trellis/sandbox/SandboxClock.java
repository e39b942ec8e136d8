package dev.trellis.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** The sandbox's notion of now: the system clock plus an offset tests can advance (token, cursor and window expiry). */
public final class SandboxClock extends Clock {
    private final Clock base;
    private final AtomicLong offsetMillis = new AtomicLong();

    SandboxClock(Clock base) {
        this.base = base;
    }

    /** Moves the sandbox's time forward; real time keeps running on top. */
    public void advance(Duration by) {
        offsetMillis.addAndGet(by.toMillis());
    }

    @Override
    public long millis() {
        return base.millis() + offsetMillis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
