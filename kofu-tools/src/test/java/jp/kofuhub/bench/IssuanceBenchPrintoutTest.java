package jp.kofuhub.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.municipality.MunicipalityRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench-issuance --printout-code} (issue #21, docs/benchmarks.md "Printout code"): the hub
 * of the bench gets a copy of the shipped municipality profiles where the bench's municipality has
 * the signed 2D code on, the others as shipped, the seal images found where they are.
 */
class IssuanceBenchPrintoutTest {

    @Test
    void theCodeOnGivesTheHubProfilesWithTheCodeOn(@TempDir Path dir) throws Exception {
        Path copy =
                new IssuanceBench(
                                Map.of(
                                        "printout-code",
                                        "bottom-right:44mm",
                                        "municipality",
                                        "012343"),
                                System.err)
                        .printoutProfiles(dir);
        MunicipalityRegistry registry = new MunicipalityRegistry(copy);
        MunicipalityProfile city = registry.find("012343").orElseThrow();
        assertThat(city.printoutCodePosition()).isEqualTo("bottom-right");
        assertThat(city.printoutCode().size()).isEqualTo("44mm");
        assertThat(registry.sealImage(city)).exists();
        MunicipalityProfile other = registry.find("011002").orElseThrow();
        assertThat(other.printoutCodePosition()).isNull();
        assertThat(registry.sealImage(other)).exists();
        MunicipalityProfile shipped =
                new MunicipalityRegistry(Path.of("config/municipalities"))
                        .find("012343")
                        .orElseThrow();
        assertThat(city.fee("JUMINHYO", java.time.LocalDate.of(2026, 12, 6)))
                .isEqualTo(shipped.fee("JUMINHYO", java.time.LocalDate.of(2026, 12, 6)));
    }

    @Test
    void offLeavesTheShippedProfiles(@TempDir Path dir) throws Exception {
        assertThat(new IssuanceBench(Map.of(), System.err).printoutProfiles(dir)).isNull();
        assertThat(
                        new IssuanceBench(Map.of("printout-code", "off"), System.err)
                                .printoutProfiles(dir))
                .isNull();
    }

    @Test
    void aBadValueIsABadArgument() {
        assertThatThrownBy(() -> IssuanceBench.parse(new String[] {"--printout-code", "top-left"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--printout-code");
        assertThat(IssuanceBench.parse(new String[] {"--printout-code", "bottom-left:50mm"}))
                .containsEntry("printout-code", "bottom-left:50mm");
    }
}
