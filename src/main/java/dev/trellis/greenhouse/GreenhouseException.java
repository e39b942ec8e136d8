package dev.trellis.greenhouse;

/**
 * A Greenhouse call that did not succeed. {@link #retryable()} says whether sending it again later may work
 * (429, 5xx, timeouts); the error channel does not redeliver the others.
 */
public class GreenhouseException extends RuntimeException {
    private final int status;
    private final boolean retryable;

    public GreenhouseException(int status, boolean retryable, String message) {
        super(message);
        this.status = status;
        this.retryable = retryable;
    }

    public GreenhouseException(int status, boolean retryable, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryable = retryable;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }

    public boolean retryable() {
        return retryable;
    }
}
