package jp.kofuhub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The Kubernetes Lease cluster service exists only when asked for, and takes its settings from
 * camel.cluster.kubernetes.* as the profile kubernetes of config/application.yaml names them. (No
 * API server here: the service is made and configured, not started.)
 */
class ClusterBeansTest {

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner()
                    .withConfiguration(
                            AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
                    .withUserConfiguration(ClusterBeans.class);

    @Test
    void noKubernetesServiceUnlessEnabled() {
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(CamelClusterService.class));
        runner.withPropertyValues("camel.cluster.kubernetes.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(CamelClusterService.class));
    }

    @Test
    void theKubernetesServiceIsBoundToItsProperties() {
        runner.withPropertyValues(
                        "camel.cluster.kubernetes.enabled=true",
                        "camel.cluster.kubernetes.kubernetes-resource-name=kofu-hub-leaders",
                        "camel.cluster.kubernetes.lease-resource-type=Lease",
                        "camel.cluster.kubernetes.lease-duration-millis=15000",
                        "camel.cluster.kubernetes.renew-deadline-millis=10000",
                        "camel.cluster.kubernetes.retry-period-millis=2000",
                        "camel.cluster.kubernetes.kubernetes-namespace=kofu",
                        "camel.cluster.kubernetes.pod-name=kofu-hub-0")
                .run(
                        ctx -> {
                            KubernetesClusterService k =
                                    ctx.getBean(KubernetesClusterService.class);
                            assertThat(k.getKubernetesResourceName()).isEqualTo("kofu-hub-leaders");
                            assertThat(k.getLeaseResourceType()).isEqualTo(LeaseResourceType.Lease);
                            assertThat(k.getLeaseDurationMillis()).isEqualTo(15000);
                            assertThat(k.getRenewDeadlineMillis()).isEqualTo(10000);
                            assertThat(k.getRetryPeriodMillis()).isEqualTo(2000);
                            assertThat(k.getKubernetesNamespace()).isEqualTo("kofu");
                            assertThat(k.getPodName()).isEqualTo("kofu-hub-0");
                        });
    }
}
