package dev.trellis.webhook;

/** A delivery the receiver refuses with a 400: the message names the header or field and what is wrong. */
final class BadDelivery extends RuntimeException {
    BadDelivery(String message) {
        super(message, null, false, false);
    }
}
