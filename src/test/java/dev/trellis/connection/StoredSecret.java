package dev.trellis.connection;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import javax.sql.DataSource;

/** A secret a hub stored sealed, opened with that hub's key (tests look up a grant in the sandbox by its token). */
final class StoredSecret {
    private StoredSecret() {
    }

    static String open(DataSource db, Path home, String tenant, String name) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select key_id, nonce, sealed from tenant_secret where tenant = ? and name = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), tenant + " has no " + name);
                return new SecretBox(KeyRing.load(home.resolve("data"))).open(tenant,
                        new SecretBox.Sealed(rs.getString(1), rs.getBytes(2), rs.getBytes(3)));
            }
        }
    }
}
