package dev.trellis.greenhouse;

/** A 403: the credential lacks a scope, or the token's user is not a Site Admin (needed for list reads). */
public final class MissingPermission extends GreenhouseRejection {
    private final String scope;

    public MissingPermission(String scope, String message, String body) {
        super(403, message, body);
        this.scope = scope;
    }

    /** The v3 scope the request needed, e.g. harvest:candidates:list. */
    public String scope() {
        return scope;
    }
}
