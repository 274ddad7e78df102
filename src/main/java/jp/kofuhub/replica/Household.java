package jp.kofuhub.replica;

/**
 * One household (世帯) as the replica holds it now. {@code householdBlock} and {@code
 * householdSupport} include the household's active issuance blocks.
 */
public record Household(
        String householdNo,
        String headAtenaNo,
        String postalCode,
        String address,
        String katagaki,
        boolean householdBlock,
        boolean householdSupport) {}
