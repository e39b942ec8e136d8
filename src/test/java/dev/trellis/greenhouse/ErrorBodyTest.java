package dev.trellis.greenhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ErrorBodyTest {
    @Test
    void anOAuthErrorSaysItsCodeAndDescription() {
        assertEquals("invalid_client: unknown client", ErrorBody.said(
                "{\"error\":\"invalid_client\",\"error_description\":\"unknown client\"}", 500));
        assertEquals("invalid_grant", ErrorBody.said("{\"error\":\"invalid_grant\"}", 500));
    }

    @Test
    void theFirstOfGreenhousesErrorsIsSaidWithItsField() {
        String partner = "{\"errors\":[{\"message\":\"Unknown user\",\"field\":\"On-Behalf-Of\"},{\"message\":\"x\"}]}";
        assertEquals("Unknown user", ErrorBody.said(partner, 500));
        assertEquals("On-Behalf-Of", ErrorBody.field(GreenhouseShape.json(partner)));
        assertEquals("Missing name", ErrorBody.said("{\"errors\":[\"Missing name\"]}", 500));
        assertNull(ErrorBody.field(GreenhouseShape.json("{\"errors\":[\"Missing name\"]}")));
    }

    @Test
    void anythingElseIsItsTextCutShort() {
        assertEquals("Bad Gateway", ErrorBody.said("  Bad Gateway \n", 500));
        assertEquals("abcde...", ErrorBody.said("abcdefghij", 5));
        assertEquals("", ErrorBody.said(null, 5));
        assertEquals("{\"message\":\"Not found\"}", ErrorBody.said("{\"message\":\"Not found\"}", 500));
    }

    @Test
    void aRejectionBecomesTheAnswerItRefused() {
        RawAnswer a = RawAnswer.of(new GreenhouseRejection(422, "refused", "{\"errors\":[\"Missing name\"]}"));
        assertEquals(422, a.status());
        assertEquals("Missing name", a.said());
        RawAnswer none = RawAnswer.of(new GreenhouseException(0, true, "connection refused"));
        assertEquals(0, none.status());
        assertEquals("connection refused", none.error());
    }
}
