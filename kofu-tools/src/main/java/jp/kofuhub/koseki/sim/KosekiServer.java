package jp.kofuhub.koseki.sim;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import jp.kofuhub.keys.PgpMessages;
import jp.kofuhub.keys.PgpRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The koseki certificate server simulator: {@code POST /koseki/v1/certificates} as
 * docs/interfaces/koseki-server.md describes it, answered from a {@link KosekiBook} with PDFs of
 * {@link KosekiCertificates}. The JDK's HTTP server on a fixed thread pool.
 *
 * <ul>
 *   <li>{@code 200} the PDF, headers {@code X-Koseki-Request-Id}, {@code X-Koseki-Kind}, {@code
 *       X-Koseki-Subject};
 *   <li>{@code 422} {@code {"code","message"}}: {@code UNKNOWN_PERSON} (no such 戸籍, or the person
 *       is not in it — checked first, so a stranger learns nothing of a 戸籍's state), then the 戸籍's
 *       state {@code JOSEKI}, {@code KAISEI_GENKOSEKI}, {@code NOTIFICATION_PENDING};
 *   <li>{@code 400} {@code MALFORMED_REQUEST}: not JSON of {@code application/json} in UTF-8, over
 *       {@link #MAX_BODY} bytes, a field missing, of the wrong type or format, a field the contract
 *       does not name, or a {@code municipality} other than the book's;
 *   <li>{@code 405} for any method but POST, {@code 404} for any other path, {@code 500} when the
 *       certificate cannot be rendered.
 * </ul>
 *
 * <p>Optionally (interface v1.1) {@link #tls TLS} with a client certificate required, and {@link
 * #pgp OpenPGP} on the bodies: a request must be {@code application/pgp-encrypted}, encrypted to
 * the server's key and signed by the hub's (party {@code hub}), else {@code 400} with the plain
 * JSON code {@code UNSIGNED}, {@code UNKNOWN_SIGNER}, {@code BAD_SIGNATURE}, {@code
 * KEY_EXPIRED_OR_REVOKED} or {@code NOT_ENCRYPTED_FOR_SERVER} and nothing of the request is read.
 * Every answer to an opened request (PDF or JSON refusal) is then signed by the server and
 * encrypted to the hub. Logs request ids, kinds and codes only, never names, 本籍 or dates.
 */
public final class KosekiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KosekiServer.class);

    public static final String PATH = "/koseki/v1/certificates";

    /** The largest request body accepted, in bytes. */
    public static final int MAX_BODY = 8 * 1024;

    /**
     * The largest sealed request body accepted, in bytes (a sealed {@link #MAX_BODY} request fits).
     */
    public static final int MAX_SEALED_BODY = 16 * 1024;

    /** The party whose signature a sealed request must carry, and to whom answers are sealed. */
    public static final String HUB = "hub";

    /**
     * {@code requestId}: ASCII letters, digits and {@code -}, 1–64 characters (the hub's 発行番号 fit).
     */
    static final Pattern REQUEST_ID = Pattern.compile("[0-9A-Za-z][0-9A-Za-z-]{0,63}");

    static final Pattern MUNICIPALITY = Pattern.compile("[0-9]{6}");
    static final Pattern ISO_DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

    private static final Set<String> TOP_FIELDS =
            Set.of("requestId", "municipality", "kind", "honseki", "hittosha", "person", "options");
    private static final Set<String> PERSON_FIELDS = Set.of("name", "birthDate");
    private static final Set<String> OPTION_FIELDS = Set.of("honsekiHittosha");

    private final ObjectMapper json =
            new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private final KosekiBook book;
    private final KosekiCertificates certificates;
    private final InetSocketAddress address;
    private final int threads;
    private SSLContext tls;
    private PgpMessages pgp;
    private HttpServer server;
    private ExecutorService pool;

    /**
     * The address to listen on: {@code host} (the hub's {@code server.address}, env {@code
     * SERVER_ADDRESS}) when set, else every interface; {@code port} 0: any free port.
     */
    public static InetSocketAddress listenAddress(String host, int port) {
        return host == null || host.isBlank()
                ? new InetSocketAddress(port)
                : new InetSocketAddress(host.trim(), port);
    }

    /** A server on {@code port} of every interface (0: any free port), 8 threads. */
    public KosekiServer(KosekiBook book, KosekiCertificates certificates, int port) {
        this(book, certificates, new InetSocketAddress(port), 8);
    }

    public KosekiServer(
            KosekiBook book,
            KosekiCertificates certificates,
            InetSocketAddress address,
            int threads) {
        this.book = book;
        this.certificates = certificates;
        this.address = address;
        this.threads = Math.max(1, threads);
    }

    /**
     * Serve HTTPS with {@code context} (the server's certificate, the CAs it trusts) and require a
     * client certificate of one of those CAs. Before {@link #start()}.
     */
    public synchronized KosekiServer tls(SSLContext context) {
        this.tls = context;
        return this;
    }

    /**
     * OpenPGP on the bodies with {@code messages} (the server's own key, and the {@value #HUB}'s
     * public key): requests opened and verified before they are read, answers sealed to the hub.
     * Before {@link #start()}.
     */
    public synchronized KosekiServer pgp(PgpMessages messages) {
        this.pgp = messages;
        return this;
    }

    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        HttpServer s;
        if (tls != null) {
            HttpsServer https = HttpsServer.create(address, 64);
            https.setHttpsConfigurator(
                    new HttpsConfigurator(tls) {
                        @Override
                        public void configure(HttpsParameters params) {
                            SSLParameters p = getSSLContext().getDefaultSSLParameters();
                            p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                            p.setNeedClientAuth(true);
                            params.setSSLParameters(p);
                        }
                    });
            s = https;
        } else {
            s = HttpServer.create(address, 64);
        }
        s.createContext("/", this::handle);
        pool =
                Executors.newFixedThreadPool(
                        threads,
                        r -> {
                            Thread t = new Thread(r, "koseki-server");
                            t.setDaemon(true);
                            return t;
                        });
        s.setExecutor(pool);
        s.start();
        server = s;
        LOG.info(
                "koseki server listening on port {} for municipality {} ({} 戸籍, {}, {})",
                port(),
                book.municipality(),
                book.size(),
                tls != null ? "https with client certificates" : "plain http",
                pgp != null ? "OpenPGP bodies" : "plain bodies");
    }

    /** Stops accepting, lets running exchanges finish for up to a second. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.stop(1);
        pool.shutdown();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = null;
        pool = null;
    }

    @Override
    public void close() {
        stop();
    }

    /** The port listened on (the one chosen when started on port 0). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getAddress().getPort();
    }

    // ---- one exchange ----

    /** A request the server answers with something other than a certificate. */
    private static final class Refusal extends Exception {
        final int status;
        final String code;

        Refusal(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    static Refusal malformed(String message) {
        return new Refusal(400, "MALFORMED_REQUEST", message);
    }

    private record Request(
            String requestId,
            KosekiCertificates.Kind kind,
            String honseki,
            String hittosha,
            String name,
            LocalDate birthDate,
            boolean honsekiHittosha) {}

    private void handle(HttpExchange ex) throws IOException {
        String requestId = null;
        boolean[] opened = {false};
        try (ex) {
            try {
                if (!PATH.equals(ex.getRequestURI().getPath())) {
                    throw new Refusal(404, "NOT_FOUND", "no such resource");
                }
                if (!"POST".equals(ex.getRequestMethod())) {
                    ex.getResponseHeaders().set("Allow", "POST");
                    throw new Refusal(405, "METHOD_NOT_ALLOWED", "only POST is allowed");
                }
                Request req = parse(ex, opened);
                requestId = req.requestId();
                answer(ex, req, opened[0]);
            } catch (Refusal r) {
                if (r.status == 422) {
                    LOG.info("koseki {}: 422 {}", requestId, r.code);
                } else {
                    LOG.info(
                            "koseki request{}: {} {} ({})",
                            requestId == null ? "" : " " + requestId,
                            r.status,
                            r.code,
                            r.getMessage());
                }
                send(ex, r.status, "application/json", error(r.code, r.getMessage()), opened[0]);
            } catch (RuntimeException e) {
                LOG.error("koseki {}: 500 ({})", requestId, e.getClass().getSimpleName(), e);
                send(
                        ex,
                        500,
                        "application/json",
                        error("INTERNAL_ERROR", "the certificate could not be made"),
                        opened[0]);
            }
        }
    }

    private void answer(HttpExchange ex, Request req, boolean sealed) throws Refusal, IOException {
        Optional<KosekiBook.Koseki> koseki = book.find(req.honseki(), req.hittosha());
        Optional<KosekiBook.Member> person =
                koseki.flatMap(k -> k.member(req.name(), req.birthDate()));
        if (person.isEmpty()) {
            throw new Refusal(422, "UNKNOWN_PERSON", "no such 戸籍, or the person is not in it");
        }
        KosekiBook.Koseki k = koseki.get();
        switch (k.state()) {
            case JOSEKI -> throw new Refusal(422, "JOSEKI", "the 戸籍 is closed (除籍)");
            case KAISEI_GENKOSEKI ->
                    throw new Refusal(422, "KAISEI_GENKOSEKI", "only a 改製原戸籍 holds it");
            case NOTIFICATION_PENDING ->
                    throw new Refusal(
                            422,
                            "NOTIFICATION_PENDING",
                            "a 届出 for it is received but not yet reflected");
            case ACTIVE -> {}
        }
        KosekiBook.Member m = person.get();
        byte[] pdf = certificates.render(req.kind(), k, m, req.requestId(), req.honsekiHittosha());
        ex.getResponseHeaders().set("X-Koseki-Request-Id", req.requestId());
        ex.getResponseHeaders().set("X-Koseki-Kind", req.kind().name());
        ex.getResponseHeaders()
                .set(
                        "X-Koseki-Subject",
                        KosekiCertificates.subjectHash(
                                k.honseki(), k.hittosha(), m.name(), m.birthDate()));
        send(ex, 200, "application/pdf", pdf, sealed);
        LOG.info("koseki {} {}: 200 ({} bytes)", req.requestId(), req.kind(), pdf.length);
    }

    private Request parse(HttpExchange ex, boolean[] opened) throws Refusal, IOException {
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        if (pgp != null) {
            byte[] plain = open(ex, contentType);
            opened[0] = true;
            if (plain.length > MAX_BODY) {
                throw malformed("the body is larger than " + MAX_BODY + " bytes");
            }
            return parse(plain);
        }
        if (contentType == null) {
            throw malformed("Content-Type must be application/json");
        }
        String[] ct = contentType.toLowerCase(Locale.ROOT).split(";");
        if (!ct[0].strip().equals("application/json")) {
            throw malformed("Content-Type must be application/json");
        }
        for (int i = 1; i < ct.length; i++) {
            String p = ct[i].strip();
            if (p.startsWith("charset=") && !p.substring(8).replace("\"", "").equals("utf-8")) {
                throw malformed("the body must be UTF-8");
            }
        }
        return parse(body(ex, MAX_BODY));
    }

    /**
     * The sealed request body opened: encrypted to this server and signed by the hub, else refused.
     */
    private byte[] open(HttpExchange ex, String contentType) throws Refusal, IOException {
        if (contentType == null
                || !contentType
                        .toLowerCase(Locale.ROOT)
                        .split(";")[0]
                        .strip()
                        .equals(PgpMessages.MEDIA_TYPE)) {
            throw new Refusal(
                    400,
                    "UNSIGNED",
                    "the body must be "
                            + PgpMessages.MEDIA_TYPE
                            + ", signed by the hub and encrypted to this server");
        }
        byte[] sealed = body(ex, MAX_SEALED_BODY);
        try {
            return pgp.open(sealed, HUB);
        } catch (PgpRefusedException e) {
            String code =
                    "NOT_ENCRYPTED_FOR_HUB".equals(e.code())
                            ? "NOT_ENCRYPTED_FOR_SERVER"
                            : e.code();
            throw new Refusal(400, code, "the OpenPGP message is refused");
        }
    }

    private static byte[] body(HttpExchange ex, int max) throws Refusal, IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > max) {
                    throw malformed("the body is larger than " + max + " bytes");
                }
            } catch (NumberFormatException e) {
                throw malformed("Content-Length is not a number");
            }
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(max + 1);
        }
        if (body.length > max) {
            throw malformed("the body is larger than " + max + " bytes");
        }
        return body;
    }

    private Request parse(byte[] body) throws Refusal {
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(body))
                            .toString();
        } catch (CharacterCodingException e) {
            throw malformed("the body is not UTF-8");
        }
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw malformed("the body is not one JSON object");
        }
        if (root == null || !root.isObject()) {
            throw malformed("the body is not one JSON object");
        }
        onlyFields(root, TOP_FIELDS, "");
        String requestId = string(root, "requestId", 64, "");
        if (!REQUEST_ID.matcher(requestId).matches()) {
            throw malformed("requestId must be 1-64 ASCII letters, digits or '-'");
        }
        String municipality = string(root, "municipality", 6, "");
        if (!MUNICIPALITY.matcher(municipality).matches()) {
            throw malformed("municipality must be a 6-digit 団体コード");
        }
        if (!municipality.equals(book.municipality())) {
            throw malformed(
                    "this server holds the 戸籍 of municipality " + book.municipality() + " only");
        }
        String kindName = string(root, "kind", 20, "");
        KosekiCertificates.Kind kind;
        try {
            kind = KosekiCertificates.Kind.valueOf(kindName);
        } catch (IllegalArgumentException e) {
            throw malformed("kind must be one of KOSEKI_ZENBU, KOSEKI_KOJIN, KOSEKI_FUHYO");
        }
        String honseki = string(root, "honseki", 400, "");
        String hittosha = string(root, "hittosha", 100, "");
        JsonNode person = root.get("person");
        if (person == null || !person.isObject()) {
            throw malformed("person must be an object");
        }
        onlyFields(person, PERSON_FIELDS, "person.");
        String name = string(person, "name", 100, "person.");
        String birth = string(person, "birthDate", 10, "person.");
        LocalDate birthDate;
        try {
            if (!ISO_DATE.matcher(birth).matches()) {
                throw new DateTimeParseException("", birth, 0);
            }
            birthDate = LocalDate.parse(birth);
        } catch (DateTimeParseException e) {
            throw malformed("person.birthDate must be a date yyyy-MM-dd");
        }
        boolean honsekiHittosha = false;
        JsonNode options = root.get("options");
        if (options != null) {
            if (!options.isObject()) {
                throw malformed("options must be an object");
            }
            onlyFields(options, OPTION_FIELDS, "options.");
            JsonNode flag = options.get("honsekiHittosha");
            if (flag != null) {
                if (!flag.isBoolean()) {
                    throw malformed("options.honsekiHittosha must be true or false");
                }
                honsekiHittosha = flag.booleanValue();
            }
        }
        return new Request(requestId, kind, honseki, hittosha, name, birthDate, honsekiHittosha);
    }

    private static void onlyFields(JsonNode object, Set<String> known, String prefix)
            throws Refusal {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                // the name of an unknown field is the client's text: not echoed
                throw malformed(
                        "the request has a field the contract does not name (in "
                                + (prefix.isEmpty()
                                        ? "the request"
                                        : prefix.substring(0, prefix.length() - 1))
                                + ")");
            }
        }
    }

    /**
     * A required, non-blank string of at most {@code max} characters without control characters.
     */
    private static String string(JsonNode object, String field, int max, String prefix)
            throws Refusal {
        JsonNode v = object.get(field);
        if (v == null || v.isNull()) {
            throw malformed(prefix + field + " is required");
        }
        if (!v.isTextual()) {
            throw malformed(prefix + field + " must be a string");
        }
        String s = v.textValue();
        if (s.isBlank()) {
            throw malformed(prefix + field + " must not be empty");
        }
        if (s.codePointCount(0, s.length()) > max) {
            throw malformed(prefix + field + " is longer than " + max + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c < 0xA0) || c == '\uFFFE' || c == '\uFFFF') {
                throw malformed(prefix + field + " has a control character");
            }
            if (Character.isHighSurrogate(c)
                    ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(++i))
                    : Character.isLowSurrogate(c)) {
                throw malformed(prefix + field + " has a broken surrogate pair");
            }
        }
        return s;
    }

    private byte[] error(String code, String message) {
        ObjectNode n = json.createObjectNode();
        n.put("code", code);
        n.put("message", message);
        try {
            return json.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code body}; {@code sealed}: signed by this server and encrypted to the hub. */
    private void send(HttpExchange ex, int status, String contentType, byte[] body, boolean sealed)
            throws IOException {
        if (sealed) {
            body =
                    pgp.seal(
                            body,
                            contentType.equals("application/pdf")
                                    ? "certificate.pdf"
                                    : "answer.json",
                            HUB);
            contentType = PgpMessages.MEDIA_TYPE;
        }
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
