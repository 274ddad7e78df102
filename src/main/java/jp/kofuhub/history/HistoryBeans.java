package jp.kofuhub.history;

import java.time.ZoneId;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The issuance history and its verification endpoint: plain classes, wired here and called by
 * {@code TransactionEnds}, the settlement ({@code jp.kofuhub.settlement}) and the coupling switch.
 */
@Configuration(proxyBeanMethods = false)
public class HistoryBeans {

    @Bean
    IssuanceHistory issuanceHistory(JdbcTemplate jdbc, @Value("${kofu.time-zone}") String zone) {
        return new IssuanceHistory(jdbc, ZoneId.of(zone));
    }

    @Bean
    HistoryEndpoint historyEndpoint(IssuanceHistory history) {
        return new HistoryEndpoint(history);
    }
}
