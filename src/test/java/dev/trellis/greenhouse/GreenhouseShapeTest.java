package dev.trellis.greenhouse;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GreenhouseShapeTest {

    private static boolean proof(int status, String body) {
        return GreenhouseShape.refusedByEndpoint(new GreenhouseRejection(status, "x", body));
    }

    @Test
    void onlyGreenhousesOwnRefusalsAreProofThatAnEndpointWasReached() {
        assertTrue(proof(422, "{\"errors\":[\"note_type is required\"]}"));
        assertTrue(proof(422, "{\"message\":\"Validation error\",\"errors\":[{\"message\":\"Must be one of: "
                + "candidate, prospect\",\"field\":\"type\"}]}"));
        assertTrue(proof(404, "{\"message\":\"Resource not found\",\"errors\":[\"Interview 0 not found\"]}"));
        // an unknown route: Greenhouse's own words, but no record named, so no endpoint was reached
        assertFalse(proof(404, "{\"message\":\"Resource not found\"}"));
        assertFalse(proof(404, "Not Found"));
        assertFalse(proof(404, "<html><body>404</body></html>"));
        assertFalse(proof(422, "{}"));
        assertFalse(proof(422, "{\"errors\":[]}"));
        assertFalse(proof(422, "{\"errors\":[42]}"));
        assertFalse(proof(400, "{\"errors\":[\"bad\"]}"));
        assertFalse(GreenhouseShape.refusedByEndpoint(new GreenhouseException(422, false, "no body")));
    }

    @Test
    void listsAreBareArraysAndTokenAnswersAreOAuth() {
        assertTrue(GreenhouseShape.listPage(GreenhouseShape.json("[]")));
        assertFalse(GreenhouseShape.listPage(GreenhouseShape.json("{}")));
        assertFalse(GreenhouseShape.listPage(GreenhouseShape.json("not json")));
        assertTrue(GreenhouseShape.tokenAnswer(200, GreenhouseShape.json("{\"access_token\":\"t\"}")));
        assertTrue(GreenhouseShape.tokenAnswer(401, GreenhouseShape.json("{\"error\":\"invalid_client\"}")));
        assertFalse(GreenhouseShape.tokenAnswer(200, GreenhouseShape.json("{}")));
        assertFalse(GreenhouseShape.tokenAnswer(404, GreenhouseShape.json("Not Found")));
    }
}
