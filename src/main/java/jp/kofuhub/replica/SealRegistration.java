package jp.kofuhub.replica;

import java.time.LocalDate;

/** A valid 印鑑登録 of a card holder: its number, the name form it uses and the seal image (PNG). */
public record SealRegistration(
        String registrationNo, String nameForm, LocalDate registeredDate, byte[] image) {}
