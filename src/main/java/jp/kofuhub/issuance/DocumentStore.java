package jp.kofuhub.issuance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import jp.kofuhub.render.PdfRenderer;

/**
 * Issued documents between the issue phase and their completion, in this instance's memory only:
 * a certificate is never written to the database (whose WAL and dead row versions would keep it
 * after a delete), to a temporary file or to a log. Removed at the completion, at the time-to-live,
 * or with the process. The {@link #instanceId} names this instance in the transaction rows.
 */
public class DocumentStore {

    private record Held(PdfRenderer.RenderedPdf pdf, Instant until) {
    }

    private final ConcurrentHashMap<String, Held> documents = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration ttl;
    private final String instanceId = UUID.randomUUID().toString();

    public DocumentStore(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    public String instanceId() {
        return instanceId;
    }

    public void put(String transaction, PdfRenderer.RenderedPdf pdf) {
        documents.put(transaction, new Held(pdf, clock.instant().plus(ttl)));
    }

    public Optional<PdfRenderer.RenderedPdf> get(String transaction) {
        Held h = documents.get(transaction);
        return h == null ? Optional.empty() : Optional.of(h.pdf());
    }

    public void remove(String transaction) {
        documents.remove(transaction);
    }

    /** Drops documents past their time-to-live at {@code now}, and those {@code ended} says are over. */
    public int sweep(Instant now, Predicate<String> ended) {
        int before = documents.size();
        documents.entrySet().removeIf(e -> e.getValue().until().isBefore(now) || ended.test(e.getKey()));
        return before - documents.size();
    }

    public int size() {
        return documents.size();
    }
}
