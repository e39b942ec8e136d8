package dev.trellis.check;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.check.CheckResult.Status;

/** What one probe found; {@code siteAdminRule} when Greenhouse said the user is not a Site Admin. */
record Probe(Status status, String detail, JsonNode body, boolean siteAdminRule) {
}
