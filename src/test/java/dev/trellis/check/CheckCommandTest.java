package dev.trellis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.ClientCredentials;
import dev.trellis.sandbox.Resource;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import dev.trellis.sandbox.Scopes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code trellis check} against the sandbox, one tenant per case: all good, credentials missing chosen scopes, a
 * non-admin sub, a sub that is not an active user, a wrong secret, bad partner e-mails, a wrong board token, webhooks
 * without a secret. Each gives its table, exit code and fix; nothing is ever written.
 */
class CheckCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MISSING_SCOPE = "harvest:offers:list";

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static SandboxCredentials c;
    static TestHome home;
    static Map<Resource, Long> countsBefore;

    /** The output and exit code of one run. */
    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxSettings.builder().seed(7).candidates(200).rateLimit(0).build());
        c = sandbox.credentials();
        ClientCredentials partial = sandbox.createClient(Scopes.allExcept(Scopes.NOTES_CREATE,
                Scopes.INTERVIEWS_DESTROY, MISSING_SCOPE));
        System.setProperty("CHECK_TEST_SECRET", c.clientSecret());
        System.setProperty("CHECK_TEST_PARTIAL_SECRET", partial.clientSecret());
        System.setProperty("CHECK_TEST_WRONG_SECRET", "not-the-secret-" + c.clientSecret().substring(0, 6));
        System.setProperty("CHECK_TEST_PARTNER_KEY", c.partnerApiKey());
        System.setProperty("CHECK_TEST_WEBHOOK_SECRET", c.webhookSecret());
        home = new TestHome(dir)
                .tenant("good", harvest(c.clientId(), "CHECK_TEST_SECRET", c.siteAdminUserId()) + """
                        ingestion.base-url = %s
                        ingestion.api-key = env:CHECK_TEST_PARTNER_KEY
                        ingestion.user-email = %s
                        job-board.base-url = %s
                        job-board.token = %s
                        webhooks.secret = env:CHECK_TEST_WEBHOOK_SECRET
                        """.formatted(c.baseUrl(), c.partnerUserEmail(), c.baseUrl(), c.jobBoardToken()))
                .tenant("scopes", harvest(partial.clientId(), "CHECK_TEST_PARTIAL_SECRET", c.siteAdminUserId()))
                .tenant("nonadmin", harvest(c.clientId(), "CHECK_TEST_SECRET", c.nonAdminUserId()))
                .tenant("inactive", harvest(c.clientId(), "CHECK_TEST_SECRET", 100006))
                .tenant("secret", harvest(c.clientId(), "CHECK_TEST_WRONG_SECRET", c.siteAdminUserId()))
                .tenant("partner", partner("nobody@sandbox.example.com") + """
                        job-board.base-url = %s
                        job-board.token = no-such-board
                        """.formatted(c.baseUrl()))
                .tenant("basic", partner(c.basicUserEmail()))
                .tenant("deactivated", partner(c.deactivatedUserEmail()) + "webhooks.secret = env:CHECK_TEST_WEBHOOK_SECRET\n")
                .tenant("hooks", "job-board.base-url = %s\njob-board.token = %s\n".formatted(c.baseUrl(), c.jobBoardToken()));
        Files.copy(Path.of("routes/streams.camel.yaml"), dir.resolve("routes/streams.camel.yaml"));
        countsBefore = counts();
    }

    static String harvest(String clientId, String secretVariable, long sub) {
        return """
                harvest.base-url = %s
                harvest.token-url = %s
                harvest.client-id = %s
                harvest.client-secret = env:%s
                harvest.user-id = %d
                """.formatted(c.baseUrl(), c.tokenUrl(), clientId, secretVariable, sub);
    }

    static String partner(String email) {
        return """
                ingestion.base-url = %s
                ingestion.api-key = env:CHECK_TEST_PARTNER_KEY
                ingestion.user-email = %s
                """.formatted(c.baseUrl(), email);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static Run check(String... args) {
        // a check reads every stream's resource once (54): more than one window of the default budget
        List<String> all = new ArrayList<>(List.of("--home", dir.toString(), "-P",
                "trellis.check.webhook-tenants=hooks", "-P", "trellis.greenhouse.rate-budget=100000"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CheckCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    static Map<Resource, Long> counts() {
        Map<Resource, Long> m = new EnumMap<>(Resource.class);
        for (Resource r : Resource.values()) {
            m.put(r, sandbox.state().count(r));
        }
        return m;
    }

    static JsonNode row(JsonNode tenant, String feature, String permission) {
        for (JsonNode r : tenant.get("rows")) {
            if (r.get("feature").asText().equals(feature) && r.get("permission").asText().equals(permission)) {
                return r;
            }
        }
        throw new AssertionError("no row " + feature + " " + permission + " in " + tenant);
    }

    static String status(JsonNode tenant, String feature, String permission) {
        return row(tenant, feature, permission).get("status").asText();
    }

    static JsonNode tenant(JsonNode all, String id) {
        for (JsonNode t : all.get("tenants")) {
            if (t.get("tenant").asText().equals(id)) {
                return t;
            }
        }
        throw new AssertionError("no tenant " + id);
    }

    static String fix(JsonNode tenant) {
        StringBuilder s = new StringBuilder();
        tenant.get("fix").forEach(f -> s.append(f.asText()).append('\n'));
        return s.toString();
    }

    @Test
    void ingestionConnectChecksOnlyTheIngestionStep() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new dev.trellis.Trellis());
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("ingestion", "connect", "--home", dir.toString(), "--tenant", "good"), out.toString());
        assertTrue(out.toString().contains("ingestion"), out.toString());
        assertFalse(out.toString().contains("harvest:"), "only the ingestion step: " + out);
        StringWriter bad = new StringWriter();
        CommandLine again = new CommandLine(new dev.trellis.Trellis());
        again.setOut(new PrintWriter(bad));
        assertEquals(2, again.execute("ingestion", "connect", "--home", dir.toString(), "--tenant", "partner"), bad.toString());
        assertTrue(bad.toString().contains("nobody@sandbox.example.com"), "names the e-mail that is wrong: " + bad);
        assertFalse(bad.toString().contains(c.partnerApiKey()), "the key is never printed");
    }

    @Test
    void everyCaseGivesItsTableExitCodeAndFixAndNothingIsWritten() throws Exception {
        sandbox.resetRequestCounts();
        Run run = check("--json");
        assertEquals(2, run.exit(), run.err() + run.out());
        JsonNode all = run.json();
        assertFalse(all.get("usable").asBoolean());

        // all good: every step and every enabled feature's permission, no fix
        JsonNode good = tenant(all, "good");
        assertTrue(good.get("usable").asBoolean(), good.toPrettyString());
        assertEquals(0, good.get("fix").size());
        assertEquals("ok", status(good, "credentials", "client-credentials"));
        assertEquals("ok", status(good, "credentials", "site-admin-user"));
        assertEquals("ok", status(good, "sync:applications", "harvest:applications:list"));
        assertEquals("GET: List Applications", row(good, "sync:applications", "harvest:applications:list")
                .get("harvestPermission").asText());
        assertEquals("POST: Add Email", row(good, "emails", "harvest:notes:create").get("harvestPermission").asText());
        assertEquals("ok", status(good, "interviews", "harvest:interviews:destroy"));
        assertEquals("ok", status(good, "ingestion", "ingestion:candidates.create"));
        assertEquals("ok", status(good, "job-board", "job-board:token"));
        assertEquals("ok", status(good, "webhooks", "webhooks:secret"));
        assertEquals(54 + 1 + 1 + 3, good.get("rows").findValues("step").stream().filter(s -> s.asInt() == 3).count(),
                "one row per stream, notes, e-mails and three interview scopes");

        // credentials missing chosen scopes: those rows, the streams and writes they stop, and which boxes to tick
        JsonNode scopes = tenant(all, "scopes");
        assertEquals("missing", status(scopes, "sync:offers", MISSING_SCOPE));
        assertEquals("missing", status(scopes, "notes", Scopes.NOTES_CREATE));
        assertEquals("missing", status(scopes, "emails", Scopes.NOTES_CREATE));
        assertEquals("missing", status(scopes, "interviews", Scopes.INTERVIEWS_DESTROY));
        assertEquals("ok", status(scopes, "interviews", Scopes.INTERVIEWS_CREATE));
        assertEquals("ok", status(scopes, "sync:candidates", "harvest:candidates:list"));
        assertEquals("ok", status(scopes, "credentials", "site-admin-user"));
        assertEquals(4, scopes.get("rows").findValuesAsText("status").stream().filter("missing"::equals).count());
        String scopesFix = fix(scopes);
        assertTrue(scopesFix.contains("Configure > Dev Center > API Credential Management"), scopesFix);
        assertTrue(scopesFix.contains("Harvest V3 (OAuth)"), scopesFix);
        assertTrue(scopesFix.contains("harvest:notes:create (was POST: Add Note / POST: Add Email)"), scopesFix);
        assertTrue(scopesFix.contains("harvest:interviews:destroy (was DELETE: Delete Scheduled Interview)"), scopesFix);
        assertTrue(scopesFix.contains("harvest:offers:list (was GET: List Offers)"), scopesFix);
        assertTrue(row(scopes, "sync:offers", MISSING_SCOPE).get("impact").asText().contains("gh_offers"));

        // a sub that is not a Site Admin: list reads are blocked, writes are not
        JsonNode nonadmin = tenant(all, "nonadmin");
        assertEquals("missing", status(nonadmin, "credentials", "site-admin-user"));
        assertEquals("blocked", status(nonadmin, "sync:candidates", "harvest:candidates:list"));
        assertEquals("ok", status(nonadmin, "notes", Scopes.NOTES_CREATE));
        assertTrue(fix(nonadmin).contains("harvest.user-id = " + c.nonAdminUserId()), fix(nonadmin));
        assertTrue(fix(nonadmin).contains("Site Admin"), fix(nonadmin));

        // a sub that is not an active user
        JsonNode inactive = tenant(all, "inactive");
        assertEquals("missing", status(inactive, "credentials", "site-admin-user"));
        assertTrue(row(inactive, "credentials", "site-admin-user").get("detail").asText().contains("not an active"));
        assertEquals("blocked", status(inactive, "notes", Scopes.NOTES_CREATE));

        // a wrong secret: step 1 says so, everything Harvest is blocked, the secret is never shown
        JsonNode secret = tenant(all, "secret");
        assertEquals("missing", status(secret, "credentials", "client-credentials"));
        assertEquals("blocked", status(secret, "sync:applications", "harvest:applications:list"));
        assertTrue(fix(secret).contains("client id '" + c.clientId() + "'"), fix(secret));
        assertTrue(fix(secret).contains("harvest.client-secret"), fix(secret));

        // Candidate Ingestion: an e-mail that is no user, a Basic user, a deactivated user; a wrong board token
        JsonNode partner = tenant(all, "partner");
        assertEquals("missing", status(partner, "ingestion", "ingestion:credentials"));
        assertTrue(row(partner, "ingestion", "ingestion:credentials").get("detail").asText()
                .contains("is not a Greenhouse user"), partner.toPrettyString());
        assertTrue(fix(partner).contains("ingestion.user-email = nobody@sandbox.example.com"), fix(partner));
        assertEquals("missing", status(partner, "job-board", "job-board:token"));
        assertTrue(fix(partner).contains("job-board.token = no-such-board"), fix(partner));
        JsonNode basic = tenant(all, "basic");
        assertEquals("ok", status(basic, "ingestion", "ingestion:credentials"));
        assertEquals("missing", status(basic, "ingestion", "ingestion:candidates.view"));
        assertEquals("ok", status(basic, "ingestion", "ingestion:jobs.view"));
        assertTrue(fix(basic).contains("Job Admin"), fix(basic));
        JsonNode deactivated = tenant(all, "deactivated");
        assertEquals("missing", status(deactivated, "ingestion", "ingestion:credentials"));
        assertTrue(fix(deactivated).contains("deactivated"), fix(deactivated));
        assertEquals("ok", status(deactivated, "webhooks", "webhooks:secret"), "a configured secret enables webhooks");

        // webhooks enabled (trellis.check.webhook-tenants) without a secret
        JsonNode hooks = tenant(all, "hooks");
        assertEquals("missing", status(hooks, "webhooks", "webhooks:secret"));
        assertTrue(fix(hooks).contains("webhooks.secret"), fix(hooks));

        // no write happened: only refused writes, and the organisation is unchanged
        for (Map.Entry<String, Long> e : sandbox.state().requestCounts().entrySet()) {
            String key = e.getKey();
            if (!key.startsWith("GET ") && !key.startsWith("POST /token ")) {
                assertFalse(key.matches(".* 2\\d\\d.*"), "a write went through: " + key);
            }
        }
        assertTrue(sandbox.state().requests("POST /v3/notes 422") > 0, sandbox.state().requestCounts().toString());
        assertTrue(sandbox.state().requests("POST /v3/notes 403") > 0, sandbox.state().requestCounts().toString());
        assertEquals(countsBefore, counts());

        // no secret anywhere in the output
        for (String s : List.of(c.clientSecret(), System.getProperty("CHECK_TEST_WRONG_SECRET"), c.partnerApiKey(),
                c.webhookSecret(), System.getProperty("CHECK_TEST_PARTIAL_SECRET"))) {
            assertFalse(run.out().contains(s), "secret printed");
        }
    }

    @Test
    void oneTenantAsATableWithTheFixSpelledOut() {
        Run ok = check("--tenant", "good");
        assertEquals(0, ok.exit(), ok.err() + ok.out());
        assertTrue(ok.out().startsWith("Tenant good: everything enabled is usable"), ok.out());
        assertTrue(ok.out().contains("sync:applications"), ok.out());
        assertFalse(ok.out().contains("How to fix"), ok.out());

        Run missing = check("--tenant", "scopes");
        assertEquals(2, missing.exit(), missing.out());
        assertTrue(missing.out().contains("Tenant scopes: 4 problem(s)"), missing.out());
        assertTrue(missing.out().matches("(?s).*notes\\s+harvest:notes:create\\s+POST: Add Note\\s+MISSING.*"),
                missing.out());
        assertTrue(missing.out().contains("How to fix:"), missing.out());
        assertTrue(missing.out().contains("tick these scopes"), missing.out());

        Run unknown = check("--tenant", "nope");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("Unknown tenant 'nope'"), unknown.err());
    }

    @Test
    void disabledFeaturesAreNotChecked() throws Exception {
        Run run = check("--tenant", "scopes", "--json", "-P",
                "trellis.check.disabled-features=notes,emails,scopes/interviews,sync:off*");
        assertEquals(0, run.exit(), run.out());
        JsonNode t = run.json().get("tenants").get(0);
        assertTrue(t.get("rows").findValuesAsText("feature").stream().noneMatch(f -> f.equals("notes")
                || f.equals("interviews") || f.equals("sync:offers")), t.toPrettyString());
        assertTrue(t.get("rows").findValuesAsText("feature").contains("sync:candidates"));

        // only list reads need a Site Admin: without streams a non-admin sub is fine for writing
        Run writesOnly = check("--tenant", "nonadmin", "--json", "-P", "trellis.check.disabled-features=sync:*");
        assertEquals(0, writesOnly.exit(), writesOnly.out());
    }

    @Test
    void aMistypedStreamParameterIsRefusedWithItsName() throws Exception {
        Path typo = dir.resolve("routes/typo.camel.yaml");
        Files.writeString(typo, """
                - templatedRoute:
                    routeTemplateRef: harvest-stream
                    routeId: stream-typo
                    parameters:
                      - {name: stream, value: "offices"}
                      - {name: schedule, value: "0 0 3 * * ?"}
                      - {name: perpage, value: "100"}
                """);
        try {
            Run run = check("--tenant", "good");
            assertEquals(1, run.exit(), run.out() + run.err());
            assertTrue(run.err().contains("typo.camel.yaml") && run.err().contains(
                    "Stream 'offices': unknown template parameter 'perpage' (did you mean 'perPage'?)"), run.err());
        } finally {
            Files.delete(typo);
        }
    }
}
