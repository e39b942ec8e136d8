package dev.trellis.sync;

import dev.trellis.config.ConfigException;
import java.text.ParseException;
import java.util.Date;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * A stream's Quartz cron, checked field by field before it is taken. Quartz 2.5 accepts a lone out-of-range value
 * such as minute 99 (it checks ranges and steps, not single values) and then fires at a time nobody asked for.
 */
final class StreamSchedule {
    private static final String[] FIELDS = {"second", "minute", "hour", "day-of-month", "month", "day-of-week", "year"};
    private static final int[][] RANGES = {{0, 59}, {0, 59}, {0, 23}, {1, 31}, {1, 12}, {1, 7}, {1970, 2199}};
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private StreamSchedule() {
    }

    /** The cron of stream {@code stream}, or a ConfigException naming the stream, the field and what is wrong. */
    static CronExpression parse(String stream, String cron) {
        if (cron == null || cron.isBlank()) {
            throw bad(stream, cron, "is empty");
        }
        String[] fields = cron.trim().split("\\s+");
        if (fields.length < 6 || fields.length > 7) {
            throw bad(stream, cron, "has " + fields.length + " fields; a Quartz cron has 6 or 7: second minute hour "
                    + "day-of-month month day-of-week [year]");
        }
        for (int i = 0; i < fields.length; i++) {
            for (String item : fields[i].split(",")) {
                checkValues(stream, cron, i, item);
            }
        }
        CronExpression expression;
        try {
            expression = new CronExpression(cron);
        } catch (ParseException e) {
            throw bad(stream, cron, "does not parse: " + e.getMessage());
        }
        if (expression.getNextValidTimeAfter(new Date()) == null) {
            throw bad(stream, cron, "never fires again");
        }
        return expression;
    }

    /** The values of one list item (a, a-b, a/step, a#nth, aW, aL); names, '*', '?' and 'L-n' are Quartz's to judge. */
    private static void checkValues(String stream, String cron, int field, String item) {
        String base = item.split("/", 2)[0].split("#", 2)[0];
        if (base.matches("\\d+[WL]")) {
            base = base.substring(0, base.length() - 1);
        }
        for (String value : base.split("-")) {
            if (DIGITS.matcher(value).matches()) {
                long n = Long.parseLong(value.length() > 9 ? "9999999999" : value);
                if (n < RANGES[field][0] || n > RANGES[field][1]) {
                    throw bad(stream, cron, "has " + FIELDS[field] + " " + value + ", outside " + RANGES[field][0]
                            + "-" + RANGES[field][1]);
                }
            }
        }
    }

    private static ConfigException bad(String stream, String cron, String problem) {
        return new ConfigException("Stream '" + stream + "': template parameter 'schedule' '" + cron + "' " + problem);
    }
}
