package dev.trellis.greenhouse;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An answer as the connection check judges it, refusals included: status (0 when none came, then {@code error} says
 * why), the body as JSON (null when empty or not JSON) and as text.
 */
public record RawAnswer(int status, JsonNode json, String text, String error) {
    /** What the answer says, for a check row. */
    public String said() {
        return ErrorBody.said(json, text, 200);
    }

    public String field() {
        return ErrorBody.field(json);
    }

    /** A request through the gateway's loop. */
    public interface Request {
        GreenhouseGateway.Answer send() throws InterruptedException;
    }

    /** Sends the request; its refusal or failure comes back as an answer, not as an error. */
    public static RawAnswer of(Request request) throws InterruptedException {
        try {
            GreenhouseGateway.Answer a = request.send();
            return new RawAnswer(a.status(), a.body(), a.text(), null);
        } catch (GreenhouseException e) {
            return of(e);
        }
    }

    /** A refusal or failure of a request sent through the gateway's loop, as an answer. */
    public static RawAnswer of(GreenhouseException e) {
        if (e instanceof GreenhouseRejection r && e.status() > 0) {
            return new RawAnswer(e.status(), GreenhouseShape.json(r.body()), r.body(), null);
        }
        return new RawAnswer(e.status(), null, e.status() == 0 ? null : e.getMessage(), e.getMessage());
    }
}
