package jp.kofuhub.keys;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * With TLS off ({@code server.ssl.enabled=false}: the dev profile, test hubs) the configured SSL
 * bundles ({@code spring.ssl.bundle.*}, e.g. the listener's {@code hub}) are optional: a bundle
 * whose key store or trust store cannot be read is left out (logged) instead of stopping the start
 * — Actuator's SSL metrics read every registered bundle at start-up. With TLS on every bundle is
 * registered as configured and {@link TlsListener} stops the start when the listener's cannot be
 * read. In the demo the key set is written first ({@link KeysOnFirstRun#ensure()}), so it is there
 * either way.
 */
@Component
public class OptionalTlsBundles implements BeanPostProcessor, EnvironmentAware {

    private static final Logger LOG = LoggerFactory.getLogger(OptionalTlsBundles.class);

    private final ObjectProvider<KeysOnFirstRun> keys;
    private Environment environment;

    public OptionalTlsBundles(ObjectProvider<KeysOnFirstRun> keys) {
        this.keys = keys;
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof SslBundleRegistrar registrar)) {
            return bean;
        }
        return (SslBundleRegistrar)
                registry -> {
                    KeysOnFirstRun firstRun = keys.getIfAvailable();
                    if (firstRun != null) {
                        firstRun.ensure();
                    }
                    boolean tls =
                            environment == null
                                    || environment.getProperty(
                                            "server.ssl.enabled", Boolean.class, false);
                    registrar.registerBundles(tls ? registry : new SkipUnreadable(registry));
                };
    }

    /** Registers only the bundles whose stores can be read. */
    record SkipUnreadable(SslBundleRegistry target) implements SslBundleRegistry {

        @Override
        public void registerBundle(String name, SslBundle bundle) {
            try {
                bundle.getStores().getKeyStore();
                bundle.getStores().getTrustStore();
            } catch (RuntimeException e) {
                LOG.info(
                        "TLS is off: SSL bundle '{}' left out, its key files cannot be read ({})",
                        name,
                        e.getMessage());
                return;
            }
            target.registerBundle(name, bundle);
        }

        @Override
        public void updateBundle(String name, SslBundle bundle) {
            target.updateBundle(name, bundle);
        }
    }
}
