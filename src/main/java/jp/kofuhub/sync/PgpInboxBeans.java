package jp.kofuhub.sync;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import jp.kofuhub.keys.InflationLimit;
import jp.kofuhub.keys.KeysOnFirstRun;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.municipality.MunicipalityRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Wires {@link PgpInbox} ({@code pgpInbox}, used by route {@code registry-sync}) from {@code
 * kofu.sync.pgp}: {@code required}, the hub's {@code secret-key} and {@code password}, the {@code
 * work-dir} for decrypted files and {@code source-keys} (source system → public key file); how far
 * a file may inflate from {@code kofu.inflation.export} ({@code max-bytes}, {@code max-ratio}); the
 * room the work folder may use ({@link SyncWorkSpace}, {@code syncWorkSpace}) from {@code
 * kofu.sync.pgp.work-max-bytes} (default: the inflation limit) and {@code work-reserve-bytes}.
 */
@Configuration(proxyBeanMethods = false)
public class PgpInboxBeans {

    /** The work folder's room: read by PgpInbox, the health component syncWork and the meters. */
    @Bean
    SyncWorkSpace syncWorkSpace(
            java.time.Clock clock,
            @Value("${kofu.sync.pgp.work-dir:data/sync-work}") String workDir,
            @Value("${kofu.sync.pgp.work-max-bytes:${kofu.inflation.export.max-bytes:4294967296}}")
                    long maxBytes,
            @Value("${kofu.sync.pgp.work-reserve-bytes:536870912}") long reserveBytes) {
        return new SyncWorkSpace(Path.of(workDir), maxBytes, reserveBytes, clock);
    }

    @Bean
    PgpInbox pgpInbox(
            Environment env,
            MunicipalityRegistry municipalities,
            ObjectProvider<KeysOnFirstRun> keys,
            @Value("${kofu.sync.pgp.required:true}") boolean required,
            @Value("${kofu.sync.pgp.secret-key:${kofu.keys.dir:data/keys}/hub.pgp.sec}")
                    String secretKey,
            @Value("${kofu.sync.pgp.password:${kofu.keys.password:}}") String password,
            @Value("${kofu.sync.pgp.work-dir:data/sync-work}") String workDir,
            @Value("${kofu.inflation.export.max-bytes:4294967296}") long maxBytes,
            @Value("${kofu.inflation.export.max-ratio:100}") long maxRatio,
            SyncWorkSpace space) {
        Map<String, Path> sourceKeys = new LinkedHashMap<>();
        Binder.get(env)
                .bind("kofu.sync.pgp.source-keys", Bindable.mapOf(String.class, String.class))
                .orElse(Map.of())
                .forEach(
                        (source, file) ->
                                sourceKeys.put(source.toUpperCase(Locale.ROOT), Path.of(file)));
        // a municipality's own source keys (its profile's sourceKeys; relative: under
        // kofu.keys.dir)
        Path keysDir = Path.of(env.getProperty("kofu.keys.dir", "data/keys"));
        for (MunicipalityProfile m : municipalities.all()) {
            m.sourceKeys()
                    .forEach(
                            (source, file) ->
                                    sourceKeys.put(
                                            m.code() + "/" + source.toUpperCase(Locale.ROOT),
                                            keysDir.resolve(file)));
        }
        KeysOnFirstRun firstRun = keys.getIfAvailable();
        return new PgpInbox(
                required,
                Path.of(secretKey),
                password.toCharArray(),
                sourceKeys,
                Path.of(workDir),
                firstRun == null ? null : firstRun::ensure,
                new InflationLimit(maxBytes, maxRatio),
                space);
    }
}
