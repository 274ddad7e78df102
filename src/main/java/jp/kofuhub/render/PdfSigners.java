package jp.kofuhub.render;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which key signs a municipality's certificates (issue #10: municipalities are tenants): the
 * municipality's own {@link PdfSigner} when one is configured ({@code
 * kofu.signing.municipalities.<code>.*}), else the hub's ({@code kofu.signing.keystore}); none at
 * all on a hub without a signing keystore (the PDF goes unsigned, as before). Immutable after
 * construction; {@link PdfSigner} is thread-safe.
 */
public final class PdfSigners {

    private final PdfSigner hub;
    private final Map<String, PdfSigner> own;

    /**
     * @param hub the hub's signer, or null (unsigned unless the municipality has its own)
     * @param own the municipalities' own signers, by 団体コード
     */
    public PdfSigners(PdfSigner hub, Map<String, PdfSigner> own) {
        this.hub = hub;
        this.own = Map.copyOf(new TreeMap<>(own));
    }

    /** The hub's key only, for every municipality. */
    public static PdfSigners hubOnly(PdfSigner hub) {
        return new PdfSigners(hub, Map.of());
    }

    /** The signer of a municipality's certificates: its own, else the hub's; null = unsigned. */
    public PdfSigner forMunicipality(String municipality) {
        PdfSigner s = municipality == null ? null : own.get(municipality);
        return s != null ? s : hub;
    }

    /** The hub's own signer (it also signs the metadata of the hub's answers), or null. */
    public PdfSigner hub() {
        return hub;
    }

    /** The municipalities that sign with a key of their own. */
    public Set<String> withOwnKey() {
        return own.keySet();
    }
}
