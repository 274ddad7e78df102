package jp.kofuhub.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * The command's arguments, exit codes and lines without a hub (with a hub: {@link
 * HistoryScenarios}).
 */
class VerifyHistoryCommandTest {

    @Test
    void badArgumentsExit2() {
        assertThat(VerifyHistoryCommand.run(new String[] {"--bogus", "1"})).isEqualTo(2);
        assertThat(VerifyHistoryCommand.run(new String[] {"--municipality"})).isEqualTo(2);
        assertThat(VerifyHistoryCommand.run(new String[] {"--municipality", "12343"})).isEqualTo(2);
        assertThat(VerifyHistoryCommand.run(new String[] {"extra"})).isEqualTo(2);
    }

    @Test
    void aHubThatCannotBeReachedExits3() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free once closed: nothing listens there
        }
        assertThat(VerifyHistoryCommand.run(new String[] {"--url", "http://localhost:" + port}))
                .isEqualTo(3);
    }

    @Test
    void linesNameTheMunicipalityAndCountOrFirstBadRow() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(
                        VerifyHistoryCommand.line(
                                json.readTree(
                                        "{\"municipality\":\"012343\",\"rows\":1234,\"ok\":true,\"firstBadSeq\":null,\"problem\":null}")))
                .isEqualTo("012343 OK 1234 rows");
        assertThat(
                        VerifyHistoryCommand.line(
                                json.readTree(
                                        "{\"municipality\":\"012343\",\"rows\":1234,\"ok\":false,\"firstBadSeq\":17,\"problem\":\"ALTERED\"}")))
                .isEqualTo("012343 BROKEN at seq 17: ALTERED");
    }
}
