package dev.trellis.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.hub.HttpCalls;
import dev.trellis.hub.Hub;
import dev.trellis.hub.TestHome;
import dev.trellis.sandbox.Sandbox;
import dev.trellis.sandbox.SandboxCredentials;
import dev.trellis.sandbox.SandboxSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keys that seal tenant secrets: the zero-setup key file; a new key with the previous one kept, {@code keys rotate}
 * re-sealing every value while a sync runs, then the previous key dropped; and an instance without the key, which
 * names the tenant and the key id and starts the others.
 */
class EncryptionKeysTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    @AfterEach
    void clearKeys() {
        System.clearProperty(KeyRing.CURRENT);
        System.clearProperty(KeyRing.PREVIOUS);
    }

    @Test
    void rotateToANewKeyWithoutDowntimeThenAnInstanceWithoutTheKeyHoldsOnlyThatTenant() throws Exception {
        try (Sandbox sandbox = Sandbox.start(SandboxSettings.builder().seed(5).candidates(600).rateLimit(0).build())) {
            TestHome home = new TestHome(dir).shippedStreamsUnscheduled().sandboxTenant("filed", sandbox)
                    .property("trellis.greenhouse.rate-budget", "100000");

            // no key configured: the zero-setup key file, readable by its owner only
            Hub hub = home.start();
            String keyA;
            try {
                Path keyFile = dir.resolve("data/encryption.key");
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
                keyA = Files.readString(keyFile).trim();
                HttpCalls.Answer created = HttpCalls.json("POST", home.apiUrl() + "/api/tenants", tenant(sandbox, "sealed"));
                assertEquals(201, created.status(), created.body());
                assertEquals(KeyRing.id(KeyRing.decode(keyA, "a")), keys(home).get("current").asText());
            } finally {
                hub.stop();
            }

            // a new key, the old one kept as previous: everything opens; rotate re-seals while a sync runs
            String keyB = KeyRing.newKey();
            System.setProperty(KeyRing.CURRENT, keyB);
            System.setProperty(KeyRing.PREVIOUS, keyA);
            hub = home.start();
            try {
                assertEquals("active", tenantStatus(home, "sealed"));
                JsonNode before = keys(home);
                assertEquals(3, before.get("secrets").get(KeyRing.id(KeyRing.decode(keyA, "a"))).asInt(), before.toString());
                assertEquals(202, HttpCalls.post(home.apiUrl() + "/api/streams/sealed/candidates/sync").status());
                JsonNode rotated = HttpCalls.json("POST", home.apiUrl() + "/api/keys/rotate", null).json();
                assertEquals(3, rotated.get("resealed").asInt(), rotated.toString());
                String idB = KeyRing.id(KeyRing.decode(keyB, "b"));
                assertEquals(1, rotated.get("secrets").size(), rotated.toString());
                assertEquals(3, rotated.get("secrets").get(idB).asInt(), rotated.toString());
                // the tenant still works, with the secrets read back through the new key
                JsonNode shown = HttpCalls.get(home.apiUrl() + "/api/tenants/sealed").json();
                assertTrue(shown.get("harvest").get("client_secret").asText().startsWith("…"), shown.toString());
            } finally {
                hub.stop();
            }

            // the previous key can go
            System.clearProperty(KeyRing.PREVIOUS);
            hub = home.start();
            try {
                assertEquals("active", tenantStatus(home, "sealed"));
                assertEquals(202, HttpCalls.post(home.apiUrl() + "/api/streams/sealed/candidates/sync").status());
            } finally {
                hub.stop();
            }

            // an instance with another key: that tenant is held with its key id named; the file tenant runs
            System.setProperty(KeyRing.CURRENT, KeyRing.newKey());
            hub = home.start();
            try {
                JsonNode sealed = HttpCalls.get(home.apiUrl() + "/api/tenants/sealed").json();
                assertTrue(sealed.get("problem").asText().contains("cannot be opened") || sealed.get("problem").asText()
                        .contains("does not have"), sealed.toString());
                JsonNode keys = keys(home);
                String problem = keys.get("unreadable").get("sealed").asText();
                assertTrue(problem.contains(KeyRing.id(KeyRing.decode(keyB, "b"))), problem);
                assertEquals(404, HttpCalls.post(home.apiUrl() + "/api/streams/sealed/candidates/sync").status(),
                        "a tenant whose secrets cannot be opened does not run");
                assertEquals(202, HttpCalls.post(home.apiUrl() + "/api/streams/filed/candidates/sync").status(),
                        "the others go on");
            } finally {
                hub.stop();
            }
        }
    }

    @Test
    void aKeyThatIsNotThirtyTwoBytesOfBase64StopsTheStartNamingTheVariable() {
        System.setProperty(KeyRing.CURRENT, "c2hvcnQ=");
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> new TestHome(dir).start().stop());
        String message = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : e.getCause().getMessage());
        assertTrue(message.contains("TRELLIS_ENCRYPTION_KEY") && message.contains("32 bytes"), message);
    }

    @Test
    void aValueSealedForOneTenantDoesNotOpenForAnother() throws Exception {
        SecretBox box = new SecretBox(new KeyRing(KeyRing.decode(KeyRing.newKey(), "k")));
        SecretBox.Sealed sealed = box.seal("acme", "s3cret-value");
        assertEquals("s3cret-value", box.open("acme", sealed));
        org.junit.jupiter.api.Assertions.assertThrows(SecretBox.Unreadable.class, () -> box.open("other", sealed));
        SecretBox.Sealed again = box.seal("acme", "s3cret-value");
        assertTrue(!java.util.Arrays.equals(sealed.nonce(), again.nonce()), "a fresh nonce per value");
    }

    private static String tenantStatus(TestHome home, String id) throws Exception {
        return HttpCalls.get(home.apiUrl() + "/api/tenants/" + id).json().get("status").asText();
    }

    private static JsonNode keys(TestHome home) throws Exception {
        return HttpCalls.get(home.apiUrl() + "/api/keys").json();
    }

    private static String tenant(Sandbox sandbox, String id) {
        SandboxCredentials c = sandbox.credentials();
        ObjectNode body = JSON.createObjectNode().put("id", id);
        body.putObject("harvest").put("client_id", c.clientId()).put("client_secret", c.clientSecret())
                .put("user_id", c.siteAdminUserId()).put("base_url", c.baseUrl()).put("token_url", c.tokenUrl());
        body.putObject("ingestion").put("api_key", c.partnerApiKey()).put("user_email", c.partnerUserEmail())
                .put("base_url", c.baseUrl());
        body.putObject("webhooks").put("secret", c.webhookSecret());
        return body.toString();
    }
}
