package dev.trellis.greenhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The budget on real PostgreSQL, with a clock the test moves: permits per 30-second window, what Greenhouse's
 * X-RateLimit headers and 429s teach it, and two instances on one database drawing from one budget. Each test has
 * its own tenant, so the tests share the database but no state.
 */
class RateBudgetTest {
    /** A window start on Greenhouse's unphased grid (a multiple of 30 s since the epoch). */
    private static final long T0 = 1_800_000_000_000L - Math.floorMod(1_800_000_000_000L, RateBudget.WINDOW_MS);

    static EmbeddedPostgres postgres;
    static DataSource db;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        db = postgres.getPostgresDatabase();
        Flyway.configure().dataSource(db).locations("classpath:db/migration").load().migrate();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    /** A clock that stands still until the test moves it. */
    private static final class TestClock extends Clock {
        final AtomicLong millis = new AtomicLong(T0);

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
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

    private static String tenant(TestInfo test) {
        return test.getTestMethod().orElseThrow().getName();
    }

    @Test
    void theConfiguredPermitsPerWindowThenTheWaitToTheNextWindow(TestInfo test) {
        String t = tenant(test);
        TestClock clock = new TestClock();
        RateBudget budget = new RateBudget(db, clock, 3);
        clock.millis.addAndGet(10_000);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, budget.tryAcquire(t), "permit " + (i + 1));
        }
        assertEquals(3, budget.used(t));
        assertEquals(0, budget.remaining(t));
        // 10 s into the window: 20 s to its end
        assertEquals(20_000, budget.tryAcquire(t));
        clock.millis.addAndGet(20_000);
        assertEquals(0, budget.tryAcquire(t), "a new window, a new budget");
        assertEquals(1, budget.used(t));
    }

    @Test
    void twoInstancesOnOneDatabaseShareOneBudget(TestInfo test) {
        String t = tenant(test);
        TestClock clock = new TestClock();
        RateBudget a = new RateBudget(db, clock, 4);
        RateBudget b = new RateBudget(db, clock, 4);
        assertEquals(0, a.tryAcquire(t));
        assertEquals(0, b.tryAcquire(t));
        assertEquals(0, a.tryAcquire(t));
        assertEquals(0, b.tryAcquire(t));
        assertEquals(4, b.used(t), "b counted a's permits too");
        assertEquals(30_000, a.tryAcquire(t), "4 permits in all, not 4 each");
        assertEquals(30_000, b.tryAcquire(t));
        // another tenant has its own budget
        assertEquals(0, a.tryAcquire(t + "_other"));
    }

    @Test
    void aLowerAnnouncedLimitAndWhatOthersUsedAreLearnt(TestInfo test) {
        String t = tenant(test);
        TestClock clock = new TestClock();
        RateBudget budget = new RateBudget(db, clock, 100);
        assertEquals(0, budget.tryAcquire(t));
        // Greenhouse: limit 10, 4 left, so 6 used in this window (by other clients of the same credential)
        budget.observe(t, 10, 4, null);
        for (int i = 0; i < 4; i++) {
            assertEquals(0, budget.tryAcquire(t), "permit " + (i + 7) + " of 10");
        }
        assertEquals(30_000, budget.tryAcquire(t));
        // the next window: the announced limit of 10 still holds, not the configured 100
        clock.millis.addAndGet(30_000);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, budget.tryAcquire(t));
        }
        assertEquals(30_000, budget.tryAcquire(t));
    }

    @Test
    void aHigherAnnouncedLimitDoesNotRaiseTheConfiguredOne(TestInfo test) {
        String t = tenant(test);
        TestClock clock = new TestClock();
        RateBudget budget = new RateBudget(db, clock, 2);
        assertEquals(0, budget.tryAcquire(t));
        budget.observe(t, 50, 49, null);
        assertEquals(0, budget.tryAcquire(t));
        assertEquals(30_000, budget.tryAcquire(t));
    }

    @Test
    void theWindowIsAlignedToGreenhousesReset(TestInfo test) {
        String t = tenant(test);
        TestClock clock = new TestClock();
        RateBudget budget = new RateBudget(db, clock, 1);
        assertEquals(0, budget.tryAcquire(t));
        // Greenhouse's window resets 12 s past our grid: its windows run [T0-18 s, T0+12 s), [T0+12 s, T0+42 s), ...
        budget.observe(t, null, null, (T0 + 12_000) / 1000);
        clock.millis.addAndGet(11_000);
        assertEquals(1_000, budget.tryAcquire(t), "the permit is back when Greenhouse's window ends, at T0+12 s");
        clock.millis.addAndGet(1_000);
        assertEquals(0, budget.tryAcquire(t));
        clock.millis.addAndGet(5_000);
        assertEquals(25_000, budget.tryAcquire(t), "T0+17 s: the aligned window ends at T0+42 s");
    }

    @Test
    void a429BlocksEveryInstanceUntilRetryAfter(TestInfo test) {
        String t = tenant(test);
        TestClock clock = new TestClock();
        RateBudget a = new RateBudget(db, clock, 100);
        RateBudget b = new RateBudget(db, clock, 100);
        assertEquals(0, a.tryAcquire(t));
        a.block(t, clock.instant().plusSeconds(5));
        assertEquals(5_000, a.tryAcquire(t));
        assertEquals(5_000, b.tryAcquire(t));
        // an earlier Retry-After does not shorten the block
        b.block(t, clock.instant().plusSeconds(2));
        clock.millis.addAndGet(3_000);
        assertEquals(2_000, b.tryAcquire(t));
        clock.millis.addAndGet(2_000);
        assertEquals(0, b.tryAcquire(t));
    }

    @Test
    void acquireWaitsForTheNextWindow(TestInfo test) throws Exception {
        String t = tenant(test);
        // a real clock set 1.5 s before a window's end: the second permit of a one-permit budget waits for the next
        Clock system = Clock.systemUTC();
        long now = system.millis();
        Clock real = Clock.offset(system, java.time.Duration.ofMillis(28_500 - Math.floorMod(now, RateBudget.WINDOW_MS)));
        RateBudget budget = new RateBudget(db, real, 1);
        budget.acquire(t);
        long started = real.millis();
        budget.acquire(t);
        long waited = real.millis() - started;
        long end = started - Math.floorMod(started, RateBudget.WINDOW_MS) + RateBudget.WINDOW_MS;
        assertTrue(started + waited >= end, "acquired at " + (started + waited) + ", before the window's end " + end);
        assertTrue(waited < 2_000, "waited " + waited + " ms");
    }

    @Test
    void theInMemoryBudgetOfTheCommandLineCheckCountsAndBlocksToo() {
        TestClock clock = new TestClock();
        RateBudget budget = RateBudget.inMemory(clock, 2);
        assertEquals(0, budget.tryAcquire("acme"));
        assertEquals(0, budget.tryAcquire("acme"));
        assertEquals(30_000, budget.tryAcquire("acme"));
        clock.millis.addAndGet(30_000);
        budget.observe("acme", 1, 0, null);
        assertEquals(0, budget.tryAcquire("acme"));
        assertEquals(30_000, budget.tryAcquire("acme"), "the announced limit of 1 holds");
        clock.millis.addAndGet(30_000);
        budget.block("acme", clock.instant().plusSeconds(7));
        assertEquals(7_000, budget.tryAcquire("acme"));
    }
}
