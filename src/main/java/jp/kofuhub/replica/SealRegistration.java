package jp.kofuhub.replica;

import java.time.LocalDate;

/**
 * A valid 印鑑登録 of a card holder: its number, the name form it uses, the seal image (PNG) and the
 * physical size of that image in millimetres (null when the registry sent none: before registry
 * export 1.6).
 */
public record SealRegistration(
        String registrationNo,
        String nameForm,
        LocalDate registeredDate,
        byte[] image,
        java.math.BigDecimal widthMm,
        java.math.BigDecimal heightMm) {

    /** Without a size (tests of what does not print it). */
    public SealRegistration(
            String registrationNo, String nameForm, LocalDate registeredDate, byte[] image) {
        this(registrationNo, nameForm, registeredDate, image, null, null);
    }
}
