package dev.trellis.connection;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals a tenant's secret with AES-256-GCM: a random 96-bit nonce per value, the tenant id as associated data (a
 * value copied to another tenant's row does not open), and the id of the key beside it.
 */
public final class SecretBox {
    private static final int TAG_BITS = 128;
    private final KeyRing keys;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(KeyRing keys) {
        this.keys = keys;
    }

    /** A sealed value as stored: key id, nonce, ciphertext with its tag. */
    public record Sealed(String keyId, byte[] nonce, byte[] sealed) {
    }

    /** The value could not be opened: unknown key, or a value altered or moved to another tenant. */
    public static final class Unreadable extends Exception {
        public Unreadable(String message) {
            super(message);
        }
    }

    public KeyRing keys() {
        return keys;
    }

    public Sealed seal(String tenant, String value) {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.current(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(tenant.getBytes(StandardCharsets.UTF_8));
            return new Sealed(keys.currentId(), nonce, cipher.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    public String open(String tenant, Sealed sealed) throws Unreadable {
        SecretKey key = keys.find(sealed.keyId()).orElseThrow(() -> new Unreadable("tenant " + tenant
                + ": its secrets are sealed with key id " + sealed.keyId() + ", which this instance does not have "
                + "(configured: " + keys.ids() + "; set it as " + KeyRing.PREVIOUS + " or " + KeyRing.CURRENT + ")"));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            cipher.updateAAD(tenant.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed.sealed()), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new Unreadable("tenant " + tenant + ": a secret sealed with key id " + sealed.keyId()
                    + " does not open (altered, or not this tenant's)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }
}
