package dev.trellis.sandbox;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server: keep-alive, Content-Length and chunked request bodies, {@code Expect: 100-continue}. The
 * sandbox reads request lines itself because the JDK's HttpServer parses the target with {@link java.net.URI} and
 * answers 400 on its own to requests Greenhouse takes (a raw {@code |} in a query string, as Greenhouse's docs
 * write it, or {@code []}); here only a request line that is not three parts is refused, the rest is up to the API.
 * {@code Date} is the sandbox's clock, so {@code expires_at} minus {@code Date} is a token's lifetime.
 */
final class Http11Server {
    private static final Logger LOG = LoggerFactory.getLogger(Http11Server.class);
    private static final int MAX_REQUEST_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 64 * 1024;
    private static final long MAX_BODY = 64L * 1024 * 1024;
    private static final int IDLE_MILLIS = 30_000;

    /** Answers one request; an exchange left without an answer closes the connection with none. */
    interface Handler {
        void handle(Exchange ex) throws IOException, InterruptedException;
    }

    /** A request that cannot be read as HTTP: answered with {@code status} and the connection closed. */
    private static final class BadRequest extends IOException {
        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final ServerSocket socket;
    private final ExecutorService connections;
    private final Semaphore workers;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Clock clock;
    private final Handler handler;

    /** At most {@code threads} requests are handled at once; idle keep-alive connections hold no worker. */
    Http11Server(String host, int port, int threads, Clock clock, Handler handler) throws IOException {
        this.clock = clock;
        this.handler = handler;
        this.workers = new Semaphore(threads);
        this.socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(host, port), 128);
        this.connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sandbox-http");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        Thread acceptor = new Thread(this::accept, "sandbox-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    void stop() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing the sandbox's server socket", e);
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("closing a sandbox connection", e);
            }
        }
        connections.shutdownNow();
        try {
            connections.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                open.add(s);
                connections.execute(() -> serve(s));
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.debug("sandbox accept failed", e);
                }
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(IDLE_MILLIS);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            while (true) {
                Exchange ex;
                try {
                    ex = read(s, in, out);
                } catch (BadRequest e) {
                    new Exchange(s, out, "GET", "/", new TreeMap<>(), new byte[0], false)
                            .send(e.status, Map.of("Content-Type", "text/plain; charset=utf-8"),
                                    (e.status + " " + reason(e.status) + ": " + e.getMessage())
                                            .getBytes(StandardCharsets.UTF_8), false);
                    return;
                }
                if (ex == null) {
                    return;
                }
                workers.acquire();
                try {
                    handler.handle(ex);
                } finally {
                    workers.release();
                }
                if (!ex.keepOpen()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.debug("sandbox connection ended", e);
        } finally {
            open.remove(s);
        }
    }

    /** The next request on the connection, or null when the client closed it or left it idle. */
    private Exchange read(Socket s, InputStream in, OutputStream out) throws IOException {
        String line;
        try {
            do {
                line = line(in, MAX_REQUEST_LINE, 414, StandardCharsets.UTF_8);
                if (line == null) {
                    return null;
                }
            } while (line.isEmpty());
        } catch (SocketTimeoutException idle) {
            return null;
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !parts[2].startsWith("HTTP/1.")) {
            throw new BadRequest(400, "malformed request line (a space in the target must be sent as %20)");
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int size = 0;
        for (String h = line(in, MAX_HEADERS, 431, StandardCharsets.ISO_8859_1); ;
                h = line(in, MAX_HEADERS, 431, StandardCharsets.ISO_8859_1)) {
            if (h == null) {
                throw new EOFException("closed in the headers");
            }
            if (h.isEmpty()) {
                break;
            }
            size += h.length();
            if (size > MAX_HEADERS) {
                throw new BadRequest(431, "request headers too large");
            }
            int colon = h.indexOf(':');
            if (colon <= 0 || h.substring(0, colon).isBlank() || Character.isWhitespace(h.charAt(colon - 1))) {
                throw new BadRequest(400, "malformed header line");
            }
            headers.computeIfAbsent(h.substring(0, colon), k -> new ArrayList<>()).add(h.substring(colon + 1).trim());
        }
        boolean http10 = parts[2].equals("HTTP/1.0");
        String connection = first(headers, "Connection");
        boolean keepAlive = http10 ? "keep-alive".equalsIgnoreCase(connection) : !"close".equalsIgnoreCase(connection);
        String encoding = first(headers, "Transfer-Encoding");
        String length = first(headers, "Content-Length");
        boolean hasBody = encoding != null || length != null && !length.equals("0");
        if (hasBody && !http10 && "100-continue".equalsIgnoreCase(first(headers, "Expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        byte[] body;
        if (encoding != null) {
            if (!encoding.equalsIgnoreCase("chunked")) {
                throw new BadRequest(400, "Transfer-Encoding " + encoding + " is not supported");
            }
            body = chunked(in);
        } else if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "Content-Length is not a number");
            }
            if (n < 0) {
                throw new BadRequest(400, "Content-Length is negative");
            }
            if (n > MAX_BODY) {
                throw new BadRequest(413, "request body over " + MAX_BODY + " bytes");
            }
            body = in.readNBytes((int) n);
            if (body.length < n) {
                throw new EOFException("closed in the body");
            }
        } else {
            body = new byte[0];
        }
        return new Exchange(s, out, parts[0], parts[1], headers, body, keepAlive);
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in, 1024, 400, StandardCharsets.ISO_8859_1);
            if (sizeLine == null) {
                throw new EOFException("closed in a chunk");
            }
            int semi = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "malformed chunk size");
            }
            if (size < 0 || body.size() + size > MAX_BODY) {
                throw new BadRequest(413, "request body over " + MAX_BODY + " bytes");
            }
            if (size == 0) {
                // trailers, up to the empty line
                for (String t = line(in, MAX_HEADERS, 431, StandardCharsets.ISO_8859_1); t != null && !t.isEmpty();
                        t = line(in, MAX_HEADERS, 431, StandardCharsets.ISO_8859_1)) {
                    continue;
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new EOFException("closed in a chunk");
            }
            body.write(chunk);
            line(in, 2, 400, StandardCharsets.ISO_8859_1);
        }
    }

    /** One line without its CR LF; null at the end of the stream before any byte. */
    private static String line(InputStream in, int max, int tooLong, java.nio.charset.Charset charset)
            throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int c = in.read();
        if (c < 0) {
            return null;
        }
        while (c != '\n') {
            if (c < 0) {
                throw new EOFException("closed in a line");
            }
            b.write(c);
            if (b.size() > max) {
                throw new BadRequest(tooLong, "line longer than " + max + " bytes");
            }
            c = in.read();
        }
        byte[] bytes = b.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, charset);
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Status " + status;
        };
    }

    /** One request on a connection, and its answer. */
    final class Exchange {
        final String method;
        final String target;
        final byte[] body;
        private final Map<String, List<String>> headers;
        private final Socket socket;
        private final OutputStream out;
        private boolean keepAlive;
        private boolean answered;

        Exchange(Socket socket, OutputStream out, String method, String target, Map<String, List<String>> headers,
                byte[] body, boolean keepAlive) {
            this.socket = socket;
            this.out = out;
            this.method = method;
            this.target = target;
            this.headers = headers;
            this.body = body;
            this.keepAlive = keepAlive;
        }

        String header(String name) {
            return first(headers, name);
        }

        InetSocketAddress localAddress() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        /** Sends the answer; {@code truncate}: half the body under the full Content-Length, then the connection closes. */
        void send(int status, Map<String, String> replyHeaders, byte[] replyBody, boolean truncate) throws IOException {
            answered = true;
            boolean withBody = status >= 200 && status != 204 && status != 304;
            StringBuilder h = new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ')
                    .append(reason(status)).append("\r\n")
                    .append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(
                            clock.instant().atOffset(ZoneOffset.UTC))).append("\r\n");
            replyHeaders.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
            if (withBody) {
                h.append("Content-Length: ").append(replyBody.length).append("\r\n");
            }
            if (truncate) {
                keepAlive = false;
            } else if (!keepAlive) {
                h.append("Connection: close\r\n");
            }
            h.append("\r\n");
            out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (withBody && !method.equals("HEAD")) {
                out.write(replyBody, 0, truncate ? replyBody.length / 2 : replyBody.length);
            }
            out.flush();
        }

        /** Whether the connection takes another request: not after a truncated answer or none at all. */
        boolean keepOpen() {
            return answered && keepAlive;
        }
    }
}
