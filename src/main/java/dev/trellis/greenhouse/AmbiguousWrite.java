package dev.trellis.greenhouse;

/**
 * A write was sent but no answer came (timeout, connection lost, 408, 5xx): Greenhouse may have applied it. The
 * caller must look before sending again.
 */
public final class AmbiguousWrite extends GreenhouseException {
    public AmbiguousWrite(int status, String message, Throwable cause) {
        super(status, true, message, cause);
    }
}
