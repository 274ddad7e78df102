package jp.kofuhub.keys;

/**
 * Writes the demo key set before the hub first needs a key, when the demo asks for it. The hub has
 * no implementation: the demo's ({@code jp.kofuhub.demo.DemoKeysOnFirstRun} in kofu-tools, started
 * by {@code ./kofu serve}) is a bean only when the tools are on the class path, so the beans that
 * read keys take it as an {@code ObjectProvider} and go on without it (keys supplied as files).
 */
public interface KeysOnFirstRun {

    /** Writes the demo set now if this hub should (idempotent). */
    void ensure();
}
