package dev.trellis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests as they go over the wire, written by hand on a socket (java.net.URI itself refuses a raw {@code |}): the
 * sandbox answers what Greenhouse answers, not what its HTTP server library makes of the request line.
 */
class RawRequestTest {
    static Sandbox sb;
    static SandboxHttp http;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        sb = Sandbox.start(SandboxSettings.builder().seed(9).candidates(200).rateLimit(0).build());
        http = new SandboxHttp(sb);
        token = http.adminToken();
    }

    @AfterAll
    static void stop() {
        sb.stop();
    }

    record Raw(int status, Map<String, String> headers, String body) {
        JsonNode json() throws IOException {
            return SandboxHttp.JSON.readTree(body);
        }
    }

    static Raw read(InputStream in) throws IOException {
        String statusLine = line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        if (status == 100) {
            return new Raw(100, headers, "");
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Raw(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after: " + b);
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** One request with the target exactly as given. */
    static Raw get(String target) throws IOException {
        try (Socket s = new Socket("127.0.0.1", sb.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + token + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            return read(s.getInputStream());
        }
    }

    @Test
    void aRawPipeAsGreenhousesDocsWriteItIsTheSameFilterAsPercentEncoded() throws Exception {
        String window = "gte|2018-01-01T00:00:00Z|lte|2020-01-01T00:00:00Z";
        Raw raw = get("/v3/candidates?per_page=20&updated_at=" + window);
        assertEquals(200, raw.status(), raw.body());
        Raw encoded = get("/v3/candidates?per_page=20&updated_at=" + window.replace("|", "%7C"));
        assertEquals(200, encoded.status());
        assertEquals(encoded.body(), raw.body());
        assertTrue(raw.json().size() > 0, "the window matches candidates");
    }

    @Test
    void bracketsAndPlusAreGreenhousesQueryErrorsNamingTheParameter() throws Exception {
        Raw brackets = get("/v3/candidates?created_at[gte]=2024-01-01T00:00:00Z");
        assertEquals(422, brackets.status(), brackets.body());
        assertTrue(brackets.body().contains("Invalid query params: created_at[gte]"), brackets.body());
        // a raw + is a space in a query string (as Rails reads it): the offset must be sent as %2B
        Raw plus = get("/v3/candidates?updated_at=gte|2024-01-01T00:00:00+01:00");
        assertEquals(422, plus.status(), plus.body());
        assertTrue(plus.body().contains("updated_at") && plus.body().contains("%2B"), plus.body());
        Raw encodedPlus = get("/v3/candidates?updated_at=gte|2024-01-01T00:00:00%2B01:00");
        assertEquals(200, encodedPlus.status(), encodedPlus.body());
    }

    @Test
    void aRawSpaceIsABadRequestLineAndTheServerGoesOn() throws Exception {
        Raw space = get("/v3/candidates?updated_at=gte|2024-01-01 00:00:00Z");
        assertEquals(400, space.status(), space.body());
        assertEquals(200, get("/v3/candidates?per_page=1").status());
    }

    @Test
    void keepAliveExpectContinueAndChunkedBodiesWork() throws Exception {
        SandboxCredentials c = sb.credentials();
        try (Socket s = new Socket("127.0.0.1", sb.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            String form = "grant_type=client_credentials&sub=" + c.siteAdminUserId();
            String basic = java.util.Base64.getEncoder().encodeToString((c.clientId() + ":" + c.clientSecret())
                    .getBytes(StandardCharsets.UTF_8));
            out.write(("POST /token HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + basic + "\r\nContent-Type: "
                    + "application/x-www-form-urlencoded\r\nExpect: 100-continue\r\nContent-Length: " + form.length()
                    + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            assertEquals(100, read(in).status());
            out.write(form.getBytes(StandardCharsets.UTF_8));
            Raw first = read(in);
            assertEquals(200, first.status(), first.body());
            String half1 = form.substring(0, 10);
            String half2 = form.substring(10);
            out.write(("POST /token HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + basic + "\r\nContent-Type: "
                    + "application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(half1.length()) + "\r\n" + half1 + "\r\n"
                    + Integer.toHexString(half2.length()) + "\r\n" + half2 + "\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            Raw second = read(in);
            assertEquals(200, second.status(), second.body());
            assertTrue(second.json().hasNonNull("access_token"));
        }
    }

    @Test
    void theDateHeaderIsTheSandboxesClockSoExpiresAtMinusDateIsTheLifetime() throws Exception {
        sb.advanceClock(Duration.ofHours(3));
        token = http.adminToken();
        Raw r = get("/v3/candidates?per_page=1");
        Instant date = ZonedDateTime.parse(r.headers().get("date"), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        assertTrue(Math.abs(Duration.between(sb.clock().instant(), date).toSeconds()) <= 2,
                "Date " + date + " vs sandbox " + sb.clock().instant());
    }
}
