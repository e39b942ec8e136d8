package dev.trellis.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.hub.Browser;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.Rows;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.PartnerApp;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.sandbox.Scopes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The operations console as ops use it, in a real headless Chromium against a hub (with an API token) and the sandbox:
 * sign in, connect a tenant through the form (a bad secret first, then the good one), watch its streams fill, Sync
 * now, pause and resume, open a dead letter and replay it, discard another, see an outbox item delivered. Screenshots
 * of every page at 1280 px and 390 px go to target/console-screenshots/.
 */
class ConsoleBrowserTest {
    private static final String TOKEN = "console-test-token-5b1e9c3d7a";
    private static final String LEAKED = "leaked-bearer-9f8e7d6c5b";
    private static final Path SHOTS = Path.of("target/console-screenshots");

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    static DataSource db;
    static PartnerApp app;
    Browser browser;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(42).candidates(60).rateLimit(0).build());
        System.setProperty("TRELLIS_API_TOKEN", TOKEN);
        home = new TestHome(dir).shippedStreamsUnscheduled()
                .property("trellis.greenhouse.rate-budget", "100000")
                .property("trellis.greenhouse.backoff-ms", "10")
                .property("trellis.greenhouse.max-backoff-ms", "50")
                .property("trellis.tenants.refresh-seconds", "1")
                .property("trellis.ingestion.status-period-minutes", "0")
                .property("trellis.ingestion.jobs-period-minutes", "0")
                // a route that fails while the test says so: its messages become dead letters to replay
                .route("flaky.camel.yaml", """
                        - route:
                            id: flaky
                            from:
                              uri: direct:flaky
                              steps:
                                - choice:
                                    when:
                                      - simple: "${sys.console-test-flaky} == 'fail'"
                                        steps:
                                          - throwException:
                                              exceptionType: java.lang.IllegalStateException
                                              message: "the downstream system refused it: try again later"
                        """);
        // a partner app: the Connect form offers "Connect with Greenhouse", and the consent comes back to the console
        app = sandbox.createPartnerApp(home.apiUrl() + "/connect/greenhouse/callback", Scopes.partnerAll());
        System.setProperty("CONSOLE_PARTNER_SECRET", app.clientSecret());
        home.property("trellis.partner.client-id", app.clientId())
                .property("trellis.partner.client-secret", "env:CONSOLE_PARTNER_SECRET")
                .property("trellis.partner.redirect-uri", home.apiUrl() + "/connect/greenhouse/callback")
                .property("trellis.partner.authorize-url", sandbox.baseUrl() + "/authorize")
                .property("trellis.partner.token-url", sandbox.baseUrl() + "/token")
                .property("trellis.partner.harvest-url", sandbox.baseUrl())
                .property("trellis.partner.return-to", home.apiUrl());
        hub = home.start();
        db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    @AfterAll
    static void stop() throws Exception {
        System.clearProperty("TRELLIS_API_TOKEN");
        System.clearProperty("console-test-flaky");
        System.clearProperty("CONSOLE_PARTNER_SECRET");
        if (hub != null) {
            hub.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void opsConnectWatchAndFixThroughTheConsole() throws Exception {
        try (Browser started = Browser.start()) {
            browser = started;
            WebDriver page = browser.driver();
            browser.size(1280, 1000);

            // ---------------------------------------------------------- sign in, once, with the API token
            page.get(home.apiUrl() + "/console");
            WebElement token = browser.await(d -> visible(d, By.id("token")));
            assertEquals("API token", page.findElement(By.cssSelector("label[for='token']")).getText());
            shoot(page, "login");
            token.sendKeys("not-the-token");
            page.findElement(By.id("sign-in")).click();
            String refused = browser.await(d -> text(d, By.cssSelector(".login [role=alert] .alert")));
            assertTrue(refused.contains("not this hub's API token"), refused);
            token.clear();
            token.sendKeys(TOKEN);
            page.findElement(By.id("sign-in")).click();
            browser.await(d -> visible(d, By.id("open-connect")));
            Cookie cookie = page.manage().getCookieNamed("trellis_console");
            assertNotNull(cookie, "the sign-in cookie");
            assertTrue(cookie.isHttpOnly(), "HttpOnly: scripts cannot read the session");
            assertEquals("Strict", cookie.getSameSite());
            assertFalse(cookie.getValue().contains(TOKEN) || page.getCurrentUrl().contains(TOKEN), "no token in URL or cookie");
            assertEquals(401, HttpCalls.get(home.apiUrl() + "/api/tenants", "Cookie", "trellis_console=" + cookie.getValue())
                    .status(), "the cookie alone (no console header, as a cross-site form would send) is refused");

            // ---------------------------------------------------------- connect: a bad secret first, then the good one
            SandboxCredentials c = sandbox.credentials();
            page.findElement(By.id("open-connect")).click();
            type(page, "conn-id", "acme");
            type(page, "conn-name", "Acme Corp");
            type(page, "h-client-id", c.clientId());
            type(page, "h-client-secret", "wrong-secret-0000000000000000");
            type(page, "h-user-id", String.valueOf(c.siteAdminUserId()));
            page.findElement(By.cssSelector("#harvest-advanced summary")).click();
            type(page, "h-base-url", c.baseUrl());
            type(page, "h-token-url", c.tokenUrl());
            page.findElement(By.id("check-connection")).click();
            WebElement verdict = browser.await(d -> visible(d, By.cssSelector("#check-verdict")));
            assertTrue(verdict.getAttribute("class").contains("bad"), verdict.getText());
            assertTrue(verdict.getText().startsWith("Not usable"), verdict.getText());
            assertFalse(page.findElement(By.id("save-connection")).isEnabled(), "nothing to save");
            shoot(page, "connect-refused");

            page.findElement(By.id("h-client-secret")).clear();
            type(page, "h-client-secret", c.clientSecret());
            page.findElement(By.id("check-connection")).click();
            browser.await(d -> d.findElement(By.id("save-connection")).isEnabled());
            assertTrue(page.findElement(By.id("check-verdict")).getText().startsWith("Usable"),
                    page.findElement(By.id("check-verdict")).getText());
            assertTrue(page.findElements(By.cssSelector("#check-result tbody tr")).size() > 5, "the check's table");
            shoot(page, "connect-usable");
            page.findElement(By.id("save-connection")).click();
            browser.await(d -> d.getCurrentUrl().endsWith("#/tenants/acme"));

            // ---------------------------------------------------------- its streams fill
            browser.await(d -> !d.findElements(By.cssSelector("#streams tr[data-stream='candidates'] .badge.done")).isEmpty());
            assertTrue(Rows.count(db, "select count(*) from gh_candidates where tenant = 'acme'") > 0);
            shoot(page, "tenant");

            // ---------------------------------------------------------- Sync now
            long runsBefore = Rows.count(db, "select count(*) from sync_run where tenant = 'acme' and stream = 'candidates'");
            page.findElement(By.cssSelector("button[data-action='sync'][data-stream='candidates']")).click();
            browser.await(d -> contains(d, By.cssSelector("#toasts .toast"), "candidates"));
            awaitCount("select count(*) from sync_run where tenant = 'acme' and stream = 'candidates' and status = 'done'",
                    runsBefore + 1);
            page.findElement(By.cssSelector("button[data-action='runs'][data-stream='candidates']")).click();
            browser.await(d -> d.findElements(By.cssSelector("#runs-dialog tbody tr")).size() >= 2);
            page.findElement(By.xpath("//dialog[@id='runs-dialog']//button[normalize-space()='Close']")).click();

            // ---------------------------------------------------------- pause and resume
            page.findElement(By.id("pause")).click();
            page.findElement(By.xpath("//dialog[@id='confirm']//button[normalize-space()='Pause']")).click();
            browser.await(d -> visible(d, By.id("resume")));
            assertEquals("paused", status("acme"));
            assertTrue(page.findElement(By.cssSelector("#tenant-head h1")).getText().contains("paused"));
            page.findElement(By.id("resume")).click();
            browser.await(d -> visible(d, By.id("pause")));
            assertEquals("active", status("acme"));

            // ---------------------------------------------------------- an outbox item delivered
            long candidate = Rows.count(db, "select min(id) from gh_candidates where tenant = 'acme'");
            HttpCalls.Answer note = HttpCalls.json("POST", home.apiUrl() + "/api/tenants/acme/notes",
                    "{\"candidate_id\": " + candidate + ", \"body\": \"Called: available Wednesday\"}",
                    "Authorization", "Bearer " + TOKEN);
            assertEquals(202, note.status(), note.body());
            long item = note.json().get("id").asLong();
            page.findElement(By.linkText("Outbox")).click();
            browser.await(d -> !d.findElements(By.cssSelector("#outbox-items tr[data-item='" + item + "'][data-status='delivered']")).isEmpty());
            shoot(page, "outbox");

            // ---------------------------------------------------------- the change feed's tail shows the note
            page.findElement(By.linkText("Changes")).click();
            type(page, "ch-stream", "notes");
            browser.await(d -> contains(d, By.id("changes-list"), "write-back"));
            assertTrue(page.findElement(By.id("changes-list")).getText().contains("create"));
            shoot(page, "changes");

            // ---------------------------------------------------------- dead letters: replay one, discard another
            System.setProperty("console-test-flaky", "fail");
            ProducerTemplate producer = hub.context().createProducerTemplate();
            for (String n : List.of("1", "2")) {
                try {
                    producer.sendBodyAndHeaders("direct:flaky", "{\"order\": " + n + "}",
                            Map.of("TrellisTenant", "acme", "Authorization", "Bearer " + LEAKED));
                } catch (RuntimeException expected) {
                    // the error channel filed it
                }
            }
            awaitCount("select count(*) from dead_letter where route_id = 'flaky' and status = 'open'", 2);
            System.setProperty("console-test-flaky", "ok");
            page.findElement(By.linkText("Dead letters")).click();
            browser.await(d -> d.findElements(By.cssSelector("#dead-letters tr[data-status='open']")).size() >= 2);
            shoot(page, "dead-letters");
            List<WebElement> open = page.findElements(By.cssSelector("#dead-letters tr[data-status='open'] button[data-open]"));
            String first = open.get(0).getAttribute("data-open");
            String second = open.get(1).getAttribute("data-open");
            open.get(0).click();
            String error = browser.await(d -> text(d, By.id("dl-error")));
            assertTrue(error.contains("the downstream system refused it"), error);
            String shown = page.findElement(By.id("dl-dialog")).getText();
            assertFalse(shown.contains(LEAKED), "the bearer header is shown masked: " + shown);
            assertTrue(shown.contains("Authorization"), shown);
            shoot(page, "dead-letter");
            page.findElement(By.xpath("//dialog[@id='dl-dialog']//button[normalize-space()='Replay']")).click();
            String replayed = browser.await(d -> text(d, By.id("replay-ok")));
            assertTrue(replayed.startsWith("Replayed"), replayed);
            assertEquals(1, Rows.count(db, "select count(*) from dead_letter where id = " + first + " and status = 'replayed'"));
            page.findElement(By.xpath("//dialog[@id='dl-dialog']//button[normalize-space()='Close']")).click();

            browser.await(d -> visible(d, By.cssSelector("button[data-open='" + second + "']"))).click();
            browser.await(d -> text(d, By.id("dl-error")));
            page.findElement(By.xpath("//dialog[@id='dl-dialog']//button[normalize-space()='Discard']")).click();
            browser.await(d -> contains(d, By.cssSelector("#dl-dialog .alert.ok"), "Discarded"));
            assertEquals(1, Rows.count(db, "select count(*) from dead_letter where id = " + second + " and status = 'discarded'"));
            page.findElement(By.xpath("//dialog[@id='dl-dialog']//button[normalize-space()='Close']")).click();
            // the list follows by itself: no open letter of the flaky route is left
            browser.await(d -> d.findElements(By.cssSelector("#dead-letters tr[data-status='open']")).isEmpty());

            // ---------------------------------------------------------- Connect with Greenhouse (the partner app)
            page.get(home.apiUrl() + "/console/#/connect");
            browser.await(d -> visible(d, By.id("kind-partner"))).click();
            type(page, "conn-id", "globex");
            page.findElement(By.id("check-connection")).click(); // "Continue in Greenhouse", signed in by the cookie
            browser.await(d -> d.getCurrentUrl().startsWith(sandbox.baseUrl() + "/authorize") ? true : null);
            Select user = new Select(page.findElement(By.id("user_id")));
            user.selectByVisibleText(user.getOptions().stream().map(WebElement::getText)
                    .filter(t -> t.endsWith("Site Admin")).findFirst().orElseThrow());
            page.findElement(By.xpath("//button[normalize-space()='Approve']")).click();
            browser.await(d -> d.getCurrentUrl().equals(home.apiUrl() + "/console/#/tenants/globex"));
            browser.await(d -> contains(d, By.cssSelector("#tenant-head h1"), "active"));
            assertEquals("active", status("globex"));

            // ---------------------------------------------------------- every page at phone width
            browser.size(390, 844);
            for (String[] p : new String[][] {{"#/connections", "connections", "a.tenant-link"},
                    {"#/tenants/acme", "tenant", "#streams tr[data-stream]"},
                    {"#/dead-letters?status=all", "dead-letters", "#dead-letters tbody tr"},
                    {"#/outbox", "outbox", "#outbox-items tr[data-item]"},
                    {"#/changes", "changes", "#changes-list tbody tr"}}) {
                page.get(home.apiUrl() + "/console/" + p[0]);
                browser.await(d -> !d.findElements(By.cssSelector(p[2])).isEmpty());
                ((org.openqa.selenium.JavascriptExecutor) page).executeScript(
                        "document.getElementById('toasts').replaceChildren()");
                Object overflow = ((org.openqa.selenium.JavascriptExecutor) page).executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
                assertEquals(0L, ((Number) overflow).longValue(), p[1] + " fits 390 px without sideways scrolling");
                shoot(page, p[1] + "-390");
            }
            browser.size(1280, 1000);
            page.get(home.apiUrl() + "/console/#/connections");
            browser.await(d -> visible(d, By.cssSelector("a.tenant-link")));
            browser.await(d -> !d.findElements(By.cssSelector("#tenants .badge.running, #tenants .badge.info")).isEmpty()
                    || text(d, By.id("tenants")).contains("behind"));
            shoot(page, "connections");
        }
        dashboardMetricsExist();
    }

    /** Every metric the Grafana dashboard queries is one this hub exports, now that it has synced, delivered, failed. */
    private static void dashboardMetricsExist() throws Exception {
        String dashboard = Files.readString(Path.of("docker/grafana/dashboards/trellis.json"));
        String metrics = HttpCalls.get(home.managementUrl() + "/observe/metrics").body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b((?:trellis|camel|jvm|process)_[a-z_]+)\\b")
                .matcher(dashboard);
        java.util.Set<String> missing = new java.util.TreeSet<>();
        int seen = 0;
        while (m.find()) {
            seen++;
            if (!java.util.regex.Pattern.compile("(?m)^" + m.group(1) + "[{ ]").matcher(metrics).find()) {
                missing.add(m.group(1));
            }
        }
        assertTrue(seen > 20, "the dashboard's queries were read");
        assertEquals(java.util.Set.of(), missing, "metrics the dashboard queries that /observe/metrics lacks");
    }

    private static String status(String tenant) throws Exception {
        return HttpCalls.get(home.apiUrl() + "/api/tenants/" + tenant, "Authorization", "Bearer " + TOKEN).json()
                .get("status").asText();
    }

    private static void awaitCount(String sql, long atLeast) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        long n;
        while ((n = Rows.count(db, sql)) < atLeast) {
            assertTrue(System.nanoTime() < deadline, sql + ": " + n + " < " + atLeast + " after 20 s");
            Thread.sleep(50);
        }
    }

    private static void type(WebDriver page, String id, String text) {
        page.findElement(By.id(id)).sendKeys(text);
    }

    private static WebElement visible(WebDriver d, By by) {
        List<WebElement> found = d.findElements(by);
        return !found.isEmpty() && found.get(0).isDisplayed() ? found.get(0) : null;
    }

    private static String text(WebDriver d, By by) {
        List<WebElement> found = d.findElements(by);
        return found.isEmpty() || found.get(0).getText().isBlank() ? null : found.get(0).getText();
    }

    private static boolean contains(WebDriver d, By by, String part) {
        String t = text(d, by);
        return t != null && t.contains(part);
    }

    private void shoot(WebDriver page, String name) {
        browser.screenshot(SHOTS.resolve(name + ".png"));
    }
}
