package jp.kofuhub.koseki;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jp.kofuhub.keys.PgpMessages;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.municipality.MunicipalityRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The hub's side of the koseki hop: {@code kosekiHop} (OpenPGP on the bodies when {@code
 * kofu.koseki.pgp}) and {@code kosekiTls}, the client TLS of the koseki call: the hub's own
 * certificate and truststore, the files of the {@code hub} SSL bundle that the hub's listener uses
 * (spring.ssl.bundle.jks.hub). It is set on Camel's {@code https} component (not as {@code
 * sslContextParameters} of the endpoint: camel-http then speaks TLS even to an {@code http:} URL),
 * so an {@code https:} koseki URL gets mutual TLS and an {@code http:} one (dev profile, most test
 * hubs) stays plain. The hub makes no other https calls.
 */
@Configuration(proxyBeanMethods = false)
public class KosekiHopBeans {

    /**
     * A municipality whose profile names its own koseki server key ({@code koseki.pgpKey}, a
     * relative file under {@code kofu.keys.dir}) gets it as party {@code koseki-server@<code>}.
     */
    @Bean
    KosekiHop kosekiHop(
            PgpMessages pgpMessages,
            MunicipalityRegistry municipalities,
            @Value("${kofu.keys.dir:data/keys}") String keysDir,
            @Value("${kofu.koseki.pgp:true}") boolean pgp,
            @Value("${kofu.inflation.koseki.max-bytes:16777216}") long maxBytes,
            @Value("${kofu.inflation.koseki.max-ratio:100}") long maxRatio) {
        Map<String, Path> own = new LinkedHashMap<>();
        for (MunicipalityProfile p : municipalities.all()) {
            String key = p.kosekiServer().pgpKey();
            if (key != null && !key.isBlank()) {
                own.put(KosekiHop.ownParty(p.code()), Path.of(keysDir).resolve(key));
            }
        }
        return new KosekiHop(
                pgp ? pgpMessages.withPeers(own) : null,
                new jp.kofuhub.keys.InflationLimit(maxBytes, maxRatio));
    }

    /**
     * The {@code https} component (camel-http) presents the hub's certificate and trusts the
     * truststore's CAs.
     */
    @Bean
    CamelContextConfiguration httpsClientTls(SSLContextParameters kosekiTls) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                camelContext
                        .getComponent("https", HttpComponent.class)
                        .setSslContextParameters(kosekiTls);
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {}
        };
    }

    @Bean
    SSLContextParameters kosekiTls(
            @Value("${spring.ssl.bundle.jks.hub.keystore.location}") String keystore,
            @Value("${spring.ssl.bundle.jks.hub.keystore.password}") String keystorePassword,
            @Value("${spring.ssl.bundle.jks.hub.key.alias:hub}") String alias,
            @Value("${spring.ssl.bundle.jks.hub.truststore.location}") String truststore,
            @Value("${spring.ssl.bundle.jks.hub.truststore.password}") String truststorePassword) {
        KeyStoreParameters ks = new KeyStoreParameters();
        ks.setResource(keystore);
        ks.setPassword(keystorePassword);
        ks.setType("PKCS12");
        KeyManagersParameters km = new KeyManagersParameters();
        km.setKeyStore(ks);
        km.setKeyPassword(keystorePassword);
        KeyStoreParameters ts = new KeyStoreParameters();
        ts.setResource(truststore);
        ts.setPassword(truststorePassword);
        ts.setType("PKCS12");
        TrustManagersParameters tm = new TrustManagersParameters();
        tm.setKeyStore(ts);
        SSLContextParameters p = new SSLContextParameters();
        p.setKeyManagers(km);
        p.setTrustManagers(tm);
        p.setCertAlias(alias);
        return p;
    }
}
