package jp.kofuhub.ops;

/**
 * A registry export file of a municipality whose coupling is suspended ({@link
 * CouplingSwitch#holdSync}). Not a bad file: route {@code registry-sync} does not handle it (policy
 * {@code sync-quarantine}, rule {@code sync-held}), so the file stays in the inbox and is tried
 * again at every poll until the municipality is resumed. Names the municipality and the file,
 * nothing of its content.
 */
public class MunicipalitySuspendedException extends RuntimeException {

    private final String municipality;

    public MunicipalitySuspendedException(String municipality, String fileName) {
        super(
                CouplingSwitch.CODE
                        + ": municipality "
                        + municipality
                        + " is suspended; "
                        + fileName
                        + " waits in the inbox");
        this.municipality = municipality;
    }

    public String getMunicipality() {
        return municipality;
    }
}
