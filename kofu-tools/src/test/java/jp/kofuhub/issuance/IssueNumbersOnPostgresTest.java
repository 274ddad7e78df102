package jp.kofuhub.issuance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import jp.kofuhub.support.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * 発行番号 across instances (issue #10): two {@link IssueNumbers}, each on its own data source — as two
 * hub instances are — take numbers of one municipality and day from one PostgreSQL at the same
 * time. Every running number is handed out exactly once and none is skipped; a number whose
 * recording fails is not taken at all, so the running numbers never have a silent gap.
 */
class IssueNumbersOnPostgresTest {

    private static String url;

    @BeforeAll
    static void database() {
        url = EmbeddedPostgres.jdbcUrl("kofu_numbers");
        Flyway.configure()
                .dataSource(url, "postgres", "")
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /** One instance's numbering: its own data source, connections and transactions. */
    private static IssueNumbers instance() throws Exception {
        SimpleDriverDataSource ds =
                new SimpleDriverDataSource(new org.postgresql.Driver(), url, "postgres", "");
        return new IssueNumbers(
                new JdbcTemplate(ds),
                new TransactionTemplate(new DataSourceTransactionManager(ds)));
    }

    private static long running(String number) {
        return Long.parseLong(number.substring(number.lastIndexOf('-') + 1));
    }

    @Test
    void twoInstancesNumberConcurrentlyWithoutRepeatOrGap() throws Exception {
        IssueNumbers one = instance(), two = instance();
        LocalDate day = LocalDate.of(2026, 11, 27);
        int threads = 6, each = 40;
        CyclicBarrier start = new CyclicBarrier(threads);
        Set<String> numbers = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                IssueNumbers instance = t % 2 == 0 ? one : two;
                done.add(
                        pool.submit(
                                () -> {
                                    start.await();
                                    for (int i = 0; i < each; i++) {
                                        assertThat(
                                                        numbers.add(
                                                                instance.next(
                                                                        "990009", day, "K1", "P1")))
                                                .as("repeated")
                                                .isTrue();
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(
                        numbers.stream()
                                .map(IssueNumbersOnPostgresTest::running)
                                .collect(Collectors.toSet()))
                .isEqualTo(
                        LongStream.rangeClosed(1, threads * each)
                                .boxed()
                                .collect(Collectors.toSet()));
        assertThat(numbers).allMatch(n -> n.startsWith("20261127-990009-K1-P1-"));
    }

    @Test
    void aNumberIsRecordedWhereItIsSpentOrNotTaken() throws Exception {
        IssueNumbers one = instance(), two = instance();
        LocalDate day = LocalDate.of(2026, 11, 28);
        List<String> recorded = new ArrayList<>();
        assertThat(one.next("990009", day, "K1", "P1", recorded::add)).endsWith("-000001");
        // the recording fails (e.g. the instance loses its connection): the counter rolls back with
        // it
        assertThatThrownBy(
                        () ->
                                two.next(
                                        "990009",
                                        day,
                                        "K1",
                                        "P1",
                                        n -> {
                                            throw new IllegalStateException("recording failed");
                                        }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(two.next("990009", day, "K2", "P1", recorded::add)).endsWith("-000002");
        assertThat(recorded)
                .containsExactly("20261128-990009-K1-P1-000001", "20261128-990009-K2-P1-000002");
    }
}
