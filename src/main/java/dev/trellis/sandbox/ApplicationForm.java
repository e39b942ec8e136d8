package dev.trellis.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of a Job Board application, from JSON, form-urlencoded or multipart/form-data
 * (docs/greenhouse.md#job-board). File parts become {@code <name>_filename} and {@code <name>_size} entries.
 */
final class ApplicationForm {
    private ApplicationForm() {
    }

    static Map<String, String> parse(SandboxRequest req) {
        String type = req.header("Content-Type");
        type = type == null ? "" : type.toLowerCase(java.util.Locale.ROOT);
        Map<String, String> out = new LinkedHashMap<>();
        if (type.startsWith("multipart/form-data")) {
            multipart(req, out);
        } else if (type.startsWith("application/x-www-form-urlencoded")) {
            out.putAll(SandboxRequest.parseQuery(req.bodyText()));
        } else {
            JsonNode body;
            try {
                body = Json.MAPPER.readTree(req.body);
            } catch (java.io.IOException e) {
                throw ApiException.of(400, Json.object().put("error", "Failed to save person")
                        .put("reason", "body is not valid JSON"));
            }
            if (body == null || !body.isObject()) {
                throw ApiException.of(400, Json.object().put("error", "Failed to save person")
                        .put("reason", "body must be a JSON object"));
            }
            body.fields().forEachRemaining(e -> out.put(e.getKey(),
                    e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
            for (String f : new String[] {"resume", "cover_letter"}) {
                if (out.containsKey(f + "_content")) {
                    out.put(f + "_size", Integer.toString(out.get(f + "_content").length()));
                }
            }
        }
        return out;
    }

    private static void multipart(SandboxRequest req, Map<String, String> out) {
        String header = req.header("Content-Type");
        int b = header.indexOf("boundary=");
        if (b < 0) {
            throw ApiException.of(400, Json.object().put("error", "Failed to save person")
                    .put("reason", "multipart body without boundary"));
        }
        String boundary = "--" + header.substring(b + 9).replace("\"", "").split(";")[0].trim();
        // ISO-8859-1 keeps one char per byte, so file sizes stay exact
        String body = new String(req.body, StandardCharsets.ISO_8859_1);
        for (String part : body.split(java.util.regex.Pattern.quote(boundary))) {
            int split = part.indexOf("\r\n\r\n");
            if (split < 0) {
                continue;
            }
            String headers = part.substring(0, split);
            String content = part.substring(split + 4);
            if (content.endsWith("\r\n")) {
                content = content.substring(0, content.length() - 2);
            }
            String name = attribute(headers, "name");
            if (name == null) {
                continue;
            }
            String filename = attribute(headers, "filename");
            if (filename != null) {
                out.put(name + "_filename", filename);
                out.put(name + "_size", Integer.toString(content.length()));
            } else {
                out.put(name, new String(content.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
            }
        }
    }

    private static String attribute(String headers, String key) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)[; ]" + key + "=\"([^\"]*)\"").matcher(headers);
        return m.find() ? m.group(1) : null;
    }
}
