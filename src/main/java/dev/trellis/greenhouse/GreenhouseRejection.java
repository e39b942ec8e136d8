package dev.trellis.greenhouse;

/**
 * Greenhouse refused the request in a way retrying cannot fix (401 after a fresh token, 403, 404, 422): it goes
 * to the dead-letter queue at once with Greenhouse's reason. {@code body} is the answer as received (secrets masked).
 */
public class GreenhouseRejection extends GreenhouseException {
    private final String body;

    public GreenhouseRejection(int status, String message) {
        this(status, message, "");
    }

    public GreenhouseRejection(int status, String message, String body) {
        super(status, false, message);
        this.body = body == null ? "" : body;
    }

    /** The answer's body as received, masked; empty when there was none. */
    public String body() {
        return body;
    }
}
