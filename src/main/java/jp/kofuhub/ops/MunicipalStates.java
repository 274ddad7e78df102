package jp.kofuhub.ops;

import java.util.Map;
import java.util.TreeMap;
import jp.kofuhub.ops.CouplingSwitch.State;

/**
 * The municipalities' own switches ({@link CouplingSwitch#suspendMunicipality}): those with a
 * {@code municipality_coupling} row, by code, as this instance last read or set them. Immutable.
 */
record MunicipalStates(Map<String, State> byCode) {

    static final MunicipalStates NONE = new MunicipalStates(Map.of());

    /** One municipality's switch ({@link State#NEVER} when it has no row). */
    State of(String municipality) {
        State s = municipality == null ? null : byCode.get(municipality);
        return s == null ? State.NEVER : s;
    }

    /** The municipalities suspended on their own, by code. */
    Map<String, State> suspended() {
        Map<String, State> out = new TreeMap<>();
        byCode.forEach(
                (code, s) -> {
                    if (s.suspended()) {
                        out.put(code, s);
                    }
                });
        return out;
    }

    /** These switches with one municipality's set to {@code s}. */
    MunicipalStates with(String municipality, State s) {
        Map<String, State> m = new TreeMap<>(byCode);
        m.put(municipality, s);
        return new MunicipalStates(Map.copyOf(m));
    }
}
