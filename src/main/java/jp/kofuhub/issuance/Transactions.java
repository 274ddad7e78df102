package jp.kofuhub.issuance;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The issuance centre's transactions (table {@code issuance_transaction}): which phase each one
 * reached, its 発行番号 and fee, and what makes its document the same when another instance makes it
 * again for a retry (digests and a date, never content). State changes are guarded updates ({@code
 * … where state = ?}), so two instances or two retries racing on one transaction id never both win.
 * The PDF itself is never stored here (see {@link DocumentStore}), nor the household's names: the
 * availability answer is kept without them ({@link AvailabilityAnswers}) and set to null when the
 * transaction ends.
 */
public class Transactions {

    /** A transaction without its document. */
    public record Tx(
            String id,
            String municipality,
            String kind,
            String store,
            String terminal,
            String requestSha256,
            String state,
            String refusalCode,
            String holderAtena,
            String issueNumber,
            Integer fee,
            Integer pages,
            String printedOptions,
            String availabilityAnswer,
            OffsetDateTime createdAt,
            OffsetDateTime issuedAt,
            String documentSha256,
            String instanceId,
            String dataSha256,
            String layoutSha256,
            java.time.LocalDate issueDate) {}

    /**
     * What makes a document the same when another instance makes it again for a retry (V9): the
     * SHA-256 of its data document and of its XSL-FO (null for 戸籍), and the day it was drafted as
     * of.
     */
    public record Made(String dataSha256, String layoutSha256, java.time.LocalDate issueDate) {}

    private static final String COLUMNS =
            "transaction_id, municipality_code, kind, store_code, terminal, request_sha256,"
                    + " state, refusal_code, holder_atena, issue_number, fee, pages, printed_options, availability_answer,"
                    + " created_at, issued_at, document_sha256, instance_id, data_sha256, layout_sha256, issue_date";

    private final JdbcTemplate jdbc;

    /**
     * This instance ({@link DocumentStore#instanceId}): the claimant of the issue phases it runs.
     */
    private final String me;

    /** Claims {@link #forget} could not reach the database for: transaction → state. */
    private final java.util.Map<String, String> toForget =
            new java.util.concurrent.ConcurrentHashMap<>();

    public Transactions(JdbcTemplate jdbc, String instanceId) {
        this.jdbc = jdbc;
        this.me = instanceId;
    }

    public Optional<Tx> find(String id) {
        return jdbc
                .query(
                        "select " + COLUMNS + " from issuance_transaction where transaction_id = ?",
                        (rs, i) -> tx(rs),
                        id)
                .stream()
                .findFirst();
    }

