package dev.trellis.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.trellis.hub.Browser;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.Rows;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.PartnerApp;
import dev.trellis.sandbox.PartnerGrant;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.sandbox.Scopes;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * "Connect with Greenhouse" as a customer does it, in a real headless Chromium: the hub's start URL, the sandbox's
 * consent page (its scopes, its labelled fields), Approve or Deny, the callback on the hub, and the vendor's page it
 * returns to; then what the hub holds and syncs. The vendor's page is a local server that echoes its query.
 */
class PartnerBrowserTest {
    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static TestHome home;
    static Hub hub;
    static DataSource db;
    static PartnerApp app;
    static HttpServer vendor;
    static String vendorPage;
    Browser browser;

    @BeforeAll
    static void start() throws Exception {
        vendor = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        vendor.createContext("/connected", exchange -> {
            String query = String.valueOf(exchange.getRequestURI().getRawQuery());
            byte[] page = ("<!doctype html><html lang=\"en\"><head><title>Vendor</title></head><body><pre id=\"query\">"
                    + query.replace("&", "&amp;").replace("<", "&lt;") + "</pre></body></html>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        vendor.start();
        String vendorOrigin = "http://127.0.0.1:" + vendor.getAddress().getPort();
        vendorPage = vendorOrigin + "/connected";

        // two organisations, so that the consent page asks which one and the test can see its choice arrive
        sandbox = Sandbox.start(SandboxSettings.builder().seed(13).orgs(2).candidates(40).rateLimit(0).build());
        home = new TestHome(dir).shippedStreamsUnscheduled();
        app = sandbox.createPartnerApp(home.apiUrl() + "/connect/greenhouse/callback", Scopes.partnerAll());
        PartnerHome.harvest(home, sandbox, app, "PARTNER_BROWSER_SECRET", vendorOrigin);
        hub = home.start();
        db = hub.context().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
        if (vendor != null) {
            vendor.stop(0);
        }
    }

    @BeforeEach
    void openBrowser() {
        browser = Browser.start();
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void aCustomerApprovesInTheBrowserAndTheTenantSyncs() throws Exception {
        WebDriver page = browser.driver();
        page.get(connectUrl("acme"));
        consentPageIsShown(page);

        new Select(page.findElement(By.id("org"))).selectByVisibleText("Organisation 1");
        Select user = new Select(page.findElement(By.id("user_id")));
        user.selectByVisibleText(user.getOptions().stream().map(WebElement::getText)
                .filter(t -> t.endsWith("Site Admin")).findFirst().orElseThrow(() -> new AssertionError(
                        "no Site Admin to authorize as: " + page.getPageSource())));
        page.findElement(By.xpath("//button[normalize-space()='Approve']")).click();

        String back = browser.await(d -> d.getCurrentUrl().startsWith(vendorPage) ? d.getCurrentUrl() : null);
        assertEquals(vendorPage + "?tenant=acme&status=active", back, browser.versions());
        assertEquals("tenant=acme&status=active", page.findElement(By.id("query")).getText());

        JsonNode tenant = HttpCalls.json("GET", home.apiUrl() + "/api/tenants/acme", null).json();
        assertEquals("active", tenant.get("status").asText(), tenant.toString());
        assertEquals("authorization_code", tenant.get("harvest").get("grant").asText(), tenant.toString());
        // the organisation and user chosen on the page are the ones Greenhouse granted
        List<PartnerGrant> grants = sandbox.partnerGrants();
        assertEquals(1, grants.size(), grants.toString());
        assertEquals(1, grants.get(0).org(), grants.toString());
        assertEquals(sandbox.credentials().siteAdminUserId(), grants.get(0).userId(), grants.toString());
        // its streams were started by the callback: rows arrive without anything else asking
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (count("select count(*) from gh_candidates where tenant = 'acme'") == 0) {
            assertTrue(System.nanoTime() < deadline, "no gh_candidates rows for acme within 20 s");
            Thread.sleep(100);
        }
    }

    @Test
    void aCustomerDeniesInTheBrowserAndNothingIsStored() throws Exception {
        WebDriver page = browser.driver();
        page.get(connectUrl("refuser"));
        consentPageIsShown(page);
        page.findElement(By.xpath("//button[normalize-space()='Deny']")).click();

        String back = browser.await(d -> d.getCurrentUrl().startsWith(vendorPage) ? d.getCurrentUrl() : null);
        assertEquals(vendorPage + "?tenant=refuser&error=access_denied", back, browser.versions());
        assertEquals("tenant=refuser&error=access_denied", page.findElement(By.id("query")).getText());
        assertEquals(404, HttpCalls.json("GET", home.apiUrl() + "/api/tenants/refuser", null).status());
        assertEquals(0, count("select count(*) from tenant where id = 'refuser'"));
        assertEquals(0, count("select count(*) from partner_grant where tenant = 'refuser'"));
        assertEquals(0, count("select count(*) from tenant_secret where tenant = 'refuser'"));
    }

    /** The sandbox's consent page: the app's scopes listed, every form field with its label, both buttons. */
    private void consentPageIsShown(WebDriver page) {
        browser.await(d -> d.getCurrentUrl().startsWith(sandbox.baseUrl() + "/authorize") ? true : null);
        assertTrue(page.getTitle().startsWith("Authorize " + app.clientId()), page.getTitle());
        assertEquals("en", page.findElement(By.tagName("html")).getAttribute("lang"));
        TreeSet<String> listed = new TreeSet<>();
        page.findElements(By.cssSelector("#scopes li")).forEach(li -> listed.add(li.getText()));
        TreeSet<String> harvest = new TreeSet<>();
        app.scopes().stream().filter(s -> s.startsWith("harvest:")).forEach(harvest::add);
        assertEquals(harvest, listed, "the Harvest scopes the app asks for");
        for (String field : List.of("org", "user_id", "other_user_id")) {
            WebElement input = page.findElement(By.id(field));
            assertTrue(input.isDisplayed(), field + " visible");
            List<WebElement> labels = page.findElements(By.cssSelector("label[for='" + field + "']"));
            assertEquals(1, labels.size(), "one label for " + field);
            assertTrue(!labels.get(0).getText().isBlank(), "the label of " + field + " says something");
        }
        for (String button : List.of("Approve", "Deny")) {
            WebElement b = page.findElement(By.xpath("//button[normalize-space()='" + button + "']"));
            assertTrue(b.isDisplayed() && b.isEnabled(), button);
        }
    }

    private static String connectUrl(String tenant) {
        return home.apiUrl() + "/connect/greenhouse?tenant=" + tenant + "&return_to="
                + URLEncoder.encode(vendorPage, StandardCharsets.UTF_8);
    }

    private static long count(String sql) throws Exception {
        return Rows.count(db, sql);
    }
}
