package jp.kofuhub.sync;

/**
 * Where a FULL snapshot's rows go: the rows, by the insert statement that names their table and
 * columns.
 */
interface FullSink {
    void add(String insert, Object[] row);

    /** Everything added is written (or the failure thrown). */
    void finish();

    /** Stops; what was not written is dropped. */
    void close();
}
