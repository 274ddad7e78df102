package jp.kofuhub.registry;

import java.util.EnumSet;
import java.util.Set;

/**
 * The in-house systems that send export files, and the record types each may send. A FULL snapshot
 * of a source replaces exactly the rows of its record types for the municipality.
 */
public enum SourceSystem {
    /** 住民記録システム: households, residents, card serials, issuance blocks, 個人番号. */
    JUKI(EnumSet.of(RecordType.H, RecordType.R, RecordType.C, RecordType.B, RecordType.N)),
    /** 印鑑登録システム: seal registrations. */
    INKAN(EnumSet.of(RecordType.S)),
    /** 税務システム: tax records. */
    ZEI(EnumSet.of(RecordType.T)),
    /** 戸籍証明書サーバ側: 本籍地利用登録. */
    KOSEKI(EnumSet.of(RecordType.K));

    private final Set<RecordType> types;

    SourceSystem(Set<RecordType> types) {
        this.types = types;
    }

    public Set<RecordType> recordTypes() {
        return types;
    }

    public static SourceSystem of(String name) {
        for (SourceSystem s : values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
