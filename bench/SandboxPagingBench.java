import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pages through every candidate of a running sandbox at per_page=500, following Link rel="next", and checks
 * the ids are strictly descending. Run: java -cp target/trellis.jar bench/SandboxPagingBench.java BASE CLIENT SECRET SUB
 */
public class SandboxPagingBench {
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String client = args[1];
        String secret = args[2];
        String sub = args[3];
        long expected = args.length > 4 ? Long.parseLong(args[4]) : -1;
        HttpClient http = HttpClient.newHttpClient();
        String basic = Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> tokenAnswer = http.send(HttpRequest.newBuilder(URI.create(base + "/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&sub=" + sub)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher tm = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(tokenAnswer.body());
        if (!tm.find()) {
            throw new IllegalStateException("no token: " + tokenAnswer.body());
        }
        String token = tm.group(1);
        JsonFactory json = new JsonFactory();
        String url = base + "/v3/candidates?per_page=500";
        long records = 0;
        long pages = 0;
        long bytes = 0;
        long lastId = Long.MAX_VALUE;
        long start = System.nanoTime();
        while (url != null) {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("page " + pages + ": HTTP " + r.statusCode());
            }
            try (InputStream in = r.body(); JsonParser p = json.createParser(in)) {
                int depth = 0;
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                        depth++;
                    } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                        depth--;
                    } else if (t == JsonToken.FIELD_NAME && depth == 2 && p.currentName().equals("id")) {
                        p.nextToken();
                        long id = p.getLongValue();
                        if (id >= lastId) {
                            throw new IllegalStateException("ids not descending: " + id + " after " + lastId);
                        }
                        lastId = id;
                        records++;
                    }
                }
                bytes += p.currentLocation().getByteOffset();
            }
            pages++;
            url = r.headers().firstValue("Link").map(l -> {
                Matcher m = NEXT.matcher(l);
                return m.find() ? m.group(1) : null;
            }).orElse(null);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("pages=%d records=%d bytes=%d seconds=%.2f records_per_second=%.0f%n", pages, records,
                bytes, seconds, records / seconds);
        if (expected >= 0 && records != expected) {
            throw new IllegalStateException("expected " + expected + " records, got " + records);
        }
    }
}
