package jp.kofuhub.sync;

/**
 * A DELTA arrived before the file that precedes it. Not a bad file: it stays in the inbox and is
 * tried again until the missing one arrives (the route does not handle this exception).
 */
public class SequenceGapException extends RuntimeException {

    public SequenceGapException(String municipality, String source, long last, long got) {
        super(
                "SEQUENCE_GAP: "
                        + municipality
                        + " "
                        + source
                        + " expects "
                        + (last + 1)
                        + ", got "
                        + got);
    }
}
