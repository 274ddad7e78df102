package jp.kofuhub.sync;

import java.io.IOException;

/**
 * No room to decrypt a registry export file in {@code kofu.sync.pgp.work-dir} ({@value #CODE}): the
 * volume under it is full (the disk answered "no space left", or fewer than {@code
 * kofu.sync.pgp.work-reserve-bytes} would stay free) or the folder's byte cap {@code
 * kofu.sync.pgp.work-max-bytes} would be passed. Not the file's fault: nothing of it is applied, it
 * is not quarantined, it stays in the inbox and is tried again at the next poll — at once when
 * there is room again ({@link SyncWorkSpace}). An {@link IOException}, so the route's quarantine
 * policy never sees it as a bad file (docs/faults.md, registry-export.md §2.1).
 */
public class WorkDirFullException extends IOException {

    /** The documented code (health component {@code syncWork}, the log, docs/faults.md). */
    public static final String CODE = "WORK_DIR_FULL";

    private final String file;
    private final long neededBytes;

    public WorkDirFullException(String file, long neededBytes, String why) {
        super(CODE + ": " + why);
        this.file = file;
        this.neededBytes = neededBytes;
    }

    /** The received file's name (a file name: municipality, source, sequence, kind). */
    public String file() {
        return file;
    }

    /** The least room the file needs in the work folder, as far as the hub knows, in bytes. */
    public long neededBytes() {
        return neededBytes;
    }

    public String code() {
        return CODE;
    }
}
