package jp.kofuhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import jp.kofuhub.municipality.MunicipalityRegistry;
import jp.kofuhub.settlement.DailySettlement;
import jp.kofuhub.settlement.Settlement;
import jp.kofuhub.settlement.SettlementFiles;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.EndpointInject;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Route-level test of {@code routes/settlement/daily-settlement.camel.yaml} (routes {@code
 * daily-settlement}, {@code settle-pending}, {@code settle-day}): only that file, its three beans
 * (the real {@link DailySettlement}, {@link Settlement}, {@link SettlementFiles} without OpenPGP)
 * on an in-memory H2 migrated by Flyway, and a fixed clock; the outbox ({@code
 * kofu.settlement.outbox-uri}) is {@code mock:outbox}. The timer route is kept from firing by a
 * long check period. The whole-hub settlement tests (kofu-tools' {@code SettlementOnH2Test}) stay
 * for what crosses flows (history rows made by issuances, the OpenPGP file, the stop switch).
 */
@RouteTestBase.RouteTest
@ImportAutoConfiguration({
    DataSourceAutoConfiguration.class,
    DataSourceTransactionManagerAutoConfiguration.class,
    TransactionAutoConfiguration.class,
    JdbcTemplateAutoConfiguration.class,
    FlywayAutoConfiguration.class
})
@SpringBootTest(
        classes = SettlementRoutesTest.Beans.class,
        properties = {
            "camel.main.routes-include-pattern=file:routes/settlement/daily-settlement.camel.yaml",
            "kofu.settlement.outbox-uri=mock:outbox",
            "kofu.settlement.check-period=3600000",
            "spring.datasource.url=jdbc:h2:mem:settlement-routes;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
            "spring.datasource.username=sa",
            "spring.datasource.password="
        })
class SettlementRoutesTest {

    static final String CITY = "990002";
    static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");

    /** 2024-06-05 12:00 JST: 2024-06-04 is the last finished day. */
    static final Instant NOW = Instant.parse("2024-06-05T03:00:00Z");

    @Configuration(proxyBeanMethods = false)
    static class Beans {
        /** The leader election of the master: consumer (daily-settlement): this one instance. */
        @Bean
        CamelContextConfiguration clusterService() {
            return RouteTestBase.fileLockCluster("target/route-tests/settlement-cluster");
        }

        @Bean
        Clock clock() {
            return Clock.fixed(NOW, ZONE);
        }

        @Bean
        MunicipalityRegistry municipalityRegistry() {
            return new MunicipalityRegistry(Path.of("src/test/resources/municipalities"));
        }

        @Bean
        Settlement settlement(JdbcTemplate jdbc) {
            return new Settlement(jdbc, ZONE);
        }

        @Bean
        DailySettlement dailySettlement(
                JdbcTemplate jdbc, Settlement settlement, MunicipalityRegistry m, Clock clock) {
            return new DailySettlement(
                    jdbc,
                    settlement,
                    m,
                    clock,
                    ZONE,
                    LocalDate.parse("2024-06-03"),
                    Duration.ofMinutes(30));
        }

        @Bean
        SettlementFiles settlementFiles() {
            return new SettlementFiles(null, "finance");
        }
    }

    @Autowired ProducerTemplate producer;
    @Autowired JdbcTemplate jdbc;

    @EndpointInject("mock:outbox")
    MockEndpoint outbox;

    @AfterEach
    void clean() {
        jdbc.update("delete from settlement_run");
        outbox.reset();
        outbox.whenAnyExchangeReceived(null);
    }

    @Test
    void aDayIsWrittenOnceAndNamedForTheFinanceSystem() throws Exception {
        outbox.expectedMessageCount(1);
        outbox.expectedHeaderReceived("CamelFileName", "settlement_990002_20240604.csv");

        Object first = settleDay(CITY, "2024-06-04");
        Object again = settleDay(CITY, "2024-06-04");

        outbox.assertIsSatisfied();
        assertThat(first).isEqualTo("WRITTEN");
        assertThat(again).isEqualTo("ALREADY_WRITTEN");
        String csv =
                new String(
                        outbox.getExchanges().get(0).getIn().getBody(byte[].class),
                        StandardCharsets.UTF_8);
        assertThat(csv).startsWith("date,municipality,kind,outcome,count,sheets,fee_total");
        assertThat(
                        jdbc.queryForObject(
                                "select sha256 from settlement_run where municipality_code = ?"
                                        + " and settlement_day = ?",
                                String.class,
                                CITY,
                                LocalDate.parse("2024-06-04")))
                .isEqualTo(DailySettlement.sha256(csv));
    }

    @Test
    void aFailedWriteLeavesTheDayUnclaimedForTheNextCheck() {
        outbox.whenAnyExchangeReceived(
                e -> {
                    throw new java.io.IOException("outbox down");
                });

        assertThatThrownBy(() -> settleDay(CITY, "2024-06-04"))
                .isInstanceOf(CamelExecutionException.class)
                .hasRootCauseMessage("outbox down");
        assertThat(jdbc.queryForObject("select count(*) from settlement_run", Integer.class))
                .isZero();
    }

    @Test
    void aDayNotFinishedIsRefused() {
        assertThatThrownBy(() -> settleDay(CITY, "2024-06-05"))
                .hasRootCauseInstanceOf(IllegalArgumentException.class)
                .hasRootCauseMessage("settlement day 2024-06-05 is not finished yet");
        assertThat(outbox.getReceivedCounter()).isZero();
    }

    @Test
    void settlePendingWritesEveryMissingDayOfEveryMunicipalityUpToUntil() throws Exception {
        settleDay(CITY, "2024-06-03"); // written already: not again
        outbox.reset();
        int municipalities =
                new MunicipalityRegistry(Path.of("src/test/resources/municipalities")).all().size();
        outbox.expectedMessageCount(2 * municipalities - 1); // 06-03 and 06-04, but 990002's 06-03

        producer.sendBodyAndHeader("direct:settle-pending", null, "until", "2024-06-04");

        outbox.assertIsSatisfied();
        assertThat(outbox.getExchanges())
                .extracting(e -> e.getIn().getHeader("CamelFileName", String.class))
                .contains("settlement_990002_20240604.csv")
                .doesNotContain("settlement_990002_20240603.csv");
    }

    private Object settleDay(String municipality, String day) {
        return producer.requestBodyAndHeaders(
                "direct:settle-day", null, Map.of("municipality", municipality, "day", day));
    }
}
