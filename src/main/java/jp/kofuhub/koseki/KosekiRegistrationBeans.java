package jp.kofuhub.koseki;

import java.time.Clock;
import jp.kofuhub.municipality.MunicipalityRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * 本籍地利用登録: the registrations (read by the 戸籍 kinds), the service the route
 * routes/koseki/koseki-registration.camel.yaml calls by name, and the operator's actuator endpoint.
 * Plain classes, wired here.
 */
@Configuration(proxyBeanMethods = false)
public class KosekiRegistrationBeans {

    @Bean
    KosekiRegistrations kosekiRegistrations(JdbcTemplate jdbc, Clock clock) {
        return new KosekiRegistrations(jdbc, clock);
    }

    @Bean
    KosekiRegistrationService kosekiRegistrationService(
            KosekiRegistrations registrations,
            MunicipalityRegistry municipalities,
            Clock clock,
            org.springframework.beans.factory.ObjectProvider<jp.kofuhub.ops.CouplingSwitch>
                    coupling) {
        KosekiRegistrationService service =
                new KosekiRegistrationService(registrations, municipalities, clock);
        jp.kofuhub.ops.CouplingSwitch stop = coupling.getIfAvailable();
        if (stop != null) {
            service.setCoupling(stop::suspendedNow); // the hub's switch or the municipality's own
        }
        return service;
    }

    @Bean
    KosekiRegistrationEndpoint kosekiRegistrationEndpoint(KosekiRegistrations registrations) {
        return new KosekiRegistrationEndpoint(registrations);
    }
}
