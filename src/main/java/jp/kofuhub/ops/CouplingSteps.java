package jp.kofuhub.ops;

/**
 * The stop switch's route steps ({@code align-coupling} of coupling-watch, {@code hold-suspended}
 * of registry-sync), handed to {@link CouplingSwitch}. A bean of its own because Camel registers a
 * bean step's processor MBean as the bean's own MBean when the bean is a JMX managed resource: the
 * steps' MBeans were the switch's (no route id, no index, no statistics), and Camel's {@code
 * dumpRoutesStatsAsXml} — Hawtio's route diagram statistics — failed on them with an {@code
 * UndeclaredThrowableException} ({@code AttributeNotFoundException}; issue #19).
 */
public class CouplingSteps {

    private final CouplingSwitch coupling;

    public CouplingSteps(CouplingSwitch coupling) {
        this.coupling = coupling;
    }

    /** {@link CouplingSwitch#align()}. */
    public void align() {
        coupling.align();
    }

    /** {@link CouplingSwitch#holdSync(String)}. */
    public void holdSync(String fileName) {
        coupling.holdSync(fileName);
    }
}
