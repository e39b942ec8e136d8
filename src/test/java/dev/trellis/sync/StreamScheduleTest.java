package dev.trellis.sync;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.config.ConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every field of a stream's cron is checked, including the lone values Quartz itself lets through. */
class StreamScheduleTest {
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "0 99 2 * * ?;          minute 99, outside 0-59",
        "75 0 2 * * ?;          second 75, outside 0-59",
        "0 0 24 * * ?;          hour 24, outside 0-23",
        "0 0 2 0 * ?;           day-of-month 0, outside 1-31",
        "0 0 2 32W * ?;         day-of-month 32, outside 1-31",
        "0 0 2 ? 13 *;          month 13, outside 1-12",
        "0 0 2 ? * 9;           day-of-week 9, outside 1-7",
        "0 0 2 ? * 8#2;         day-of-week 8, outside 1-7",
        "0 5-99 * * * ?;        minute 99, outside 0-59",
        "0 1,2,61 * * * ?;      minute 61, outside 0-59",
        "0 0 2 * * ? 1900;      year 1900, outside 1970-2199",
        "0 0 2 * * ? 2000;      never fires again",
        "0 0 2 * *;             has 5 fields",
        "0 0/70 * * * ?;        does not parse",
        "0 0 2 * * * ;          does not parse",
    })
    void refusedNamingTheStreamTheFieldAndTheValue(String cron, String problem) {
        ConfigException e = assertThrows(ConfigException.class, () -> StreamSchedule.parse("offers", cron));
        assertTrue(e.getMessage().startsWith("Stream 'offers': template parameter 'schedule' '" + cron.trim() + "'"),
                e.getMessage());
        assertTrue(e.getMessage().contains(problem.trim()), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 0/15 * * * ?", "0 2/15 * * * ?", "0 0 3 * * ?", "0 0 3 ? * MON-FRI", "0 0 3 L * ?",
        "0 0 3 L-3 * ?", "0 0 3 15W * ?", "0 0 3 ? * 6#3", "0 0 3 ? * 5L", "0 0 3 ? JAN,JUL *", "59 59 23 31 12 ? 2099"})
    void validCronsAreTaken(String cron) {
        assertDoesNotThrow(() -> StreamSchedule.parse("offers", cron));
    }
}
