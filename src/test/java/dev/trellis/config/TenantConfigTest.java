package dev.trellis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.hub.TestHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tenant files: what is accepted, and that every refusal names the key and the file. */
class TenantConfigTest {
    @TempDir
    Path dir;

    private Path write(String id, String content) throws Exception {
        Files.createDirectories(dir);
        Path file = dir.resolve(id + ".properties");
        Files.writeString(file, content);
        return file;
    }

    private ConfigException refused(String id, String content) throws Exception {
        Path file = write(id, content);
        ConfigException e = assertThrows(ConfigException.class, () -> TenantLoader.load(dir));
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        Files.delete(file);
        return e;
    }

    @Test
    void aCompleteTenantLoadsWithSecretsFromEnvironmentAndFiles() throws Exception {
        System.setProperty("TCT_SECRET", "cs-from-env-123");
        Path keyFile = dir.resolve("ingestion.key");
        Files.createDirectories(dir);
        Files.writeString(keyFile, "pk-from-file-456\n");
        write("acme", """
                harvest.base-url = http://127.0.0.1:8089/
                harvest.token-url = http://127.0.0.1:8089/token
                harvest.client-id = acme-client
                harvest.client-secret = env:TCT_SECRET
                harvest.user-id = 4080010
                ingestion.api-key = file:%s
                ingestion.user-email = rita@acme.example
                job-board.token = acme
                """.formatted(keyFile));
        List<Tenant> tenants = TenantLoader.load(dir);
        assertEquals(1, tenants.size());
        Tenant acme = tenants.get(0);
        assertEquals("acme", acme.id());
        assertEquals("http://127.0.0.1:8089", acme.harvest().orElseThrow().baseUrl().toString());
        assertEquals("cs-from-env-123", acme.harvest().orElseThrow().clientSecret());
        assertEquals(4080010L, acme.harvest().orElseThrow().userId());
        assertEquals("pk-from-file-456", acme.ingestion().orElseThrow().apiKey());
        assertEquals("https://boards-api.greenhouse.io", acme.jobBoard().orElseThrow().baseUrl().toString());
        assertFalse(acme.toString().contains("cs-from-env-123"), "toString shows no secret: " + acme);
        assertFalse(acme.toString().contains("pk-from-file-456"), "toString shows no secret: " + acme);
    }

    @Test
    void refusalsNameTheKeyAndTheFile() throws Exception {
        assertTrue(refused("typo", "harvest.clientid = x\n").getMessage().contains("'harvest.clientid'"));
        assertTrue(refused("inline", """
                harvest.client-id = c
                harvest.client-secret = plain-text-secret
                harvest.user-id = 1
                """).getMessage().contains("'harvest.client-secret'"));
        ConfigException unset = refused("unset", """
                harvest.client-id = c
                harvest.client-secret = env:TCT_NOT_SET_ANYWHERE
                harvest.user-id = 1
                """);
        assertTrue(unset.getMessage().contains("'harvest.client-secret'") && unset.getMessage().contains("TCT_NOT_SET_ANYWHERE"));
        assertTrue(refused("partial", "harvest.client-id = c\n").getMessage().contains("'harvest.client-secret'"));
        System.setProperty("TCT_SECRET", "cs-from-env-123");
        assertTrue(refused("url", """
                harvest.base-url = ftp://nowhere
                harvest.client-id = c
                harvest.client-secret = env:TCT_SECRET
                harvest.user-id = 1
                """).getMessage().contains("'harvest.base-url'"));
        assertTrue(refused("user", """
                harvest.client-id = c
                harvest.client-secret = env:TCT_SECRET
                harvest.user-id = rita
                """).getMessage().contains("'harvest.user-id'"));
        assertTrue(refused("mail", """
                ingestion.api-key = env:TCT_SECRET
                ingestion.user-email = not-an-address
                """).getMessage().contains("'ingestion.user-email'"));
        assertTrue(refused("empty", "# nothing\n").getMessage().contains("configures no API"));
        assertTrue(refused("Bad_Id", "job-board.token = x\n").getMessage().contains("tenant id"));
    }

    @Test
    void aBadTenantStopsStartUpNamingKeyAndFile() {
        TestHome home = new TestHome(dir.resolve("home")).tenant("acme", "harvest.client-id = c\nharvest.secret = x\n");
        ConfigException e = assertThrows(ConfigException.class, home::start);
        assertTrue(e.getMessage().contains("'harvest.secret'"), e.getMessage());
        assertTrue(e.getMessage().contains("acme.properties"), e.getMessage());
    }

    @Test
    void aBadApplicationKeyStopsStartUpNamingIt() {
        TestHome home = new TestHome(dir.resolve("home2")).property("trellis.db.pool-size", "lots");
        ConfigException e = assertThrows(ConfigException.class, home::start);
        assertTrue(e.getMessage().contains("'trellis.db.pool-size'"), e.getMessage());
    }

    @Test
    void maskerHidesKnownSecretsAuthSchemesAndSecretFields() {
        SecretMasker masker = new SecretMasker(List.of("password", "token", "secret"), List.of("s3cr3t-value"));
        String masked = masker.mask("{\"password\":\"p\\\"w\",\"note\":\"uses s3cr3t-value\",\"access_token\":\"t\"} "
                + "Authorization: Bearer abc.def-ghi client_secret=xyz&x=1");
        assertEquals("{\"password\":\"****\",\"note\":\"uses ****\",\"access_token\":\"****\"} "
                + "Authorization: Bearer **** client_secret=****&x=1", masked);
    }
}