    /** Starts a transaction in {@code state}; false when the id exists already. */
    public boolean insert(
            String id,
            String municipality,
            String kind,
            String store,
            String terminal,
            String sha256,
            String state,
            String answer,
            OffsetDateTime now) {
        try {
            return jdbc.update(
                            "insert into issuance_transaction (transaction_id, municipality_code, kind, store_code,"
                                    + " terminal, request_sha256, state, availability_answer, created_at, instance_id,"
                                    + " claimed_at) values (?,?,?,?,?,?,?,?,?,?,current_timestamp)",
                            id,
                            municipality,
                            kind == null ? "-" : kind,
                            store,
                            terminal,
                            sha256,
                            state,
                            answer,
                            now,
                            "ISSUING".equals(state) ? me : null)
                    == 1;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /**
     * Replaces the availability answer kept with a CHECKED transaction ({@link
     * AvailabilityAnswers#kept} form, never names); false when the transaction moved on meanwhile.
     */
    public boolean answeredAgain(String id, String kept) {
        return jdbc.update(
                        "update issuance_transaction set availability_answer = ? where transaction_id = ?"
                                + " and state = 'CHECKED'",
                        kept,
                        id)
                == 1;
    }

    /**
     * Moves a CHECKED transaction into its issue phase; false when another request got there first.
     */
    public boolean claimChecked(
            String id,
            String kind,
            String store,
            String terminal,
            String sha256,
            OffsetDateTime now) {
        return jdbc.update(
                        "update issuance_transaction set state = 'ISSUING', kind = ?, store_code = ?, terminal = ?,"
                                + " request_sha256 = ?, availability_answer = null, created_at = ?, instance_id = ?,"
                                + " claimed_at = current_timestamp where transaction_id = ? and state = 'CHECKED'",
                        kind,
                        store,
                        terminal,
                        sha256,
                        now,
                        me,
                        id)
                == 1;
    }

    /**
     * Records the 発行番号 on a transaction in its issue phase claimed by this instance, in the
     * caller's database transaction (the one that takes the number from the counter): a number is
     * never spent without a row that names it, even when the instance dies right after. With it
     * what a take-over needs to make the same document under that number (issue #22): the data's
     * digest, the day drafted as of, and the fee. False when the claim is no longer this instance's
     * (it lapsed and another took it over): the caller must not spend the number.
     */
    public boolean numbered(String id, String issueNumber, String holderAtena, Made made, int fee) {
        return jdbc.update(
                        "update issuance_transaction set issue_number = ?, holder_atena = ?, data_sha256 = ?,"
                                + " issue_date = ?, fee = ? where transaction_id = ? and state = 'ISSUING' and instance_id = ?",
                        issueNumber,
                        holderAtena,
                        made.dataSha256(),
                        made.issueDate() == null ? null : java.sql.Date.valueOf(made.issueDate()),
                        fee,
                        id,
                        me)
                == 1;
    }

    /**
     * Takes over the issue phase of {@code t} (ISSUING) from its claimant, whose lease lapsed
     * ({@link InstanceLease#lapsed}); false when another retry took it first or it moved on.
     */
    public boolean takeOver(Tx t) {
        return jdbc.update(
                        "update issuance_transaction set instance_id = ?, claimed_at = current_timestamp"
                                + " where transaction_id = ? and state = 'ISSUING' and instance_id is not distinct from ?",
                        me,
                        t.id(),
                        t.instanceId())
                == 1;
    }

    /**
     * Lets go of this instance's claim on an issue phase that passed its deadline ({@link
     * PhaseDeadline}): the next retry, on any instance, takes it over at once.
     */
    public void release(String id) {
        jdbc.update(
                "update issuance_transaction set instance_id = null where transaction_id = ?"
                        + " and state = 'ISSUING' and instance_id = ?",
                id,
                me);
    }

    /**
     * ISSUING → ISSUED: the document's hash, the instance holding it, and what another instance
     * needs to make the same document again ({@link Made}).
     */
    public boolean issued(
            String id,
            String holderAtena,
            String issueNumber,
            int fee,
            int pages,
            String printedOptions,
            String documentSha256,
            String instanceId,
            Made made,
            OffsetDateTime now) {
        return jdbc.update(
                        "update issuance_transaction set state = 'ISSUED', holder_atena = ?, issue_number = ?, fee = ?,"
                                + " pages = ?, printed_options = ?, document_sha256 = ?, instance_id = ?, issued_at = ?,"
                                + " data_sha256 = ?, layout_sha256 = ?, issue_date = ? where transaction_id = ? and state = 'ISSUING'"
                                + " and instance_id = ?",
                        holderAtena,
                        issueNumber,
                        fee,
                        pages,
                        printedOptions,
                        documentSha256,
                        instanceId,
                        now,
                        made.dataSha256(),
                        made.layoutSha256(),
                        made.issueDate() == null ? null : java.sql.Date.valueOf(made.issueDate()),
                        id,
                        instanceId)
                == 1;
    }

    /**
     * A retry made the document of an ISSUED transaction again on {@code instanceId}: that instance
     * is now named as holding it (the one before may hold its copy until the transaction ends).
     * False when the transaction is no longer ISSUED with that number (completed or abandoned
     * meanwhile).
     */
    public boolean madeAgain(String id, String issueNumber, String instanceId) {
        return jdbc.update(
                        "update issuance_transaction set instance_id = ? where transaction_id = ? and state = 'ISSUED'"
                                + " and issue_number = ?",
                        instanceId,
                        id,
                        issueNumber)
                == 1;
    }

    /**
     * Of {@code ids}, those still ISSUED (or ISSUING: a document is put in the store just before
     * its transaction becomes ISSUED): a document held for any other is over (completed, abandoned,
     * voided or unknown) and is dropped by every instance ({@link DocumentStore#release}). Asked in
     * chunks.
     */
    public java.util.Set<String> stillIssued(java.util.Collection<String> ids) {
        java.util.Set<String> issued = new java.util.HashSet<>();
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += 500) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
            String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            issued.addAll(
                    jdbc.queryForList(
                            "select transaction_id from issuance_transaction where state in"
                                    + " ('ISSUED', 'ISSUING') and transaction_id in ("
                                    + marks
                                    + ")",
                            String.class,
                            chunk.toArray()));
        }
        return issued;
    }

