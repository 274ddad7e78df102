package jp.kofuhub.support;

import org.slf4j.LoggerFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A Spring application with no beans, the hub's {@code config/application.yaml} and the profile
 * given as the first argument, that logs one line ({@link #MESSAGE}) — for {@code LogFormatTest},
 * which runs it in a JVM of its own without the tests' logback-test.xml.
 */
@Configuration(proxyBeanMethods = false)
public class LogFormatProbe {

    public static final String MESSAGE = "log format probe: transaction T-19";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(LogFormatProbe.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setBannerMode(Banner.Mode.OFF);
        app.setAdditionalProfiles(args[0]);
        try (ConfigurableApplicationContext ignored =
                app.run("--spring.config.location=file:config/application.yaml")) {
            LoggerFactory.getLogger(LogFormatProbe.class).info(MESSAGE);
        }
    }
}
