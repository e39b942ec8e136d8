package dev.trellis.connection;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.config.ConfigException;
import dev.trellis.hub.TestHome;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A wrong trellis.partner.* key stops the start before anything runs, naming the key; the secret never shows. */
class PartnerSettingsTest {
    @TempDir
    Path dir;

    private String refused(TestHome home) {
        ConfigException e = assertThrows(ConfigException.class, home::start);
        assertFalse(Files.exists(home.dir().resolve("data/pg")), "started the database first: " + e.getMessage());
        return e.getMessage();
    }

    private TestHome partner() {
        return new TestHome(dir).property("trellis.partner.client-id", "partner-app")
                .property("trellis.partner.redirect-uri", "https://hub.example.com/connect/greenhouse/callback");
    }

    @Test
    void anInlineClientSecretIsRefusedWithoutShowingIt() {
        String message = refused(partner().property("trellis.partner.client-secret", "s3cr3t-inline-value"));
        assertTrue(message.contains("trellis.partner.client-secret"), message);
        assertTrue(message.contains("env:") && message.contains("file:"), message);
        assertFalse(message.contains("s3cr3t-inline-value"), message);
    }

    @Test
    void aReturnToThatIsNotAnOriginIsRefusedNamingTheKey() {
        System.setProperty("PARTNER_SETTINGS_SECRET", "whatever-it-is");
        try {
            String message = refused(partner().property("trellis.partner.client-secret", "env:PARTNER_SETTINGS_SECRET")
                    .property("trellis.partner.return-to", "vendor.example.com"));
            assertTrue(message.contains("trellis.partner.return-to"), message);
        } finally {
            System.clearProperty("PARTNER_SETTINGS_SECRET");
        }
    }

    @Test
    void returnToMustBeOnAnAllowedOriginAndCannotCarryAUser() {
        PartnerSettings s = new PartnerSettings(java.util.Optional.empty(), java.util.Optional.empty(), null, null,
                java.util.List.of("https://vendor.example.com"), null, null, null);
        assertTrue(s.allowed("https://vendor.example.com/settings?x=1"));
        assertFalse(s.allowed("https://vendor.example.com.evil.net/"));
        assertFalse(s.allowed("https://vendor.example.com@evil.net/"));
        assertFalse(s.allowed("http://vendor.example.com/"));
        assertFalse(s.allowed("javascript:alert(1)"));
        assertFalse(s.allowed(null));
    }
}
