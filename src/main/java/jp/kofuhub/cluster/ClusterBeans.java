package jp.kofuhub.cluster;

import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Camel cluster service behind the singleton routes' {@code master:} consumers
 * (docs/cluster.md).
 *
 * <p>By default the file-lock service of camel-file-cluster-service-starter ({@code
 * camel.cluster.file.*}: a lock file per namespace under a folder every instance shares; the demo,
 * the tests, one machine). In production on Kubernetes (profile {@code kubernetes}, {@code
 * camel.cluster.kubernetes.enabled=true}, {@code camel.cluster.file.enabled=false}) this
 * Lease-based service of camel-kubernetes instead: camel-kubernetes-starter 4.17.0 has no
 * auto-configuration for it, so it is made here and bound to {@code camel.cluster.kubernetes.*}
 * (every setter of {@link KubernetesClusterService}: {@code namespace}, {@code
 * kubernetes-resource-name}, {@code lease-resource-type}, {@code pod-name}, {@code
 * lease-duration-millis}, {@code renew-deadline-millis}, {@code retry-period-millis}, {@code
 * jitter-factor}, {@code cluster-labels}, {@code master-url}, {@code id}). Camel adds every {@link
 * CamelClusterService} bean to its context; the {@code master} component uses the only one.
 */
@Configuration(proxyBeanMethods = false)
public class ClusterBeans {

    @Bean
    @ConditionalOnProperty(name = "camel.cluster.kubernetes.enabled", havingValue = "true")
    @ConfigurationProperties(prefix = "camel.cluster.kubernetes")
    CamelClusterService kubernetesClusterService() {
        return new KubernetesClusterService();
    }
}
