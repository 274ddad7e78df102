package jp.kofuhub.demo;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

/**
 * The demo's defaults, present only with kofu-tools on the class path: {@code
 * kofu.demo.routes-exclude} empty adds routes/demo/ (the registry heartbeat, which calls the bean
 * {@code demoCity}) to the routes the hub loads. The hub's jar alone never loads a route whose bean
 * it lacks.
 */
@Configuration(proxyBeanMethods = false)
@PropertySource("classpath:kofu-demo.properties")
public class DemoProperties {}
