package jp.kofuhub.replica;

import java.time.LocalDate;

/**
 * One resident as the replica holds them now (the current snapshot). {@code personBlock} and {@code
 * supportMeasure} already include the person's active issuance-block records. {@code myNumber}
 * (個人番号) is null unless the municipality's profile prints it and the registry sends it (record type
 * N of the export contract).
 */
public record Person(
        String atenaNo,
        String householdNo,
        String residentType,
        String familyName,
        String givenName,
        String familyNameKana,
        String givenNameKana,
        boolean kanaConfirmed,
        String kyuUji,
        String kyuUjiKana,
        String alphaName,
        String tsusho,
        String tsushoKana,
        String nationality,
        String residenceStatus,
        LocalDate residencePeriodEnd,
        LocalDate birthDate,
        String sex,
        String relationship,
        String honseki,
        String hittosha,
        LocalDate addressSince,
        String previousAddress,
        LocalDate becameResidentDate,
        LocalDate notifiedDate,
        String status,
        boolean personBlock,
        String supportMeasure,
        boolean adultGuardianship,
        String changeReason,
        String juminhyoCode,
        String residenceCardNo,
        LocalDate changeNotifiedDate,
        LocalDate processedDate,
        String myNumber) {

    public boolean foreign() {
        return "F".equals(residentType);
    }

    public boolean removed() {
        return "REMOVED".equals(status);
    }

    public boolean moveOutPlanned() {
        return "MOVE_OUT_PLANNED".equals(status);
    }

    /**
     * A 転入 whose procedure (届出 or 処理) happened on {@code day}: not issued that day (DOMAIN §3.8).
     */
    public boolean movedInOn(LocalDate day) {
        return "転入".equals(changeReason)
                && (day.equals(changeNotifiedDate) || day.equals(processedDate));
    }

    public boolean underSupportMeasure() {
        return !"NONE".equals(supportMeasure);
    }
}
