package jp.kofuhub.history;

import java.time.OffsetDateTime;

/**
 * One row of the issuance history (STD §1.3.8, DOMAIN §9): when, where (store and kiosk), whom (the
 * holder's 宛名番号, an id — never a name), which kind with which printed items, how many sheets, the
 * 発行番号, the fee, the outcome and the refusal code. Ids and codes only.
 *
 * @param municipality 全国地方公共団体コード, 6 digits
 * @param recordedAt when the outcome was recorded; stored and hashed truncated to milliseconds
 * @param transactionId the issuance centre's transaction id
 * @param store store code, or null
 * @param terminal kiosk terminal code, or null
 * @param holderAtena the subject's 宛名番号, or null (refused before a person was known)
 * @param kind certificate kind code (JUMINHYO, INKAN, …)
 * @param printedOptions the printed items in id-only form, or null
 * @param sheets sheets printed (0 when nothing was printed)
 * @param issueNumber 発行番号, or null when none was spent
 * @param fee fee charged in yen (0 when nothing was charged)
 * @param outcome one of {@link IssuanceHistory#OUTCOMES}
 * @param refusalCode refusal code, or null
 * @param operator who acted, on operator rows only (kind {@code COUPLING}: the stop switch; kind
 *     {@code SETTLEMENT}: a settlement file re-made on demand), else null
 * @param reason why, in the operator's words (control characters stripped, at most 400 characters),
 *     on operator rows only, else null
 */
public record HistoryEntry(
        String municipality,
        OffsetDateTime recordedAt,
        String transactionId,
        String store,
        String terminal,
        String holderAtena,
        String kind,
        String printedOptions,
        int sheets,
        String issueNumber,
        int fee,
        String outcome,
        String refusalCode,
        String operator,
        String reason) {

    /** A row of an issuance (no operator, no reason). */
    public HistoryEntry(
            String municipality,
            OffsetDateTime recordedAt,
            String transactionId,
            String store,
            String terminal,
            String holderAtena,
            String kind,
            String printedOptions,
            int sheets,
            String issueNumber,
            int fee,
            String outcome,
            String refusalCode) {
        this(
                municipality,
                recordedAt,
                transactionId,
                store,
                terminal,
                holderAtena,
                kind,
                printedOptions,
                sheets,
                issueNumber,
                fee,
                outcome,
                refusalCode,
                null,
                null);
    }
}
