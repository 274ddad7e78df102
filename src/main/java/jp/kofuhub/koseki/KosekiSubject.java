package jp.kofuhub.koseki;

/**
 * The subject of a 戸籍 request, from an approved 本籍地利用登録: the 本籍 and 筆頭者 of the 戸籍, and the card
 * holder's name and birth date as the issuance centre sent them with the registration request (the
 * basic four items of the card certificate), which the koseki server matches a person of that 戸籍
 * by. {@code registrationId} is the application's id ({@code HR-…}), which the koseki side's export
 * record {@code K} carries too. Personal data: never logged.
 */
public record KosekiSubject(
        String honseki,
        String hittosha,
        String name,
        java.time.LocalDate birthDate,
        String registrationId) {

    /** Without the personal fields, so a subject that reaches a log shows ids only. */
    @Override
    public String toString() {
        return "KosekiSubject[registrationId=" + registrationId + "]";
    }
}
