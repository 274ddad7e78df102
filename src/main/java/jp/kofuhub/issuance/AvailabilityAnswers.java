package jp.kofuhub.issuance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import jp.kofuhub.certificate.JuminhyoKind;

/**
 * What of an availability answer is kept with its transaction (issue #16 finding 6,
 * docs/security.md "Database"): the answer <b>without</b> the household's names and 続柄 — kinds,
 * fees, sheets, refusal codes, the offers, and of the household listing only its {@code version} (a
 * hash of the members' 宛名番号 in order) and the members' positions. That is all the later phases
 * need: the issue phase checks the resident's choice (positions + version) against the replica,
 * never against this.
 *
 * <p>Names are not kept at all, rather than overwritten later: H2's MVStore keeps old page versions
 * in its file and PostgreSQL keeps dead tuples and WAL, so a row once written with names would keep
 * them on disk after its update to null. A retry of the availability phase (on any instance: this
 * is in the shared database, the names come from the shared replica) gets the names back from the
 * replica's listing of the same version; a household that changed since cannot get its old answer
 * again, and {@link #restore} says so. No digest of the names is kept either: the rest of the
 * answer is kept next to it, and a digest of a few names is found by trying a dictionary of names.
 */
final class AvailabilityAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AvailabilityAnswers() {}

    /** Writes the household listing into an answer, as the centre sees it. */
    static void household(ObjectNode root, JuminhyoKind.Listing listing) {
        ObjectNode h = root.putObject("household");
        h.put("version", listing.version());
        ArrayNode members = h.putArray("members");
        listing.members().forEach(m -> named(members.addObject().put("position", m.position()), m));
    }

    private static void named(ObjectNode member, JuminhyoKind.ListedMember m) {
        member.put("name", m.name()).put("relationship", m.relationship());
    }

    /** The form of {@code answer} kept in the database: every member reduced to its position. */
    static String kept(String answer) {
        ObjectNode root = parse(answer);
        JsonNode members = root.path("household").path("members");
        if (!members.isArray()) {
            return answer;
        }
        for (JsonNode m : members) {
            ((ObjectNode) m).retain("position");
        }
        return root.toString();
    }

    /**
     * The answer {@code kept} came from, byte for byte: the names and 続柄 put back from the
     * replica's listing now, or empty when that listing is not the one answered (members moved in
     * or out, or reordered — another version — or the holder is refused now, or the replica cannot
     * be read).
     */
    static Optional<String> restore(
            String kept, Supplier<Optional<JuminhyoKind.Listing>> listingNow) {
        ObjectNode root = parse(kept);
        JsonNode household = root.get("household");
        if (household == null) {
            return Optional.of(kept);
        }
        Optional<JuminhyoKind.Listing> now;
        try {
            now = listingNow.get();
        } catch (RuntimeException refusedOrUnreadable) {
            return Optional.empty();
        }
        if (now.isEmpty() || !now.get().version().equals(household.path("version").asText())) {
            return Optional.empty();
        }
        List<JuminhyoKind.ListedMember> listed = now.get().members();
        JsonNode members = household.path("members");
        if (members.size() != listed.size()) {
            return Optional.empty();
        }
        for (int i = 0; i < listed.size(); i++) {
            if (members.get(i).path("position").asInt() != listed.get(i).position()) {
                return Optional.empty();
            }
            named((ObjectNode) members.get(i), listed.get(i));
        }
        return Optional.of(root.toString());
    }

    private static ObjectNode parse(String answer) {
        try {
            return (ObjectNode) JSON.readTree(answer);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException(
                    "an availability answer kept in the database is not a JSON object");
        }
    }
}
