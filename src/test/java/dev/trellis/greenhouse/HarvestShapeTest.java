package dev.trellis.greenhouse;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HarvestShapeTest {

    private static boolean proof(int status, String body) {
        return HarvestShape.refusedByEndpoint(new GreenhouseRejection(status, "x", body));
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
        assertFalse(HarvestShape.refusedByEndpoint(new GreenhouseException(422, false, "no body")));
    }

    @Test
    void listsAreBareArraysAndTokenAnswersAreOAuth() {
        assertTrue(HarvestShape.listPage(HarvestShape.json("[]")));
        assertFalse(HarvestShape.listPage(HarvestShape.json("{}")));
        assertFalse(HarvestShape.listPage(HarvestShape.json("not json")));
        assertTrue(HarvestShape.tokenAnswer(200, HarvestShape.json("{\"access_token\":\"t\"}")));
        assertTrue(HarvestShape.tokenAnswer(401, HarvestShape.json("{\"error\":\"invalid_client\"}")));
        assertFalse(HarvestShape.tokenAnswer(200, HarvestShape.json("{}")));
        assertFalse(HarvestShape.tokenAnswer(404, HarvestShape.json("Not Found")));
    }
}