    /**
     * Ends a transaction that is in {@code from}: the new state, the refusal code if any, and no
     * availability answer any more. False when it was not in {@code from}.
     */
    public boolean finish(
            String id,
            String from,
            String to,
            String refusalCode,
            String holderAtena,
            String issueNumber,
            OffsetDateTime now) {
        return finishClaimedBy(me, id, from, to, refusalCode, holderAtena, issueNumber, now);
    }

    /**
     * {@link #finish}, where an issue phase (ISSUING) ends only while {@code claimant} holds it:
     * this instance for its own ends, the claimant seen by the time-to-live sweep for a stuck one.
     */
    public boolean finishClaimedBy(
            String claimant,
            String id,
            String from,
            String to,
            String refusalCode,
            String holderAtena,
            String issueNumber,
            OffsetDateTime now) {
        return jdbc.update(
                        "update issuance_transaction set state = ?, refusal_code = ?,"
                                + " holder_atena = coalesce(?, holder_atena), issue_number = coalesce(?, issue_number),"
                                + " availability_answer = null, completed_at = ? where transaction_id = ? and state = ?"
                                + " and (state <> 'ISSUING' or instance_id is null or instance_id = ?)",
                        to,
                        refusalCode,
                        holderAtena,
                        issueNumber,
                        now,
                        id,
                        from,
                        claimant)
                == 1;
    }

    /**
     * Forgets a transaction that spent nothing (an unexpected failure before its 発行番号); an issue
     * phase only while this instance holds its claim and before it was numbered.
     */
    public void forget(String id, String state) {
        try {
            forgetClaimedBy(me, id, state);
        } catch (RuntimeException databaseDown) {
            // the failure that brought us here was the database's, and this too: the claim would
            // hold the transaction (409 on every instance while this one lives) until claim-limit;
            // forgotten at the next heartbeat that reaches the database instead (issue #22)
            toForget.put(id, state);
            throw databaseDown;
        }
    }

    /**
     * Forgets the transactions {@link #forget} could not reach the database for (route {@code
     * instance-heartbeat}, after the beat): the centre's retry then runs the issue phase afresh on
     * any instance.
     */
    public void forgetPending() {
        for (var e : toForget.entrySet()) {
            forgetClaimedBy(me, e.getKey(), e.getValue());
            toForget.remove(e.getKey(), e.getValue());
        }
    }

    /** {@link #forget} of an issue phase claimed by {@code claimant} (the sweep's stuck ones). */
    public void forgetClaimedBy(String claimant, String id, String state) {
        jdbc.update(
                "delete from issuance_transaction where transaction_id = ? and state = ?"
                        + " and (state <> 'ISSUING' or (issue_number is null and (instance_id is null or instance_id = ?)))",
                id,
                state,
                claimant);
    }

    /**
     * Transactions in {@code state} started or issued before {@code before}: what the time-to-live
     * ends.
     */
    public List<Tx> olderThan(String state, OffsetDateTime before) {
        String column = "ISSUED".equals(state) ? "issued_at" : "created_at";
        return jdbc.query(
                "select "
                        + COLUMNS
                        + " from issuance_transaction where state = ? and "
                        + column
                        + " < ?",
                (rs, i) -> tx(rs),
                state,
                before);
    }

    private static Tx tx(ResultSet rs) throws SQLException {
        return new Tx(
                rs.getString("transaction_id"),
                rs.getString("municipality_code"),
                rs.getString("kind"),
                rs.getString("store_code"),
                rs.getString("terminal"),
                rs.getString("request_sha256"),
                rs.getString("state"),
                rs.getString("refusal_code"),
                rs.getString("holder_atena"),
                rs.getString("issue_number"),
                (Integer) rs.getObject("fee"),
                (Integer) rs.getObject("pages"),
                rs.getString("printed_options"),
                rs.getString("availability_answer"),
                rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("issued_at", OffsetDateTime.class),
                rs.getString("document_sha256"),
                rs.getString("instance_id"),
                rs.getString("data_sha256"),
                rs.getString("layout_sha256"),
                rs.getObject("issue_date", java.time.LocalDate.class));
    }
}
