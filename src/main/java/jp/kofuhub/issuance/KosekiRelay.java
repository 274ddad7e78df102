package jp.kofuhub.issuance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import jp.kofuhub.certificate.RefusalCode;
import jp.kofuhub.render.PdfRenderer;
import jp.kofuhub.render.PdfSignatureCheck;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase 2 for 戸籍 (route {@code koseki-relay}): the city's koseki certificate server makes the PDF
 * (docs/interfaces/koseki-server.md). This bean writes the request and checks the answer; the route
 * seals, calls and guards the call with its circuit breaker. A numbered issuance that gets no
 * document is VOIDED.
 */
public class KosekiRelay {

    private static final Logger LOG = LoggerFactory.getLogger(KosekiRelay.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CouplingGuard coupling;
    private final TransactionEnds ends;
    private final KosekiServers servers;
    private final Clock clock;

    public KosekiRelay(
            CouplingGuard coupling, TransactionEnds ends, KosekiServers servers, Clock clock) {
        this.coupling = coupling;
        this.ends = ends;
        this.servers = servers;
        this.clock = clock;
    }

    /**
     * The request to the koseki server: the drafted request with this issuance's 発行番号 as requestId.
     */
    public String request(PreparedCertificate prepared) {
        coupling.stillCoupled(
                prepared); // nothing reaches the koseki server while the coupling is suspended
        try {
            ObjectNode request = (ObjectNode) JSON.readTree(prepared.getDataXml());
            ObjectNode withId = JSON.createObjectNode().put("requestId", prepared.getIssueNumber());
            withId.setAll(request);
            return withId.toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "the koseki request of " + prepared.getTransaction() + " is not JSON", e);
        }
    }

    /**
     * The koseki server's answer: a PDF is relayed only when it is the one asked for (request id,
     * kind, subject hash in the headers and in the PDF's document information); its refusals become
     * the centre's refusal codes; anything else is KOSEKI_UNAVAILABLE.
     */
    public RenderedCertificate answer(PreparedCertificate prepared, Exchange exchange) {
        Message m = exchange.getMessage();
        Integer status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        byte[] body = m.getBody(byte[].class);
        String tx = prepared.getTransaction();
        if (status != null && status == 200) {
            PdfSignatureCheck.Checked checked = verified(prepared, body);
            String subject = subject(prepared);
            boolean same =
                    prepared.getIssueNumber()
                                    .equals(m.getHeader("X-Koseki-Request-Id", String.class))
                            && prepared.getRequest()
                                    .kind()
                                    .equals(m.getHeader("X-Koseki-Kind", String.class))
                            && subject.equals(m.getHeader("X-Koseki-Subject", String.class))
                            && body != null
                            && new String(body, StandardCharsets.ISO_8859_1).contains(subject);
            if (!same) {
                LOG.error(
                        "koseki tx {} {}: the server answered with another document: voided",
                        tx,
                        prepared.getIssueNumber());
                throw ends.voided(prepared, RefusalCode.KOSEKI_MISMATCH);
            }
            return new RenderedCertificate(
                    new PdfRenderer.RenderedPdf(body, checked.pages()), null);
        }
        if (status != null && status == 422) {
            String code = "";
            try {
                code = JSON.readTree(body).path("code").asText();
            } catch (java.io.IOException | RuntimeException e) {
                // not JSON: unavailable below
            }
            RefusalCode refusal =
                    switch (code) {
                        case "JOSEKI", "KAISEI_GENKOSEKI" -> RefusalCode.KOSEKI_REMOVED;
                        case "NOTIFICATION_PENDING" -> RefusalCode.KOSEKI_NOTIFICATION_PENDING;
                        case "UNKNOWN_PERSON" -> RefusalCode.KOSEKI_UNKNOWN_PERSON;
                        default -> RefusalCode.KOSEKI_UNAVAILABLE;
                    };
            LOG.info(
                    "koseki tx {} {}: refused by the koseki server {}",
                    tx,
                    prepared.getIssueNumber(),
                    code);
            throw ends.voided(prepared, refusal);
        }
        LOG.error(
                "koseki tx {} {}: unexpected answer HTTP {}",
                tx,
                prepared.getIssueNumber(),
                status);
        throw ends.voided(prepared, RefusalCode.KOSEKI_UNAVAILABLE);
    }

    /**
     * The server's PDF must be PAdES-signed by the certificate of the municipality's 戸籍 key, over
     * the whole file, and carry the 公印 (issue #18): else it is never relayed, the issuance is
     * voided KOSEKI_SIGNATURE_INVALID. The log names the reason, never the content.
     */
    private PdfSignatureCheck.Checked verified(PreparedCertificate prepared, byte[] body) {
        try {
            return PdfSignatureCheck.check(
                    body,
                    servers.signingCertificate(prepared.getMunicipality()),
                    Date.from(clock.instant()));
        } catch (PdfSignatureCheck.Refused | IllegalStateException e) {
            LOG.error(
                    "koseki tx {} {}: the server's PDF is refused KOSEKI_SIGNATURE_INVALID ({}):"
                            + " voided, not relayed",
                    prepared.getTransaction(),
                    prepared.getIssueNumber(),
                    e.getMessage());
            throw ends.voided(prepared, RefusalCode.KOSEKI_SIGNATURE_INVALID);
        }
    }

    /**
     * Step {@code koseki-unavailable}, the catch of the call: the koseki server refused the
     * connection, did not answer in time, failed, its answer's envelope was refused, or its breaker
     * is open. A permitted call counts against the municipality's breaker; the centre and the log
     * are told which of these it was (issue #18: a refused connection was reported as "does not
     * answer in time").
     */
    public void unavailable(PreparedCertificate prepared, Throwable error, Long started) {
        servers.failed(prepared.getMunicipality(), started, error);
        String why = KosekiServers.why(error);
        LOG.warn(
                "koseki tx {} {}: KOSEKI_UNAVAILABLE: {} ({})",
                prepared.getTransaction(),
                prepared.getIssueNumber(),
                why,
                error == null ? "-" : error.getClass().getSimpleName());
        throw ends.voided(
                prepared, IssuanceException.refused(RefusalCode.KOSEKI_UNAVAILABLE.name(), why));
    }

    /** SHA-256 of 本籍, 筆頭者, name and birth date, as docs/interfaces/koseki-server.md defines it. */
    static String subject(PreparedCertificate prepared) {
        try {
            JsonNode r = JSON.readTree(prepared.getDataXml());
            return IssuanceRules.sha256(
                    r.path("honseki").asText()
                            + "\n"
                            + r.path("hittosha").asText()
                            + "\n"
                            + r.path("person").path("name").asText()
                            + "\n"
                            + r.path("person").path("birthDate").asText());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
