package jp.kofuhub.edge;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Puts {@link JsonErrorReportValve} on Tomcat's host, so that every connector of it — the
 * mutual-TLS listener and the probe listener ({@code jp.kofuhub.keys.ProbeListener}) — answers what
 * Tomcat refuses itself as JSON.
 */
@Component
public class EdgeListeners implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(
                context -> {
                    if (context.getParent() instanceof StandardHost host) {
                        host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
                    }
                });
    }
}
