package jp.kofuhub.certificate;

import java.util.List;

/**
 * What the resident chose at the kiosk, beyond the kind (issuance-centre protocol, field {@code
 * options}). Everything defaults to the smallest certificate: the whole household, without 世帯主・続柄,
 * 本籍・筆頭者, 住民票コード or 個人番号 (住民基本台帳法 §12: these are left out unless asked for), the current 年度, the
 * ordinary tax certificate.
 *
 * @param members {@code ALL} (default), {@code SELF}, or {@code LIST} with {@code positions}
 * @param positions 1-based positions in the household listing (standard household order)
 * @param householdVersion the listing's version; a list of positions needs it, a different one is
 *     REPLICA_CHANGED
 * @param householdHead print 世帯主の氏名 and 続柄
 * @param honseki print 本籍 and 筆頭者
 * @param juminhyoCode print 住民票コード (only where the municipality allows)
 * @param myNumber print 個人番号 (only where the municipality allows)
 * @param taxYear the 年度 asked for; null = the one the municipality offers today
 * @param taxVariant a special-purpose tax certificate (e.g. for child allowance); counter only
 */
public record CertificateOptions(
        String members,
        List<Integer> positions,
        String householdVersion,
        boolean householdHead,
        boolean honseki,
        boolean juminhyoCode,
        boolean myNumber,
        Integer taxYear,
        String taxVariant) {

    public static final String ALL = "ALL";
    public static final String SELF = "SELF";
    public static final String LIST = "LIST";

    /** The defaults: whole household, no optional item, the current 年度. */
    public static final CertificateOptions NONE =
            new CertificateOptions(ALL, List.of(), null, false, false, false, false, null, null);

    public CertificateOptions {
        members = members == null ? ALL : members;
        positions = positions == null ? List.of() : List.copyOf(positions);
    }

    /** Whether any option for the 住民票 kinds was given. */
    public boolean hasJuminhyoOptions() {
        return !ALL.equals(members)
                || householdVersion != null
                || householdHead
                || honseki
                || juminhyoCode
                || myNumber;
    }

    /** Whether any option for the tax kinds was given. */
    public boolean hasTaxOptions() {
        return taxYear != null || taxVariant != null;
    }
}
