package dev.trellis.greenhouse;

/**
 * Greenhouse refused the request in a way retrying cannot fix (401 after a fresh token, 403, 404, 422): it goes
 * to the dead-letter queue at once with Greenhouse's reason.
 */
public class GreenhouseRejection extends GreenhouseException {
    public GreenhouseRejection(int status, String message) {
        super(status, false, message);
    }
}
