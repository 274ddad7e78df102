package jp.kofuhub.render;

/**
 * The {@link RenderPool} refused an admission: as much CPU-bound work is admitted as it can finish
 * within its deadline. Nothing was started; ask again after {@link #retryAfterSeconds()}.
 */
public class BusyException extends RuntimeException {

    private final long retryAfterSeconds;

    public BusyException(long retryAfterSeconds) {
        super("the hub is busy; ask again in " + retryAfterSeconds + " s", null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
