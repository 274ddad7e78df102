package jp.kofuhub.keys;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Wires {@link PgpMessages} ({@code pgpMessages}: the hub's OpenPGP on the HTTP hops and on the
 * files it sends) from {@code kofu.pgp}: the hub's {@code secret-key} and {@code password}, and
 * {@code peers} (party → public key file).
 */
@Configuration(proxyBeanMethods = false)
public class PgpMessagesBeans {

    @Bean
    PgpMessages pgpMessages(
            Environment env,
            ObjectProvider<KeysOnFirstRun> keys,
            @Value("${kofu.pgp.secret-key:${kofu.keys.dir:data/keys}/hub.pgp.sec}")
                    String secretKey,
            @Value("${kofu.pgp.password:${kofu.keys.password:}}") String password) {
        Map<String, Path> peers = new LinkedHashMap<>();
        Binder.get(env)
                .bind("kofu.pgp.peers", Bindable.mapOf(String.class, String.class))
                .orElse(Map.of())
                .forEach((party, file) -> peers.put(party, Path.of(file)));
        KeysOnFirstRun firstRun = keys.getIfAvailable();
        return new PgpMessages(
                Path.of(secretKey),
                password.toCharArray(),
                peers,
                firstRun == null ? null : firstRun::ensure);
    }
}
