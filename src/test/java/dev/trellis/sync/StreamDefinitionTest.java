package dev.trellis.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.config.ConfigException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A stream's template parameters: defaults derived from the stream's name, and each bad value refused by name. */
class StreamDefinitionTest {
    private static Map<String, Object> params(String... keyValues) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("stream", "offices");
        p.put("schedule", "0 0 3 * * ?");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private static void refused(String message, String... keyValues) {
        ConfigException e = assertThrows(ConfigException.class, () -> StreamDefinition.from(params(keyValues)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void theDefaultsFollowTheStreamsName() {
        StreamDefinition d = StreamDefinition.from(params());
        assertEquals(new StreamDefinition("offices", "offices", "gh_offices", List.of(), 500, Duration.ofMinutes(60),
                Duration.ofSeconds(60), Optional.empty(), "", false, Optional.of("updated_at")), d);
        assertFalse(d.fullRefresh());
    }

    @Test
    void givenValuesAreTakenAndNoneStandsForNoValue() {
        StreamDefinition d = StreamDefinition.from(params("resource", "job_posts", "table", "gh_posts_deleted",
                "joinColumns", " job_id, ,application_id ", "perPage", "100", "lookbackMinutes", "5", "lagSeconds", "0",
                "backfillFrom", "2024-01-01T00:00:00Z", "query", "status=active&skip_count=true", "deletedRecords",
                "TRUE"));
        assertEquals(new StreamDefinition("offices", "job_posts", "gh_posts_deleted", List.of("job_id",
                "application_id"), 100, Duration.ofMinutes(5), Duration.ZERO,
                Optional.of(Instant.parse("2024-01-01T00:00:00Z")), "status=active&skip_count=true", true, Optional.of("updated_at")), d);
        StreamDefinition none = StreamDefinition.from(params("resource", "none", "table", " ", "backfillFrom", "none"));
        assertEquals("offices", none.resource());
        assertEquals("gh_offices", none.table());
        assertEquals(Optional.empty(), none.backfillFrom());
    }

    @Test
    void eachBadValueIsRefusedNamingTheStreamAndTheParameter() {
        refused("Stream 'Offices': template parameter 'stream' must be lower-case letters, digits and underscores, "
                + "not 'Offices'", "stream", "Offices");
        refused("Stream 'offices': template parameter 'table' must be lower-case letters, digits and underscores, "
                + "not 'gh_offices;drop'", "table", "gh_offices;drop");
        refused("Stream 'offices': template parameter 'resource' must be lower-case letters, digits and underscores, "
                + "not 'v3/offices'", "resource", "v3/offices");
        refused("Stream 'offices': template parameter 'joinColumns' must be lower-case letters, digits and "
                + "underscores, not 'Job-Id'", "joinColumns", "office_id,Job-Id");
        refused("Stream 'offices': template parameter 'perPage' must be between 1 and 500 (Greenhouse's limit)",
                "perPage", "501");
        refused("Stream 'offices': template parameter 'perPage' must be between 1 and 500 (Greenhouse's limit)",
                "perPage", "0");
        refused("Stream 'offices': template parameter 'perPage' must be a whole number, not 'many'", "perPage", "many");
        refused("Stream 'offices': template parameter 'lookbackMinutes' must be a whole number, not '1h'",
                "lookbackMinutes", "1h");
        refused("Stream 'offices': template parameter 'lagSeconds' must be a whole number, not '1.5'", "lagSeconds",
                "1.5");
        refused("Stream 'offices': template parameter 'backfillFrom' must be an ISO-8601 instant such as "
                + "2024-01-01T00:00:00Z, not '2024-01-01'", "backfillFrom", "2024-01-01");
        refused("Stream 'offices': template parameter 'query' must look like name=value&name=value, not "
                + "'status=active&x'", "query", "status=active&x");
        refused("Stream 'offices': template parameter 'query' must not set updated_at, per_page or cursor: the "
                + "stream sets them", "query", "per_page=5");
        refused("Stream 'offices': template parameter 'deletedRecords' must be true or false, not '1'",
                "deletedRecords", "1");
        refused("Stream 'offices': template parameter 'cursor' must be lower-case letters, digits and underscores, "
                + "not 'submitted-at'", "cursor", "submitted-at");
        refused("Stream 'offices': template parameter 'cursor' must be a date field when deletedRecords is true: a "
                + "full-refresh stream marks what it no longer reads as deleted", "cursor", "none", "deletedRecords",
                "true");
        refused("Stream 'offices': template parameter 'query' must not set submitted_at, per_page or cursor: the "
                + "stream sets them", "cursor", "submitted_at", "query", "submitted_at=gte|2024-01-01");
    }

    @Test
    void theCursorNamesTheWindowsDateFieldOrNoneForAFullRefresh() {
        StreamDefinition eeoc = StreamDefinition.from(params("cursor", "submitted_at"));
        assertEquals(Optional.of("submitted_at"), eeoc.cursor());
        assertFalse(eeoc.fullRefresh());
        StreamDefinition full = StreamDefinition.from(params("cursor", "none", "query", "custom_field_key=degree"));
        assertTrue(full.fullRefresh());
        assertEquals("custom_field_key=degree", full.query());
    }
}
