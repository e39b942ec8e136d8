package dev.trellis.sync;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.quartz.CronExpression;

/**
 * {@code trellis_sync_lag_seconds{tenant,stream}} (now minus watermark) and a health check that goes DOWN naming the
 * streams whose lag passed their threshold: twice the time between two runs of their schedule, plus a grace.
 */
public final class SyncLag extends AbstractHealthCheck {
    private final StreamApi streams;
    private final DataSource dataSource;
    private final Clock clock;
    private final Duration grace;
    private final MultiGauge gauge;

    public SyncLag(StreamApi streams, DataSource dataSource, Clock clock, Duration grace, MeterRegistry meters) {
        super("trellis", "sync-lag");
        this.streams = streams;
        this.dataSource = dataSource;
        this.clock = clock;
        this.grace = grace;
        this.gauge = MultiGauge.builder("trellis.sync.lag.seconds")
                .description("Now minus the stream's watermark: how old the freshest guaranteed data is")
                .baseUnit("seconds").register(meters);
    }

    /** One stream's lag, or null before its first complete run. */
    record Lag(String tenant, String stream, Duration lag, Duration threshold) {
    }

    /** One query for every stream's watermark, matched with the streams the hub runs: cheap at a thousand tenants. */
    List<Lag> lags() throws Exception {
        Map<String, Map<String, Instant>> watermarks = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select tenant, stream, watermark from sync_stream "
                        + "where paused_reason is null and watermark is not null");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                watermarks.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2),
                        StreamState.instant(rs, 3));
            }
        }
        List<Lag> out = new ArrayList<>();
        Map<String, Duration> thresholds = new HashMap<>();
        for (StreamApi.Target t : streams.targets()) {
            Instant watermark = watermarks.getOrDefault(t.tenant().id(), Map.of()).get(t.stream());
            if (watermark != null) {
                out.add(new Lag(t.tenant().id(), t.stream(), Duration.between(watermark, clock.instant()),
                        thresholds.computeIfAbsent(t.entry().schedule(), this::threshold)));
            }
        }
        gauge.register(out.stream().map(l -> MultiGauge.Row.of(Tags.of("tenant", l.tenant(), "stream", l.stream()),
                l.lag().toSeconds())).toList(), true);
        return out;
    }

    private Duration threshold(String cron) {
        try {
            CronExpression expression = new CronExpression(cron);
            Date next = expression.getNextValidTimeAfter(Date.from(clock.instant()));
            Date after = next == null ? null : expression.getNextValidTimeAfter(next);
            if (after != null) {
                return Duration.ofMillis(2 * (after.getTime() - next.getTime())).plus(grace);
            }
        } catch (ParseException e) {
            // an invalid schedule never runs: the stream's route fails to start and routes-running says so
        }
        return Duration.ofDays(3650);
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            TreeSet<String> late = new TreeSet<>();
            for (Lag l : lags()) {
                if (l.lag().compareTo(l.threshold()) > 0) {
                    late.add(l.tenant() + "/" + l.stream() + " (" + l.lag().toMinutes() + " min behind, threshold "
                            + l.threshold().toMinutes() + " min)");
                }
            }
            if (late.isEmpty()) {
                builder.up();
            } else {
                builder.message("streams behind: " + String.join(", ", late)).detail("late", List.copyOf(late)).down();
            }
        } catch (Exception e) {
            builder.message("cannot read stream lag: " + e.getMessage()).error(e).down();
        }
    }
}
