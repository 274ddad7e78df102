package jp.kofuhub.settlement;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import jp.kofuhub.municipality.MunicipalityRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** The daily settlement: plain classes, wired here and called by name from routes/settlement/. */
@Configuration(proxyBeanMethods = false)
public class SettlementBeans {

    @Bean
    Settlement settlement(JdbcTemplate jdbc, @Value("${kofu.time-zone}") String zone) {
        return new Settlement(jdbc, ZoneId.of(zone));
    }

    @Bean
    DailySettlement dailySettlement(
            JdbcTemplate jdbc,
            Settlement settlement,
            MunicipalityRegistry municipalities,
            Clock clock,
            @Value("${kofu.time-zone}") String zone,
            @Value("${kofu.settlement.since:}") String since,
            @Value("${kofu.settlement.grace:PT30M}") Duration grace,
            org.springframework.beans.factory.ObjectProvider<jp.kofuhub.ops.CouplingSwitch>
                    coupling) {
        DailySettlement d =
                new DailySettlement(
                        jdbc,
                        settlement,
                        municipalities,
                        clock,
                        ZoneId.of(zone),
                        since == null || since.isBlank() ? null : LocalDate.parse(since.trim()),
                        grace);
        jp.kofuhub.ops.CouplingSwitch stop = coupling.getIfAvailable();
        if (stop != null) {
            d.setSuspended(
                    stop::suspended); // a suspended municipality's settlement waits until it is
            // resumed
        }
        return d;
    }

    @Bean
    SettlementRemake settlementRemake(
            JdbcTemplate jdbc,
            Settlement settlement,
            DailySettlement daily,
            jp.kofuhub.history.IssuanceHistory history,
            MunicipalityRegistry municipalities,
            Clock clock) {
        return new SettlementRemake(jdbc, settlement, daily, history, municipalities, clock);
    }

    /** Also the console's MBean jp.kofuhub:type=Settlement. */
    @Bean
    SettlementOnDemand settlementOnDemand(org.apache.camel.ProducerTemplate producer) {
        return new SettlementOnDemand(producer, jp.kofuhub.ops.Callers::consoleUser);
    }

    @Bean
    SettlementEndpoint settlementEndpoint(SettlementOnDemand onDemand) {
        return new SettlementEndpoint(onDemand, jp.kofuhub.ops.Callers::certificateCaller);
    }

    @Bean
    SettlementFiles settlementFiles(
            jp.kofuhub.keys.PgpMessages pgpMessages,
            @Value("${kofu.settlement.pgp:true}") boolean pgp,
            @Value("${kofu.settlement.recipient:finance}") String recipient) {
        return new SettlementFiles(pgp ? pgpMessages : null, recipient);
    }
}
