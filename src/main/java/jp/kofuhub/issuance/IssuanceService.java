package jp.kofuhub.issuance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import jp.kofuhub.certificate.CertificateKind;
import jp.kofuhub.certificate.CertificateOptions;
import jp.kofuhub.certificate.JuminhyoKind;
import jp.kofuhub.certificate.RefusalCode;
import jp.kofuhub.history.HistoryEntry;
import jp.kofuhub.history.IssuanceHistory;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.render.FieldOverflowException;
import jp.kofuhub.render.GlyphUnavailableException;
import jp.kofuhub.render.PdfRenderer;
import jp.kofuhub.replica.ReplicaFreshness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The three phases of the issuance-centre protocol (docs/interfaces/issuance-centre.md), each
 * idempotent on the centre's transaction id:
 * <ol>
 * <li>{@link #availability}: who may get what — kinds with fee and sheets or a refusal code, the
 * household listing, the options offered. No document, no 発行番号.</li>
 * <li>{@link #prepare} → XSLT → {@link #render} → {@link #confirm}: the document is drafted from one
 * consistent read, numbered, rendered, checked against the replica again and held in memory
 * ({@link DocumentStore}, never the database) until its completion. A retry returns the same
 * document and number.</li>
 * <li>{@link #complete}: printed, print failed or cancelled before payment; the document is deleted
 * and the outcome goes into the hash-chained history. {@link #sweep} ends what no completion
 * ended within the time-to-live (ABANDONED).</li>
 * </ol>
 * Every end of a transaction that spent a 発行番号 or was refused in the issue phase is one history
 * row, written in the same database transaction as the state change. Logs carry ids and codes only.
 */
public class IssuanceService {

    private static final Logger LOG = LoggerFactory.getLogger(IssuanceService.class);

    /** Every kind of the protocol; those without a {@link CertificateKind} are not offered yet. */
    static final Set<String> KNOWN_KINDS = Set.of("JUMINHYO", "JUMINHYO_KISAI", "INKAN",
            "SHOTOKU", "KAZEI", "SHOTOKU_KAZEI", "KOSEKI_ZENBU", "KOSEKI_KOJIN", "KOSEKI_FUHYO");
    private static final Set<String> OUTCOMES = Set.of("PRINTED", "PRINT_FAILED", "CANCELLED");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MunicipalityRegistry municipalities;
    private final Map<String, CertificateKind> kinds;
    private final ReplicaFreshness freshness;
    private final IssueNumbers numbers;
    private final Clock clock;
    private final Transactions transactions;
    private final IssuanceHistory history;
    private final TransactionTemplate tx;
    private final PdfRenderer renderer;
    private final Duration documentTtl;
    private final DocumentStore documents;
    private boolean ignoreHours;
    private jp.kofuhub.render.PdfSigners signers = jp.kofuhub.render.PdfSigners.hubOnly(null);
    private jp.kofuhub.metrics.HubMetrics metrics = jp.kofuhub.metrics.HubMetrics.none();

    public IssuanceService(MunicipalityRegistry municipalities, List<CertificateKind> kinds, ReplicaFreshness freshness,
                           IssueNumbers numbers, Clock clock, Transactions transactions, IssuanceHistory history,
                           TransactionTemplate tx, PdfRenderer renderer, Duration documentTtl, DocumentStore documents) {
        this.municipalities = municipalities;
        this.kinds = kinds.stream().collect(Collectors.toMap(CertificateKind::code, Function.identity()));
        this.freshness = freshness;
        this.numbers = numbers;
        this.clock = clock;
        this.transactions = transactions;
        this.history = history;
        this.tx = tx;
        this.renderer = renderer;
        this.documentTtl = documentTtl;
        this.documents = documents;
    }

    /**
     * For test hubs only ({@code kofu.calendar.ignore-hours}): opening hours and closed days are not
     * checked, maintenance windows still are — tests must pass at any hour of any day.
     */
    public void setIgnoreHours(boolean ignoreHours) {
        this.ignoreHours = ignoreHours;
        if (ignoreHours) {
            LOG.warn("service hours and closed days are NOT checked (kofu.calendar.ignore-hours): test setting");
        }
    }

    /**
     * The stop switch (jp.kofuhub.ops.CouplingSwitch#suspendedNow(String)): whether the coupling of a
     * municipality is suspended — the whole hub or that municipality alone. While it says so, a request
     * naming the municipality is refused {@value #COUPLING_SUSPENDED} (503) before its transaction row is
     * written or the replica read, a completion of its transaction likewise, and an issuance already in
     * flight is VOIDED before the koseki server is called and before its document is kept.
     */
    public void setCoupling(java.util.function.Predicate<String> suspended) {
        this.couplingSuspended = suspended;
    }

    /** The refusal code while the online coupling is suspended (HTTP 503). */
    public static final String COUPLING_SUSPENDED = "COUPLING_SUSPENDED";

    private java.util.function.Predicate<String> couplingSuspended = m -> false;

    /** Refused at once while the coupling of the municipality (or of the whole hub) is suspended. */
    private void coupled(String municipality) {
        if (couplingSuspended.test(municipality)) {
            LOG.info("request for {} refused {}", municipality, COUPLING_SUSPENDED);
            throw couplingSuspended();
        }
    }

    private static IssuanceException couplingSuspended() {
        return new IssuanceException(COUPLING_SUSPENDED, 503, "the online coupling is suspended by the city; try again later");
    }

    /** A numbered issuance in flight when the coupling was suspended: VOIDED, no document leaves. */
    private void stillCoupled(PreparedCertificate prepared) {
        if (couplingSuspended.test(prepared.getRequest().municipality())) {
            LOG.warn("issue tx {} {}: voided, the coupling was suspended while in flight", prepared.getTransaction(),
                    prepared.getIssueNumber());
            throw voided(prepared, couplingSuspended());
        }
    }

    /** The city's PAdES signature on every certificate the hub renders; null = unsigned. */
    public void setSigner(jp.kofuhub.render.PdfSigner signer) {
        this.signers = jp.kofuhub.render.PdfSigners.hubOnly(signer);
    }

    /** Each municipality's PAdES signature: its own key when it has one, else the hub's. */
    public void setSigners(jp.kofuhub.render.PdfSigners signers) {
        this.signers = signers;
    }

    /** The {@code kofu.*} meters: outcomes, refusal codes, render latency (docs/health-and-metrics.md). */
    public void setMetrics(jp.kofuhub.metrics.HubMetrics metrics) {
        this.metrics = metrics;
    }

    // ---------------------------------------------------------------- phase 1: availability

    /**
     * Phase 1: for the card holder, every kind asked about (the one {@code kind}, or all the
     * municipality offers) with its fee and sheets or the refusal that applies now, the household
     * listing when a 住民票 kind is available, and the options the municipality offers. The answer is
     * kept with the transaction until it ends, so a retry gets the same answer.
     */
    public String availability(String body, String contentType) {
        IssuanceRequest req = IssuanceRequest.parseAvailability(contentType, body);
        MunicipalityProfile city = city(req.municipality());
        coupled(city.code());
        if (req.kind() != null && !KNOWN_KINDS.contains(req.kind())) {
            throw IssuanceException.badRequest("UNKNOWN_CERTIFICATE_TYPE", "no certificate type " + req.kind());
        }
        String sha = sha256(req.canonical("availability"));
        Optional<String> earlier = earlierAvailability(req, sha);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        String answer = answer(req, city, ZonedDateTime.now(clock));
        if (!transactions.insert(req.transaction(), city.code(), req.kind(), req.store(), req.terminal(), sha, "CHECKED",
                answer, OffsetDateTime.now(clock))) {
            return earlierAvailability(req, sha).orElseThrow(() -> outOfOrder(req.transaction()));
        }
        LOG.info("availability {} tx {}: answered", city.code(), req.transaction());
        return answer;
    }

    private Optional<String> earlierAvailability(IssuanceRequest req, String sha) {
        Optional<Transactions.Tx> t = transactions.find(req.transaction());
        if (t.isEmpty()) {
            return Optional.empty();
        }
        if (!"CHECKED".equals(t.get().state()) || t.get().availabilityAnswer() == null) {
            throw outOfOrder(req.transaction());
        }
        if (!sha.equals(t.get().requestSha256())) {
            throw conflict(req.transaction());
        }
        return Optional.of(t.get().availabilityAnswer());
    }

    private String answer(IssuanceRequest req, MunicipalityProfile city, ZonedDateTime now) {
        LocalDate today = now.toLocalDate();
        List<String> asked = req.kind() != null ? List.of(req.kind())
                : city.offeredKinds().stream().filter(KNOWN_KINDS::contains).toList();
        ObjectNode root = JSON.createObjectNode();
        root.put("transaction", req.transaction());
        root.put("municipality", city.code());
        ArrayNode list = root.putArray("kinds");
        boolean householdAvailable = false;
        boolean cardKnown = false;
        for (String code : asked) {
            ObjectNode k = list.addObject();
            k.put("kind", code);
            CertificateOptions options = code.equals(req.kind()) ? req.options() : CertificateOptions.NONE;
            try {
                CertificateKind kind = offered(city, code, options);
                int fee = open(city, code, now);
                stale(city, kind);
                CertificateKind.Draft draft = kind.draft(city, req.serial(), options, sealUri(city), today)
                        .orElseThrow(() -> unknownCard(city));
                cardKnown = true;
                k.put("available", true);
                k.put("fee", fee);
                k.put("sheets", draft.sheets());
                householdAvailable |= kind instanceof JuminhyoKind;
            } catch (CertificateKind.Refusal r) {
                cardKnown = true;
                k.put("available", false);
                k.put("code", r.code().name());
            } catch (JuminhyoKind.InvalidSelection e) {
                throw IssuanceException.badRequest("INVALID_SELECTION", e.getMessage());
            } catch (IssuanceException e) {
                if (e.getHttpStatus() != 422) {
                    throw e;
                }
                k.put("available", false);
                k.put("code", e.getCode());
                e.getDetails().forEach(k::put);
            }
        }
        if (!cardKnown && cardUnknown(city, req.serial(), today)) {
            throw unknownCard(city);
        }
        if (householdAvailable) {
            JuminhyoKind juminhyo = (JuminhyoKind) kinds.get(JuminhyoKind.JUMINHYO);
            juminhyo.listing(city, req.serial(), today).ifPresent(l -> {
                ObjectNode h = root.putObject("household");
                h.put("version", l.version());
                ArrayNode members = h.putArray("members");
                l.members().forEach(m -> members.addObject().put("position", m.position()).put("name", m.name())
                        .put("relationship", m.relationship()));
            });
        }
        ObjectNode offers = root.putObject("offers");
        offers.put("juminhyoCode", city.printJuminhyoCode());
        offers.put("myNumber", city.printMyNumber());
        ArrayNode years = offers.putArray("taxYears");
        int current = city.offeredTaxYear(today);
        for (int y = current; city.offersTaxYear(y, today); y--) {
            years.add(y);
        }
        return root.toString();
    }

    /** Whether the serial is unknown here (asked when every kind was refused before drafting). */
    private boolean cardUnknown(MunicipalityProfile city, String serial, LocalDate today) {
        CertificateKind juminhyo = kinds.get(JuminhyoKind.JUMINHYO);
        try {
            return juminhyo.draft(city, serial, CertificateOptions.NONE, sealUri(city), today).isEmpty();
        } catch (RuntimeException refusedOrUnprintable) {
            return false;
        }
    }

    // ---------------------------------------------------------------- phase 2: issue

    /**
     * Phase 2, first step: validates the request, claims its transaction (a retry of an issued one
     * gets the document it already got), checks hours, fee and freshness, drafts the kind's data
     * document (one consistent read, the eligibility table, the glyph and box checks) and numbers it.
     */
    public PreparedCertificate prepare(String body, String contentType) {
        IssuanceRequest req = IssuanceRequest.parse(contentType, body);
        MunicipalityProfile city = city(req.municipality());
        coupled(city.code());
        if (!KNOWN_KINDS.contains(req.kind())) {
            throw IssuanceException.badRequest("UNKNOWN_CERTIFICATE_TYPE", "no certificate type " + req.kind());
        }
        String sha = sha256(req.canonical("issue"));
        Optional<PreparedCertificate> replay = claim(req, city, sha);
        if (replay.isPresent()) {
            return replay.get();
        }
        try {
            CertificateKind kind = offered(city, req.kind(), req.options());
            ZonedDateTime now = ZonedDateTime.now(clock);
            int fee = open(city, req.kind(), now);
            stale(city, kind);
            LocalDate today = now.toLocalDate();
            CertificateKind.Draft draft = draft(kind, city, req, today);
            String terminal = req.terminal() != null ? req.terminal() : city.terminalCode();
            String number = numbers.next(city.code(), today, terminal, city.printerCode(),
                    n -> transactions.numbered(req.transaction(), n, draft.holderAtena()));
            LOG.info("issue {} {} tx {} atena {}: prepared {}", city.code(), req.kind(), req.transaction(),
                    draft.holderAtena(), number);
            return new PreparedCertificate(req, kind.template(), draft.dataXml(), sha256(draft.dataXml()), number,
                    draft.holderAtena(), fee, today);
        } catch (IssuanceException e) {
            end(req, "ISSUING", e.getHttpStatus() == 422 ? "REFUSED" : null, e.getCode(), null, null);
            throw e;
        } catch (RuntimeException e) {
            transactions.forget(req.transaction(), "ISSUING");
            throw e;
        }
    }

    /**
     * Phase 2, layout: FO → PDF. The renderer's own backstops (a glyph FOP cannot draw, content
     * beyond its box) void the numbered document with the refusal the checks would have given.
     */
    public PdfRenderer.RenderedPdf render(PreparedCertificate prepared, String fo) {
        String layout = sha256(fo);
        if (prepared.isAgain() && prepared.getIssued().layoutSha256() != null
                && !layout.equals(prepared.getIssued().layoutSha256())) {
            // same data, other layout: this instance runs other templates than the one that numbered it
            throw unavailableAgain(prepared, "another layout");
        }
        prepared.setLayoutSha256(layout);
        try {
            long started = System.nanoTime();
            PdfRenderer.RenderedPdf pdf = renderer.render(fo);
            metrics.rendered(prepared.getRequest().kind(), System.nanoTime() - started);
            jp.kofuhub.render.PdfSigner signer = signers.forMunicipality(prepared.getRequest().municipality());
            if (signer == null) {
                return pdf;
            }
            return new PdfRenderer.RenderedPdf(signer.sign(pdf.getBytes(), "証明書コンビニ交付 " + prepared.getIssueNumber()),
                    pdf.getPages());
        } catch (GlyphUnavailableException e) {
            throw voided(prepared, RefusalCode.GLYPH_UNAVAILABLE);
        } catch (FieldOverflowException e) {
            throw voided(prepared, RefusalCode.FIELD_OVERFLOW);
        }
    }

    /**
     * Phase 2, last step: drafts the same certificate again from the replica as it is now; voids the
     * document when the holder is now refused or any printed item changed since {@link #prepare}
     * (a seal cancelled, a person moved). Otherwise keeps the document with the transaction until
     * its completion and returns it.
     */
    public PdfRenderer.RenderedPdf confirm(PreparedCertificate prepared, PdfRenderer.RenderedPdf pdf) {
        IssuanceRequest req = prepared.getRequest();
        MunicipalityProfile city = city(req.municipality());
        CertificateKind kind = kinds.get(req.kind());
        CertificateKind.Draft now;
        try {
            // made again for a retry: as of the day it was numbered (its 発行日), as the first time
            now = draft(kind, city, req, prepared.isAgain() ? prepared.getDay() : LocalDate.now(clock));
        } catch (IssuanceException e) {
            throw voided(prepared, e);
        }
        if (!sha256(now.dataXml()).equals(prepared.getDataSha256())) {
            LOG.warn("issue {} {} tx {} atena {}: {} voided, REPLICA_CHANGED while in flight", city.code(), req.kind(),
                    req.transaction(), prepared.getHolderAtena(), prepared.getIssueNumber());
            throw voided(prepared, RefusalCode.REPLICA_CHANGED);
        }
        stillCoupled(prepared); // suspended while in flight: the document is not kept, nor answered
        if (prepared.isAgain()) {
            return keptAgain(prepared, pdf);
        }
        documents.put(req.transaction(), pdf);
        if (!transactions.issued(req.transaction(), prepared.getHolderAtena(), prepared.getIssueNumber(),
                prepared.getFee(), pdf.getPages(), printedOptions(req.options()), sha256(pdf.getBytes()),
                documents.instanceId(), new Transactions.Made(prepared.getDataSha256(), prepared.getLayoutSha256(),
                        prepared.getDay()), OffsetDateTime.now(clock))) {
            documents.remove(req.transaction());
            throw new IllegalStateException("transaction " + req.transaction() + " left its issue phase meanwhile");
        }
        LOG.info("issue {} {} tx {}: issued {} ({} sheets)", city.code(), req.kind(), req.transaction(),
                prepared.getIssueNumber(), pdf.getPages());
        metrics.issuance(city.code(), req.kind(), "ISSUED", null);
        return pdf;
    }

    /**
     * The document of an issued transaction, made again here for a retry with the same data and
     * layout: held on this instance too and answered with the same 発行番号, fee and sheets. The
     * transaction's state and history are not touched (one number, one history row at its end);
     * another instance may have done the same at the same moment — the same document.
     */
    private PdfRenderer.RenderedPdf keptAgain(PreparedCertificate prepared, PdfRenderer.RenderedPdf pdf) {
        Transactions.Tx t = prepared.getIssued();
        if (t.pages() != null && t.pages() != pdf.getPages()) {
            throw unavailableAgain(prepared, "other pages");
        }
        documents.put(t.id(), pdf);
        if (!transactions.madeAgain(t.id(), t.issueNumber(), documents.instanceId())) {
            documents.remove(t.id());
            LOG.info("issue {} {} tx {}: made again, but the transaction ended meanwhile", t.municipality(), t.kind(), t.id());
            throw documentGone(t.id());
        }
        LOG.info("issue {} {} tx {}: retry on another instance, same document {} made again ({} sheets)",
                t.municipality(), t.kind(), t.id(), t.issueNumber(), pdf.getPages());
        return pdf;
    }

    /**
     * A retry of an ISSUED transaction whose document this instance does not hold (another instance
     * made it, or this one restarted): the document is drafted again from the replica as of its issue
     * day, with its 発行番号; only when the draft is the one numbered (SHA-256 of the data document) is
     * it laid out again (and then only if the layout is too, see {@link #render}). Otherwise
     * DOCUMENT_UNAVAILABLE and nothing is made: never a document that says other than what was numbered.
     */
    private PreparedCertificate again(IssuanceRequest req, MunicipalityProfile city, Transactions.Tx t) {
        CertificateKind kind = kinds.get(req.kind());
        if (kind == null || t.dataSha256() == null || t.issueDate() == null || t.issueNumber() == null) {
            throw unavailable(t, "no digests recorded");
        }
        CertificateKind.Draft draft;
        try {
            draft = draft(kind, city, req, t.issueDate());
        } catch (IssuanceException e) {
            throw unavailable(t, e.getCode());
        }
        String sha = sha256(draft.dataXml());
        if (!sha.equals(t.dataSha256()) || !draft.holderAtena().equals(t.holderAtena())) {
            throw unavailable(t, "the data printed changed");
        }
        LOG.info("issue {} {} tx {}: retry on an instance without the document, making {} again", city.code(),
                req.kind(), req.transaction(), t.issueNumber());
        return PreparedCertificate.again(req, kind.template(), draft.dataXml(), sha, t);
    }

    /** DOCUMENT_UNAVAILABLE for a retry that cannot be given the document here; the transaction stays ISSUED. */
    private static IssuanceException unavailable(Transactions.Tx t, String why) {
        LOG.warn("issue {} {} tx {}: {} not made again on this instance ({}): DOCUMENT_UNAVAILABLE", t.municipality(),
                t.kind(), t.id(), t.issueNumber(), why);
        return IssuanceException.conflict("DOCUMENT_UNAVAILABLE", "the document of this transaction is held by another"
                + " instance and cannot be made again here (" + why + "); ask again, or complete it and start a new"
                + " transaction");
    }

    private static IssuanceException unavailableAgain(PreparedCertificate prepared, String why) {
        return unavailable(prepared.getIssued(), why);
    }

    // ---------------------------------------------------------------- phase 2 for 戸籍: the koseki server

    /** The request to the koseki server: the drafted request with this issuance's 発行番号 as requestId. */
    public String kosekiRequest(PreparedCertificate prepared) {
        stillCoupled(prepared); // nothing reaches the koseki server while the coupling is suspended
        try {
            ObjectNode request = (ObjectNode) JSON.readTree(prepared.getDataXml());
            ObjectNode withId = JSON.createObjectNode().put("requestId", prepared.getIssueNumber());
            withId.setAll(request);
            return withId.toString();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the koseki request of " + prepared.getTransaction() + " is not JSON", e);
        }
    }

    /**
     * The koseki server's answer: a PDF is relayed only when it is the one asked for (request id,
     * kind, subject hash in the headers and in the PDF's document information); its refusals
     * become the centre's refusal codes; anything else is KOSEKI_UNAVAILABLE. A numbered issuance
     * that gets no document is VOIDED.
     */
    public PdfRenderer.RenderedPdf kosekiAnswer(PreparedCertificate prepared, org.apache.camel.Exchange exchange) {
        org.apache.camel.Message m = exchange.getMessage();
        Integer status = m.getHeader(org.apache.camel.Exchange.HTTP_RESPONSE_CODE, Integer.class);
        byte[] body = m.getBody(byte[].class);
        String tx = prepared.getTransaction();
        if (status != null && status == 200) {
            String subject = kosekiSubject(prepared);
            boolean same = prepared.getIssueNumber().equals(m.getHeader("X-Koseki-Request-Id", String.class))
                    && prepared.getRequest().kind().equals(m.getHeader("X-Koseki-Kind", String.class))
                    && subject.equals(m.getHeader("X-Koseki-Subject", String.class))
                    && body != null && new String(body, StandardCharsets.ISO_8859_1).contains(subject);
            if (!same) {
                LOG.error("koseki tx {} {}: the server answered with another document: voided", tx, prepared.getIssueNumber());
                throw voided(prepared, RefusalCode.KOSEKI_MISMATCH);
            }
            return new PdfRenderer.RenderedPdf(body, pages(body));
        }
        if (status != null && status == 422) {
            String code = "";
            try {
                code = JSON.readTree(body).path("code").asText();
            } catch (java.io.IOException | RuntimeException e) {
                // not JSON: unavailable below
            }
            RefusalCode refusal = switch (code) {
                case "JOSEKI", "KAISEI_GENKOSEKI" -> RefusalCode.KOSEKI_REMOVED;
                case "NOTIFICATION_PENDING" -> RefusalCode.KOSEKI_NOTIFICATION_PENDING;
                case "UNKNOWN_PERSON" -> RefusalCode.KOSEKI_UNKNOWN_PERSON;
                default -> RefusalCode.KOSEKI_UNAVAILABLE;
            };
            LOG.info("koseki tx {} {}: refused by the koseki server {}", tx, prepared.getIssueNumber(), code);
            throw voided(prepared, refusal);
        }
        LOG.error("koseki tx {} {}: unexpected answer HTTP {}", tx, prepared.getIssueNumber(), status);
        throw voided(prepared, RefusalCode.KOSEKI_UNAVAILABLE);
    }

    /** The circuit breaker's fallback: the koseki server is down, slow, or the breaker is open. */
    public void kosekiUnavailable(PreparedCertificate prepared) {
        LOG.warn("koseki tx {} {}: koseki server unavailable (timeout, error or open breaker)", prepared.getTransaction(),
                prepared.getIssueNumber());
        throw voided(prepared, RefusalCode.KOSEKI_UNAVAILABLE);
    }

    /** SHA-256 of 本籍, 筆頭者, name and birth date, as docs/interfaces/koseki-server.md defines it. */
    static String kosekiSubject(PreparedCertificate prepared) {
        try {
            com.fasterxml.jackson.databind.JsonNode r = JSON.readTree(prepared.getDataXml());
            return sha256(r.path("honseki").asText() + "\n" + r.path("hittosha").asText() + "\n"
                    + r.path("person").path("name").asText() + "\n" + r.path("person").path("birthDate").asText());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int pages(byte[] pdf) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("/Type\\s*/Page[^s]")
                .matcher(new String(pdf, StandardCharsets.ISO_8859_1));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return Math.max(1, n);
    }

    /**
     * After an unexpected failure in the issue phase: a numbered document is voided (its 発行番号 is
     * in the history), an unnumbered claim is forgotten so the centre may try again.
     */
    public void abort(PreparedCertificate prepared) {
        if (prepared == null || prepared.isReplay() || prepared.isAgain()) {
            return; // a retry's document made again: the transaction stays ISSUED as it was
        }
        end(prepared.getRequest(), "ISSUING", "VOIDED", "INTERNAL_ERROR", prepared.getHolderAtena(),
                prepared.getIssueNumber());
    }

    /**
     * Claims the transaction for the issue phase, or answers a retry: the same document while it is
     * held, the same refusal, or a conflict when the id comes back with other content.
     */
    private Optional<PreparedCertificate> claim(IssuanceRequest req, MunicipalityProfile city, String sha) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (transactions.insert(req.transaction(), city.code(), req.kind(), req.store(), req.terminal(), sha, "ISSUING",
                null, now)) {
            return Optional.empty();
        }
        Transactions.Tx t = transactions.find(req.transaction()).orElseThrow(() -> outOfOrder(req.transaction()));
        if ("CHECKED".equals(t.state())) {
            if (!t.municipality().equals(city.code())) {
                throw conflict(req.transaction());
            }
            if (transactions.claimChecked(req.transaction(), req.kind(), req.store(), req.terminal(), sha, now)) {
                return Optional.empty();
            }
            t = transactions.find(req.transaction()).orElseThrow(() -> outOfOrder(req.transaction()));
        }
        if (!sha.equals(t.requestSha256())) {
            throw conflict(req.transaction());
        }
        switch (t.state()) {
            case "ISSUED" -> {
                Optional<PdfRenderer.RenderedPdf> held = documents.get(req.transaction());
                if (held.isEmpty()) {
                    return Optional.of(again(req, city, t));
                }
                PdfRenderer.RenderedPdf pdf = held.get();
                LOG.info("issue {} {} tx {}: retry, same document {}", city.code(), req.kind(), req.transaction(),
                        t.issueNumber());
                return Optional.of(PreparedCertificate.replay(req, t.issueNumber(), t.holderAtena(), t.fee(), pdf));
            }
            case "REFUSED", "VOIDED" -> throw refusalAgain(t.refusalCode());
            case "ISSUING" -> throw IssuanceException.conflict("TRANSACTION_IN_PROGRESS",
                    "the issue phase of this transaction is still running; ask again");
            default -> throw documentGone(req.transaction());
        }
    }

    // ---------------------------------------------------------------- phase 3: completion

    /**
     * Phase 3: what became of the document. PRINTED, PRINT_FAILED or CANCELLED (before payment)
     * ends the transaction: the document is deleted and the outcome recorded in the history with
     * the fee charged (only a printed certificate is charged). A retry gets the same answer.
     */
    public String complete(String body, String contentType) {
        IssuanceRequest.Completion c = IssuanceRequest.parseCompletion(contentType, body);
        Transactions.Tx t = transactions.find(c.transaction()).orElseThrow(() -> new IssuanceException(
                "UNKNOWN_TRANSACTION", 404, "no issued document belongs to this transaction"));
        coupled(t.municipality());
        if ("ISSUED".equals(t.state())) {
            OffsetDateTime now = OffsetDateTime.now(clock);
            boolean ended = Boolean.TRUE.equals(tx.execute(s -> {
                if (!transactions.finish(t.id(), "ISSUED", c.outcome(), null, null, null, now)) {
                    return false;
                }
                record(t, c.outcome(), null, now);
                return true;
            }));
            documents.remove(t.id());
            if (ended) {
                LOG.info("complete {} {} tx {}: {} {}, document deleted", t.municipality(), t.kind(), t.id(),
                        t.issueNumber(), c.outcome());
                return completionAnswer(t, c.outcome());
            }
            return complete(body, contentType);
        }
        if (OUTCOMES.contains(t.state())) {
            if (!t.state().equals(c.outcome())) {
                throw conflict(c.transaction());
            }
            return completionAnswer(t, c.outcome());
        }
        if ("ABANDONED".equals(t.state())) {
            throw new IssuanceException("DOCUMENT_EXPIRED", 410,
                    "the document was deleted unprinted after its time-to-live; the transaction is abandoned");
        }
        throw outOfOrder(c.transaction());
    }

    private static String completionAnswer(Transactions.Tx t, String outcome) {
        ObjectNode n = JSON.createObjectNode();
        n.put("transaction", t.id());
        n.put("outcome", outcome);
        n.put("issueNumber", t.issueNumber());
        n.put("fee", "PRINTED".equals(outcome) && t.fee() != null ? t.fee() : 0);
        return n.toString();
    }

    // ---------------------------------------------------------------- the time-to-live

    /**
     * Ends what no completion ended within the time-to-live, as of {@code now}: both halves below, on
     * this instance. Returns how many documents were abandoned.
     */
    public int sweep(OffsetDateTime now) {
        int abandoned = sweepTransactions(now);
        sweepDocuments(now);
        return abandoned;
    }

    /**
     * The database half of the sweep, as of {@code now} — singleton work (route {@code transaction-ttl},
     * one instance at a time): an issued transaction older than the time-to-live is ABANDONED (history
     * row) and its document deleted here if held here; an issue phase stuck since then (the instance
     * died) is voided or forgotten; an availability answer is dropped. Returns how many were abandoned.
     */
    public int sweepTransactions(OffsetDateTime now) {
        OffsetDateTime before = now.minus(documentTtl);
        int abandoned = 0;
        for (Transactions.Tx t : transactions.olderThan("ISSUED", before)) {
            boolean ended = Boolean.TRUE.equals(tx.execute(s -> {
                if (!transactions.finish(t.id(), "ISSUED", "ABANDONED", null, null, null, now)) {
                    return false;
                }
                record(t, "ABANDONED", null, now);
                return true;
            }));
            documents.remove(t.id());
            if (ended) {
                abandoned++;
                LOG.warn("sweep {} {} tx {}: {} not completed within {}, document deleted, ABANDONED", t.municipality(),
                        t.kind(), t.id(), t.issueNumber(), documentTtl);
            }
        }
        for (Transactions.Tx t : transactions.olderThan("ISSUING", before)) {
            if (t.issueNumber() == null) {
                transactions.forget(t.id(), "ISSUING");
            } else {
                // numbered, then its instance died: the number is recorded VOIDED, not skipped
                tx.executeWithoutResult(s -> {
                    if (transactions.finish(t.id(), "ISSUING", "VOIDED", "INTERNAL_ERROR", null, null, now)) {
                        record(transactions.find(t.id()).orElseThrow(), "VOIDED", "INTERNAL_ERROR", now);
                        LOG.warn("sweep {} {} tx {}: {} numbered but never issued, VOIDED", t.municipality(), t.kind(),
                                t.id(), t.issueNumber());
                    }
                });
            }
        }
        for (Transactions.Tx t : transactions.olderThan("CHECKED", before)) {
            transactions.finish(t.id(), "CHECKED", "EXPIRED", null, null, null, now);
        }
        return abandoned;
    }

    /**
     * The memory half of the sweep, as of {@code now} — every instance (route {@code document-ttl}):
     * the documents this instance holds that are past their time-to-live, or whose transaction has
     * ended (completed or abandoned through any instance). Returns how many were dropped.
     */
    public int sweepDocuments(OffsetDateTime now) {
        return documents.release(now.toInstant(), transactions::stillIssued);
    }

    /** {@link #sweep} as of now. */
    public int sweep() {
        return sweep(OffsetDateTime.now(clock));
    }

    /** {@link #sweepTransactions} as of now (route {@code transaction-ttl}, on the leader only). */
    public int sweepTransactions() {
        return sweepTransactions(OffsetDateTime.now(clock));
    }

    /**
     * {@link #sweepDocuments} as of now (route {@code document-ttl}, on every instance, every
     * {@code kofu.documents.release-period} ms).
     */
    public int sweepDocuments() {
        return sweepDocuments(OffsetDateTime.now(clock));
    }

    // ---------------------------------------------------------------- shared steps

    /** The kind, if the municipality offers it and this hub makes it, and the options fit it. */
    private CertificateKind offered(MunicipalityProfile city, String code, CertificateOptions options) {
        CertificateKind kind = kinds.get(code);
        if (!city.offers(code) || kind == null) {
            throw IssuanceException.refused("KIND_NOT_OFFERED", "municipality " + city.code() + " does not offer " + code + " at kiosks");
        }
        if (!kind.accepts(options)) {
            throw IssuanceException.badRequest("MALFORMED_REQUEST", "an option given does not apply to " + code);
        }
        return kind;
    }

    /** The fee now, if the kind's service is open now; else OUTSIDE_SERVICE_HOURS with the next opening. */
    private int open(MunicipalityProfile city, String code, ZonedDateTime now) {
        Optional<ZonedDateTime> closed = ignoreHours ? city.serviceCalendar().maintenanceUntil(now)
                : city.serviceCalendar().closedUntil(code, now);
        if (closed.isPresent()) {
            throw new IssuanceException("OUTSIDE_SERVICE_HOURS", 422, "the service is closed now",
                    Map.of("nextOpening", closed.get().toOffsetDateTime().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
        }
        OptionalInt fee = city.fee(code, now.toLocalDate());
        if (fee.isEmpty()) {
            throw IssuanceException.refused("KIND_NOT_OFFERED", "no fee is set for " + code + " today");
        }
        return fee.getAsInt();
    }

    private void stale(MunicipalityProfile city, CertificateKind kind) {
        freshness.problem(city.code(), kind.sources()).ifPresent(why -> {
            LOG.warn("issue {} {}: refused REPLICA_STALE ({})", city.code(), kind.code(), why);
            throw IssuanceException.refused(RefusalCode.REPLICA_STALE.name(), RefusalCode.REPLICA_STALE.meaning());
        });
    }

    private CertificateKind.Draft draft(CertificateKind kind, MunicipalityProfile city, IssuanceRequest req, LocalDate today) {
        Optional<CertificateKind.Draft> draft;
        try {
            draft = kind.draft(city, req.serial(), req.options(), sealUri(city), today);
        } catch (CertificateKind.Refusal r) {
            LOG.info("issue {} {} tx {} atena {}: refused {}", city.code(), req.kind(), req.transaction(), r.atena(), r.code());
            throw IssuanceException.refused(r.code().name(), r.getMessage());
        } catch (JuminhyoKind.InvalidSelection e) {
            LOG.info("issue {} {} tx {}: INVALID_SELECTION", city.code(), req.kind(), req.transaction());
            throw IssuanceException.badRequest("INVALID_SELECTION", e.getMessage());
        }
        return draft.orElseThrow(() -> {
            LOG.info("issue {} {} tx {}: UNKNOWN_CARD", city.code(), req.kind(), req.transaction());
            return unknownCard(city);
        });
    }

    private IssuanceException voided(PreparedCertificate prepared, RefusalCode code) {
        return voided(prepared, IssuanceException.refused(code.name(), code.meaning()));
    }

    /** A numbered document that will not be answered: VOIDED in the transaction and the history. */
    private IssuanceException voided(PreparedCertificate prepared, IssuanceException why) {
        if (prepared.isAgain()) {
            // the document was answered before (the centre may be printing it): never voided by a retry
            // that cannot make it again here; the stop switch keeps its own code
            return COUPLING_SUSPENDED.equals(why.getCode()) ? why : unavailableAgain(prepared, why.getCode());
        }
        end(prepared.getRequest(), "ISSUING", "VOIDED", why.getCode(), prepared.getHolderAtena(), prepared.getIssueNumber());
        return why;
    }

    /**
     * Ends an issue phase that produced no document: REFUSED (a 422 before numbering) or VOIDED
     * (after), each with a history row; anything else (a bad request after the claim) is forgotten.
     */
    private void end(IssuanceRequest req, String from, String to, String code, String atena, String number) {
        if (to == null) {
            transactions.forget(req.transaction(), from);
            return;
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        tx.executeWithoutResult(s -> {
            Optional<Transactions.Tx> t = transactions.find(req.transaction());
            if (t.isPresent() && transactions.finish(req.transaction(), from, to, code, atena, number, now)) {
                record(transactions.find(req.transaction()).orElseThrow(), to, code, now);
            }
        });
    }

    /** One history row for a transaction that ended; only a printed certificate is charged. */
    private void record(Transactions.Tx t, String outcome, String code, OffsetDateTime now) {
        boolean printed = "PRINTED".equals(outcome);
        String refusal = code != null ? code : t.refusalCode();
        // counted once the row is committed (append always runs inside a transaction)
        if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            metrics.issuance(t.municipality(), t.kind(), outcome, refusal);
                        }
                    });
        }
        history.append(new HistoryEntry(t.municipality(), now, t.id(), t.store(), t.terminal(), t.holderAtena(),
                t.kind(), t.printedOptions(), printed && t.pages() != null ? t.pages() : 0, t.issueNumber(),
                printed && t.fee() != null ? t.fee() : 0, outcome, code != null ? code : t.refusalCode()));
    }

    /** The printed items in a short, id-only form for the history: e.g. {@code members=LIST[1,2];head;honseki}. */
    static String printedOptions(CertificateOptions o) {
        List<String> parts = new ArrayList<>();
        parts.add("members=" + o.members() + (o.positions().isEmpty() ? "" : o.positions().toString().replace(" ", "")));
        if (o.householdHead()) {
            parts.add("head");
        }
        if (o.honseki()) {
            parts.add("honseki");
        }
        if (o.juminhyoCode()) {
            parts.add("juminhyoCode");
        }
        if (o.myNumber()) {
            parts.add("myNumber");
        }
        if (o.taxYear() != null) {
            parts.add("taxYear=" + o.taxYear());
        }
        return String.join(";", parts);
    }

    private String sealUri(MunicipalityProfile city) {
        return municipalities.sealImage(city).toUri().toString();
    }

    private MunicipalityProfile city(String code) {
        return municipalities.find(code).orElseThrow(() ->
                new IssuanceException("UNKNOWN_MUNICIPALITY", 404, "this hub does not serve municipality " + code));
    }

    private static IssuanceException unknownCard(MunicipalityProfile city) {
        return new IssuanceException("UNKNOWN_CARD", 404, "no resident of " + city.code() + " holds this card certificate");
    }

    private static IssuanceException conflict(String transaction) {
        return IssuanceException.conflict("TRANSACTION_CONFLICT",
                "this transaction id was used with different content");
    }

    private static IssuanceException outOfOrder(String transaction) {
        return IssuanceException.conflict("PHASE_OUT_OF_ORDER", "this phase does not follow the transaction's state");
    }

    private static IssuanceException documentGone(String transaction) {
        return new IssuanceException("TRANSACTION_COMPLETED", 409,
                "this transaction is completed; its document is deleted");
    }

    private static IssuanceException refusalAgain(String code) {
        String meaning = "the request was refused";
        for (RefusalCode r : RefusalCode.values()) {
            if (r.name().equals(code)) {
                meaning = r.meaning();
            }
        }
        return new IssuanceException(code == null ? "INTERNAL_ERROR" : code, "INTERNAL_ERROR".equals(code) ? 500 : 422,
                meaning);
    }

    private static String sha256(String s) {
        return sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
