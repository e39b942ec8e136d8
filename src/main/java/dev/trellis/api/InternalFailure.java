package dev.trellis.api;

import dev.trellis.config.SecretMasker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one answer to a request that failed inside Trellis: {@code {"error": "internal error", "error_id": ...}}. The
 * log line carries the same id with the masked reason and the stack trace; the answer never has a Java or database
 * message.
 */
public final class InternalFailure {
    private static final Logger LOG = LoggerFactory.getLogger(InternalFailure.class);

    private InternalFailure() {
    }

    /** Logs the failure under a new error id and returns the answer's body. */
    public static Map<String, Object> logged(SecretMasker masker, String request, Throwable failure) {
        String id = UUID.randomUUID().toString();
        LOG.error("{} failed (error_id {}): {}", request, id, masker.mask(String.valueOf(failure)), masked(masker, failure));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "internal error");
        body.put("error_id", id);
        return body;
    }

    /** The same stack trace with every message masked (a message may quote the request or a secret). */
    static Throwable masked(SecretMasker masker, Throwable failure) {
        Throwable copy = new MaskedThrowable(failure.getClass().getName() + ": " + masker.mask(failure.getMessage()),
                failure.getCause() == null || failure.getCause() == failure ? null : masked(masker, failure.getCause()));
        copy.setStackTrace(failure.getStackTrace());
        return copy;
    }

    private static final class MaskedThrowable extends Throwable {
        MaskedThrowable(String message, Throwable cause) {
            super(message, cause, false, true);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
