package jp.kofuhub.issuance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import jp.kofuhub.keys.AtRestCipher;
import jp.kofuhub.render.PdfRenderer;

/**
 * Issued documents between the issue phase and their completion, in this instance's memory only: a
 * certificate is never written to the database (whose WAL and dead row versions would keep it after
 * a delete), to a temporary file or to a log. Removed at the completion, at the time-to-live, or
 * with the process. The {@link #instanceId} names this instance in the transaction rows. Several
 * instances may hold the same document (a retry made it again on another one, issue #10); each
 * drops its copy when the transaction ends anywhere ({@link #release}).
 *
 * <p>The PDF bytes are held encrypted at rest ({@link AtRestCipher}, the hub's at-rest key;
 * docs/keys.md "At rest"), so a heap dump or swapped-out page does not show a certificate; {@link
 * #get} decrypts a fresh copy each time (a retried transaction gets the same document).
 */
public class DocumentStore {

    private record Held(byte[] sealed, int pages, Instant until) {}

    private final ConcurrentHashMap<String, Held> documents = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration ttl;
    private final String instanceId = UUID.randomUUID().toString();
    private final AtRestCipher cipher;

    public DocumentStore(Clock clock, Duration ttl, AtRestCipher cipher) {
        this.clock = clock;
        this.ttl = ttl;
        this.cipher = cipher;
    }

    /**
     * A store whose documents are encrypted under a random key held in memory only (tests, tools).
     */
    public DocumentStore(Clock clock, Duration ttl) {
        this(clock, ttl, AtRestCipher.ephemeral());
    }

    public String instanceId() {
        return instanceId;
    }

    public void put(String transaction, PdfRenderer.RenderedPdf pdf) {
        documents.put(
                transaction,
                new Held(
                        cipher.encrypt(pdf.getBytes()), pdf.getPages(), clock.instant().plus(ttl)));
    }

    /**
     * The held document, decrypted.
     *
     * @throws IllegalStateException when the held bytes fail their check, or their key was removed
     *     from the key file while the document was held
     */
    public Optional<PdfRenderer.RenderedPdf> get(String transaction) {
        Held h = documents.get(transaction);
        if (h == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PdfRenderer.RenderedPdf(cipher.decrypt(h.sealed()), h.pages()));
        } catch (AtRestCipher.AtRestException e) {
            throw new IllegalStateException(
                    "the held document of a transaction cannot be decrypted: " + e.getMessage(), e);
        }
    }

    /** The bytes held for a transaction, as held (encrypted); for tests. */
    Optional<byte[]> sealed(String transaction) {
        Held h = documents.get(transaction);
        return h == null ? Optional.empty() : Optional.of(h.sealed().clone());
    }

    public void remove(String transaction) {
        documents.remove(transaction);
    }

    /**
     * Drops documents past their time-to-live at {@code now} (without asking anyone), then every
     * document whose transaction {@code stillIssued} — asked once for all ids held — does not name:
     * completed, abandoned or unknown, on whichever instance that happened. Route {@code
     * document-ttl} runs it every {@code kofu.documents.release-period} ms, so a completion on any
     * instance deletes the document on every instance within that period.
     */
    public int release(
            Instant now,
            java.util.function.Function<java.util.Set<String>, java.util.Set<String>> stillIssued) {
        int before = documents.size();
        documents.entrySet().removeIf(e -> e.getValue().until().isBefore(now));
        if (!documents.isEmpty()) {
            java.util.Set<String> held = java.util.Set.copyOf(documents.keySet());
            java.util.Set<String> issued = stillIssued.apply(held);
            held.stream().filter(id -> !issued.contains(id)).forEach(documents::remove);
        }
        return before - documents.size();
    }

    public int size() {
        return documents.size();
    }
}
