package dev.trellis.connection;

import dev.trellis.config.ConfigException;
import dev.trellis.config.SecretRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AES-256 keys that seal tenant secrets: the current key (which seals) and any previous keys (which only open, so
 * that {@code trellis keys rotate} can re-seal without downtime). A key's id is derived from the key itself, so
 * instances agree on it without configuration.
 */
public final class KeyRing {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
    static final String CURRENT = "TRELLIS_ENCRYPTION_KEY";
    static final String PREVIOUS = "TRELLIS_ENCRYPTION_PREVIOUS_KEY";

    private final String currentId;
    private final Map<String, SecretKey> keys;

    KeyRing(byte[] current, byte[]... previous) {
        Map<String, SecretKey> all = new LinkedHashMap<>();
        this.currentId = id(current);
        all.put(currentId, new SecretKeySpec(current, "AES"));
        for (byte[] p : previous) {
            all.putIfAbsent(id(p), new SecretKeySpec(p, "AES"));
        }
        this.keys = Map.copyOf(all);
    }

    /**
     * From {@code TRELLIS_ENCRYPTION_KEY} (or {@code _FILE}) and optionally {@code TRELLIS_ENCRYPTION_PREVIOUS_KEY}
     * (or {@code _FILE}), each base64 of 32 bytes; with neither, the zero-setup key {@code <dataDir>/encryption.key},
     * created on first use.
     */
    public static KeyRing load(Path dataDir) {
        String current = SecretRef.fromEnvironment(CURRENT);
        String previous = SecretRef.fromEnvironment(PREVIOUS);
        if (current == null) {
            if (previous != null) {
                throw new ConfigException(PREVIOUS + " is set but " + CURRENT + " is not: set the new key as "
                        + CURRENT + " and keep the old one as " + PREVIOUS);
            }
            return new KeyRing(localKey(dataDir.resolve("encryption.key")));
        }
        byte[] key = decode(current, CURRENT);
        return previous == null ? new KeyRing(key) : new KeyRing(key, decode(previous, PREVIOUS));
    }

    public String currentId() {
        return currentId;
    }

    SecretKey current() {
        return keys.get(currentId);
    }

    Optional<SecretKey> find(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    public java.util.Set<String> ids() {
        return keys.keySet();
    }

    /** A new random key, base64: what {@code trellis keys new} prints. */
    public static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static byte[] decode(String base64, String where) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + " is not base64 (it must be the base64 of 32 random bytes, e.g. from "
                    + "`openssl rand -base64 32` or `trellis keys new`)");
        }
        if (key.length != 32) {
            throw new ConfigException(where + " decodes to " + key.length + " bytes; an AES-256 key is 32 bytes "
                    + "(`openssl rand -base64 32` or `trellis keys new`)");
        }
        return key;
    }

    /** The first 8 bytes of SHA-256 over a label and the key, in hex: names a key without revealing it. */
    static String id(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("trellis-key-id:".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha.digest(key), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] localKey(Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, newKey() + "\n", StandardCharsets.US_ASCII);
                    LOG.warn("Created {} to encrypt tenant secrets: fine for a trial, but production must supply its "
                            + "own key in {} or {}_FILE (base64 of 32 bytes) and keep it safe; without it, stored "
                            + "secrets cannot be read", file, CURRENT, CURRENT);
                } catch (FileAlreadyExistsException raced) {
                    // another start created it first; read theirs
                }
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (text.isEmpty()) {
                throw new ConfigException(file + " is empty; remove it only if no tenant secret was ever sealed "
                        + "with it, or restore it");
            }
            LOG.warn("Tenant secrets are encrypted with the key in {}: production must set {} or {}_FILE", file,
                    CURRENT, CURRENT);
            return decode(text, file.toString());
        } catch (IOException e) {
            throw new ConfigException("Cannot read or create the encryption key " + file + ": " + e.getMessage(), e);
        }
    }
}
