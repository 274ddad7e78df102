package jp.kofuhub.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * The README's kiosk line must name the showcase card holder of the demo city the hub generates.
 */
class ReadmeDemoTest {

    @Test
    void readmeSerialIsTheDemoShowcase(@TempDir Path dir) throws Exception {
        PropertySource<?> config =
                new YamlPropertySourceLoader()
                        .load("app", new FileSystemResource("config/application.yaml"))
                        .get(0);
        String municipality = (String) config.getProperty("kofu.demo.municipality").toString();
        String residents =
                config.getProperty("kofu.demo.residents")
                        .toString()
                        .replaceAll("\\$\\{[A-Z_]+:(\\d+)}", "$1");
        long seed = Long.parseLong(config.getProperty("kofu.demo.seed").toString());
        CityGenerator.Result demo =
                CityGenerator.generate(
                        dir.resolve("inbox"),
                        municipality,
                        Integer.parseInt(residents),
                        seed,
                        StandardCharsets.UTF_8,
                        LocalDate.of(2026, 11, 25),
                        dir.resolve("cards.csv"));
        Matcher m =
                Pattern.compile("\\./kofu kiosk --serial (\\w+)")
                        .matcher(Files.readString(Path.of("README.md")));
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo(demo.showcaseSerial());
    }
}
