package jp.kofuhub.certificate;

/**
 * Why a resident is sent to the counter. Each code is documented in
 * docs/interfaces/issuance-centre.md and maps to a condition of DOMAIN.md §3.
 */
public enum RefusalCode {
    CARD_NOT_VALID("the card certificate is revoked, suspended or expired"),
    MOVED_OUT("the person has moved out of the municipality"),
    DECEASED("the person's record is closed by death"),
    RECORD_REMOVED("the person's record is removed (消除)"),
    MOVE_OUT_FILED("the person has filed a move-out (転出届)"),
    HOUSEHOLD_MOVE_OUT_FILED("a member of the household has filed a move-out"),
    SUPPORT_MEASURE("a DV/stalking support measure (支援措置) applies"),
    ISSUANCE_BLOCKED("an issuance block (抑止) applies to the person or the household"),
    MOVE_IN_TODAY(
            "a move-in (転入) was notified or processed today; the record is issued from tomorrow"),
    UNDER_15("the card holder is under 15"),
    ADULT_GUARDIANSHIP("the municipality does not issue to adults under guardianship at kiosks"),
    NO_VALID_SEAL("the card holder has no valid seal registration"),
    SEAL_SIZE_UNKNOWN(
            "the seal registration carries no physical size of its impression (registry export before 1.5)"),
    SEAL_SIZE_UNPRINTABLE(
            "the seal impression is larger than the certificate's 印影 frame and cannot print at its real size"),
    NOT_RESIDENT_ON_JAN_1("the card holder was not a resident on 1 January of the tax year"),
    NO_TAX_DATA("there is no tax data for the card holder in the tax year offered"),
    TAX_YEAR_NOT_OFFERED("the municipality does not offer this tax year at kiosks"),
    TAX_VARIANT_NOT_OFFERED("special-purpose tax certificates are issued at the counter only"),
    KOSEKI_NOT_REGISTERED(
            "the card holder's 本籍 is not in the municipality and no 本籍地利用登録 is approved"),
    KOSEKI_REGISTRATION_PENDING("the card holder's 本籍地利用登録 is still being reviewed"),
    KOSEKI_REMOVED("the 戸籍 is closed (除籍) or held only in a 改製原戸籍: counter only"),
    KOSEKI_NOTIFICATION_PENDING("a notification (届出) for the 戸籍 is not yet reflected"),
    KOSEKI_UNKNOWN_PERSON("the koseki server does not find the card holder in the 戸籍"),
    KOSEKI_UNAVAILABLE(
            "the koseki certificate server refused the connection, did not answer in time or failed"),
    KOSEKI_MISMATCH("the koseki server answered with a document other than the one asked for"),
    KOSEKI_SIGNATURE_INVALID(
            "the koseki server's PDF is not signed by the city's 戸籍 key, was changed after signing, or"
                    + " carries no 公印; it is not relayed"),
    OPTION_NOT_OFFERED(
            "the municipality does not print the item asked for (住民票コード or 個人番号) at kiosks"),
    GLYPH_UNAVAILABLE(
            "a character cannot be printed by the certificate fonts, or is still being registered (外字登録中)"),
    FIELD_OVERFLOW("a name or address is too long for its box even after shrinking"),
    REPLICA_STALE("the registry data is older than the configured limit (the sync is behind)"),
    REPLICA_CHANGED("the registry data changed while the certificate was being made; ask again");

    private final String meaning;

    RefusalCode(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}
