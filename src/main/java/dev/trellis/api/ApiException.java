package dev.trellis.api;

/** A request Trellis refuses, with the HTTP status to answer and a message that names what is wrong. */
public class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The answer's body: {@code {"error": message}}, or more where a refusal carries its reasons (a check). */
    public Object body() {
        return java.util.Map.of("error", getMessage());
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }
}
