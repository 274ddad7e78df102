package jp.kofuhub.ops;

import java.util.Optional;

/**
 * Something that can forbid the hub to issue certificates right now. Every bean of this type is
 * asked by the health component {@code issuing}, which is part of the readiness group ({@code
 * /actuator/health/readiness}): when any blocker answers a reason, readiness is DOWN and the load
 * balancer sends the issuance centre to another instance. Reasons are short operator texts (codes,
 * municipality codes, never personal data). Asked on every health call: answer from memory.
 */
@FunctionalInterface
public interface IssueBlocker {

    /** Why the hub must not issue now; empty when this blocker does not object. */
    Optional<String> blockedBecause();

    /**
     * Municipalities (団体コード → reason) that must not issue now while the others may: shown by the
     * health component {@code issuing}, which stays UP for them (one municipality's stop does not
     * take the hub out of the load balancer). None by default.
     */
    default java.util.Map<String, String> blockedMunicipalities() {
        return java.util.Map.of();
    }
}
