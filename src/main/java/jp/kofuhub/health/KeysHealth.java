package jp.kofuhub.health;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Health of the hub's keys and certificates ({@code /actuator/health}, component {@code keys}, part
 * of readiness): for every key file the configuration names, its status and earliest expiry. DOWN
 * when a file in use is missing, unreadable, expired, not yet valid or revoked (the hub must not
 * issue: it could not sign, or not talk to a peer); a file that expires within {@code
 * kofu.health.key-expiry-warning} (default P30D) is listed under {@code warnings}. Details are file
 * names, subjects, key ids and dates — never key material.
 */
public class KeysHealth implements HealthIndicator {

    private final List<KeyExpiry.KeyFile> files;
    private final KeyExpiry expiry;
    private final Clock clock;
    private final Duration warning;

    public KeysHealth(
            List<KeyExpiry.KeyFile> files, KeyExpiry expiry, Clock clock, Duration warning) {
        this.files = List.copyOf(files);
        this.expiry = expiry;
        this.clock = clock;
        this.warning = warning;
    }

    /**
     * The key files of the configuration, each marked in use when a feature that needs it is on:
     * the signing keystore always, and each municipality's own ({@code
     * kofu.signing.municipalities}); the TLS keystore and truststore when the listener or the
     * koseki hop speaks TLS; the hub's OpenPGP secret key when any hop or the inbox uses OpenPGP;
     * each peer's public key when its hop does; the source systems' keys when the inbox requires
     * OpenPGP.
     */
    public static List<KeyExpiry.KeyFile> configured(Environment env) {
        char[] password = env.getProperty("kofu.keys.password", "").toCharArray();
        boolean tls =
                env.getProperty("server.ssl.enabled", Boolean.class, false)
                        || env.getProperty("kofu.koseki.url", "")
                                .toLowerCase(Locale.ROOT)
                                .startsWith("https:");
        boolean centrePgp = env.getProperty("kofu.issuance.pgp.required", Boolean.class, true);
        boolean kosekiPgp = env.getProperty("kofu.koseki.pgp", Boolean.class, true);
        boolean settlementPgp = env.getProperty("kofu.settlement.pgp", Boolean.class, true);
        boolean syncPgp = env.getProperty("kofu.sync.pgp.required", Boolean.class, true);
        String recipient = env.getProperty("kofu.settlement.recipient", "finance");
        String bundle = "spring.ssl.bundle.jks.hub.";

        Map<String, KeyExpiry.KeyFile> files = new LinkedHashMap<>();
        add(
                files,
                "signing",
                env.getProperty("kofu.signing.keystore"),
                KeyExpiry.Type.KEYSTORE,
                true,
                password);
        add(
                files,
                "tls-keystore",
                env.getProperty(bundle + "keystore.location"),
                KeyExpiry.Type.KEYSTORE,
                tls,
                env.getProperty(bundle + "keystore.password", new String(password)).toCharArray());
        add(
                files,
                "tls-truststore",
                env.getProperty(bundle + "truststore.location"),
                KeyExpiry.Type.TRUSTSTORE,
                tls,
                env.getProperty(bundle + "truststore.password", new String(password))
                        .toCharArray());
        add(
                files,
                "pgp-secret",
                env.getProperty("kofu.pgp.secret-key"),
                KeyExpiry.Type.PGP,
                centrePgp || kosekiPgp || settlementPgp,
                password);
        add(
                files,
                "sync-pgp-secret",
                env.getProperty("kofu.sync.pgp.secret-key"),
                KeyExpiry.Type.PGP,
                syncPgp,
                password);
        Binder binder = Binder.get(env);
        binder.bind("kofu.pgp.peers", Bindable.mapOf(String.class, String.class))
                .orElse(Map.of())
                .forEach(
                        (party, file) ->
                                add(
                                        files,
                                        "peer " + party,
                                        file,
                                        KeyExpiry.Type.PGP,
                                        party.equals("centre") && centrePgp
                                                || party.equals("koseki-server") && kosekiPgp
                                                || party.equals(recipient) && settlementPgp,
                                        password));
        binder.bind(
                        "kofu.signing.municipalities",
                        Bindable.mapOf(
                                String.class, jp.kofuhub.HubBeans.MunicipalitySigningKey.class))
                .orElse(Map.of())
                .forEach(
                        (code, k) ->
                                add(
                                        files,
                                        "signing " + code,
                                        k.keystore(),
                                        KeyExpiry.Type.KEYSTORE,
                                        true,
                                        k.password() == null || k.password().isEmpty()
                                                ? password
                                                : k.password().toCharArray()));
        binder.bind("kofu.sync.pgp.source-keys", Bindable.mapOf(String.class, String.class))
                .orElse(Map.of())
                .forEach(
                        (source, file) ->
                                add(
                                        files,
                                        "source " + source,
                                        file,
                                        KeyExpiry.Type.PGP,
                                        syncPgp,
                                        password));
        return List.copyOf(files.values());
    }

    /** One entry per use (the same file may serve two: it is read once, see {@link KeyExpiry}). */
    private static void add(
            Map<String, KeyExpiry.KeyFile> files,
            String name,
            String location,
            KeyExpiry.Type type,
            boolean inUse,
            char[] password) {
        if (location == null || location.isBlank()) {
            return;
        }
        Path path =
                Path.of(location.startsWith("file:") ? location.substring(5) : location)
                        .normalize();
        files.put(name, new KeyExpiry.KeyFile(name, path, type, inUse, password));
    }

    /** The verdict on every configured file now. */
    public List<KeyExpiry.Verdict> verdicts() {
        Instant now = clock.instant();
        return files.stream().map(f -> expiry.check(f, now, warning)).toList();
    }

    @Override
    public Health health() {
        boolean down = false;
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, Object> details = new LinkedHashMap<>();
        for (KeyExpiry.Verdict v : verdicts()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("file", v.file().path().toString());
            d.put("type", v.file().type().name());
            d.put("inUse", v.file().inUse());
            d.put("status", v.status().name());
            if (v.expires() != null) {
                d.put("expires", v.expires().toString());
            }
            if (v.problem() != null) {
                d.put("problem", v.problem());
            }
            details.put(v.file().name(), d);
            if (v.blocks()) {
                down = true;
                problems.add(
                        v.file().name()
                                + ": "
                                + v.status()
                                + (v.problem() == null ? "" : " (" + v.problem() + ")"));
            } else if (v.status() == KeyExpiry.Status.EXPIRING) {
                warnings.add(v.file().name() + " expires " + v.expires());
            } else if (v.file().inUse() && v.problem() != null) {
                warnings.add(v.file().name() + ": " + v.problem());
            }
        }
        Health.Builder b = down ? Health.down().withDetail("problems", problems) : Health.up();
        return b.withDetail("warnings", warnings)
                .withDetail("warningPeriod", warning.toString())
                .withDetail("files", details)
                .build();
    }
}
