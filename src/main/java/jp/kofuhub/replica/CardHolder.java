package jp.kofuhub.replica;

import java.util.List;

/**
 * What an issuance needs, read in one SQL statement so it is one consistent snapshot: the
 * card-certificate that asked, its holder, the holder's household and all its members (removed ones
 * included; the certificate rules decide what prints).
 */
public record CardHolder(
        String serial,
        String certKind,
        String certStatus,
        java.time.LocalDate certValidUntil,
        Person holder,
        Household household,
        List<Person> members,
        SealRegistration seal,
        TaxRecord tax) {

    public CardHolder(
            String serial,
            String certKind,
            String certStatus,
            java.time.LocalDate certValidUntil,
            Person holder,
            Household household,
            List<Person> members,
            SealRegistration seal) {
        this(serial, certKind, certStatus, certValidUntil, holder, household, members, seal, null);
    }

    /** The same card holder with the seal registration read in the same statement. */
    public CardHolder withSeal(SealRegistration s) {
        return new CardHolder(
                serial, certKind, certStatus, certValidUntil, holder, household, members, s, tax);
    }

    /** The same card holder with the tax record read in the same statement. */
    public CardHolder withTax(TaxRecord t) {
        return new CardHolder(
                serial, certKind, certStatus, certValidUntil, holder, household, members, seal, t);
    }
}
