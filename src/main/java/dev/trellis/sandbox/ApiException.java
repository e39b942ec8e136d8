package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;

/** A request that ends in an error answer; the handler chain turns it into the reply it carries. */
final class ApiException extends RuntimeException {
    final Reply reply;

    ApiException(Reply reply) {
        super(reply.status() + "", null, false, false);
        this.reply = reply;
    }

    static ApiException of(int status, JsonNode body) {
        return new ApiException(Reply.json(status, body));
    }

    /** A Harvest-style error: {@code {"errors":["message"]}}. */
    static ApiException harvest(int status, String message) {
        return of(status, Json.errors(message));
    }
}
