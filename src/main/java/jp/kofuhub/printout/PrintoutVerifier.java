package jp.kofuhub.printout;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Checks a printout code against published keys (docs/interfaces/printout-code.md §6), in this
 * order: the format ({@code MALFORMED}), a key of that id published for the municipality the
 * payload names ({@code UNKNOWN_KEY}), the signature ({@code BAD_SIGNATURE}), and the key's
 * validity at the time of checking and on the issue date ({@code EXPIRED_KEY}).
 */
public final class PrintoutVerifier {

    /** Why a code is not valid. */
    public enum Reason {
        MALFORMED,
        UNKNOWN_KEY,
        BAD_SIGNATURE,
        EXPIRED_KEY
    }

    /** The outcome: {@code reason} null when valid; {@code payload} null when malformed. */
    public record Verdict(Reason reason, String detail, String kid, Map<?, ?> payload) {
        public boolean valid() {
            return reason == null;
        }
    }

    private static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");

    private final List<PrintoutKey> keys;

    public PrintoutVerifier(List<PrintoutKey> keys) {
        this.keys = List.copyOf(keys);
    }

    public Verdict verify(String text, Instant now) {
        PrintoutEnvelope.Opened opened;
        try {
            opened = PrintoutEnvelope.open(text);
        } catch (Cbor.MalformedException e) {
            return new Verdict(Reason.MALFORMED, e.getMessage(), null, null);
        }
        Map<?, ?> p = opened.payload();
        String kid = PrintoutKey.kidText(opened.kid());
        if (!Long.valueOf(PrintoutPayload.VERSION).equals(p.get("v"))
                || !(p.get("m") instanceof String municipality)
                || !(p.get("d") instanceof String day)) {
            return new Verdict(Reason.MALFORMED, "payload lacks v, m or d", kid, p);
        }
        PrintoutKey key =
                keys.stream()
                        .filter(k -> k.municipality().equals(municipality))
                        .filter(k -> Arrays.equals(k.kid(), opened.kid()))
                        .findFirst()
                        .orElse(null);
        if (key == null) {
            return new Verdict(
                    Reason.UNKNOWN_KEY,
                    "no key " + kid + " is published for " + municipality,
                    kid,
                    p);
        }
        if (!PrintoutEnvelope.verify(opened.toBeSigned(), opened.signature(), key.publicKey())) {
            return new Verdict(Reason.BAD_SIGNATURE, "the signature does not match", kid, p);
        }
        if (!key.validAt(now)) {
            return new Verdict(
                    Reason.EXPIRED_KEY,
                    "key "
                            + kid
                            + " is valid from "
                            + key.notBefore()
                            + " until "
                            + key.notAfter()
                            + ", not now",
                    kid,
                    p);
        }
        LocalDate issued;
        try {
            issued = LocalDate.parse(day);
        } catch (java.time.format.DateTimeParseException e) {
            return new Verdict(Reason.MALFORMED, "issue date is not yyyy-MM-dd", kid, p);
        }
        LocalDate from = key.notBefore().atZone(JAPAN).toLocalDate();
        LocalDate until = key.notAfter().atZone(JAPAN).toLocalDate();
        if (issued.isBefore(from) || issued.isAfter(until)) {
            return new Verdict(
                    Reason.EXPIRED_KEY,
                    "key " + kid + " was not valid on the issue date " + day,
                    kid,
                    p);
        }
        return new Verdict(null, "signed by " + municipality + " key " + kid, kid, p);
    }
}
