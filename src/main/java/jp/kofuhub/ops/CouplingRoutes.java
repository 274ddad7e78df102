package jp.kofuhub.ops;

/**
 * The routes that cross the hub's boundary, as the stop switch sees them: suspend those running,
 * and resume those it suspended. Implemented over Camel's route controller by {@link
 * CamelCouplingRoutes}.
 */
public interface CouplingRoutes {

    /**
     * Suspends every boundary route that is running (idempotent; unknown route ids are skipped).
     */
    void suspend();

    /** Resumes the routes {@link #suspend} suspended (idempotent). */
    void resume();
}
