package jp.kofuhub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests (deploy/kubernetes, docs/deploy.md) without a cluster: every file
 * parses, the kustomization lists them (never the Secret template), and what must fit together does
 * — probes on the probe listener's port and health paths, replicas, heap and memory, the Role for
 * Camel's lease election, the downward API names the cluster service reads, Secrets with
 * placeholders only.
 */
class KubernetesManifestsTest {

    static final Path DIR = Path.of("deploy/kubernetes");
    static final String NAMESPACE = "kofu-hub";
    static final List<Map<String, Object>> DOCS = new ArrayList<>();
    static final List<Map<String, Object>> TEMPLATE = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.equals("kustomization.yaml")) {
                    continue;
                }
                for (Object doc : new Yaml().loadAll(Files.readString(f, StandardCharsets.UTF_8))) {
                    assertThat(doc)
                            .as(name + ": every document is a mapping")
                            .isInstanceOf(Map.class);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) doc;
                    assertThat(m).as(name).containsKeys("apiVersion", "kind", "metadata");
                    assertThat(map(m, "metadata")).as(name).containsKey("name");
                    (name.equals("secrets.template.yaml") ? TEMPLATE : DOCS).add(m);
                }
            }
        }
    }

    @Test
    void theKustomizationListsEveryManifestButTheSecretTemplate() throws IOException {
        Map<String, Object> k =
                new Yaml().load(Files.readString(DIR.resolve("kustomization.yaml")));
        assertThat(k.get("namespace")).isEqualTo(NAMESPACE);
        Set<String> listed = new HashSet<>(strings(k.get("resources")));
        Set<String> present = new HashSet<>();
        try (Stream<Path> files = Files.list(DIR)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .filter(
                            n ->
                                    !n.equals("kustomization.yaml")
                                            && !n.equals("secrets.template.yaml"))
                    .forEach(present::add);
        }
        assertThat(listed).isEqualTo(present).doesNotContain("secrets.template.yaml");
        for (Map<String, Object> d : DOCS) {
            if (!d.get("kind").equals("Namespace")) {
                assertThat(map(d, "metadata").get("namespace"))
                        .as(d.get("kind") + " " + name(d))
                        .isEqualTo(NAMESPACE);
            }
        }
        assertThat(kinds())
                .contains(
                        "Namespace",
                        "ServiceAccount",
                        "Role",
                        "RoleBinding",
                        "ConfigMap",
                        "Deployment",
                        "Service",
                        "PodDisruptionBudget",
                        "NetworkPolicy",
                        "PersistentVolumeClaim");
    }

    @Test
    void theDeploymentRunsSeveralInstancesSpreadOverNodes() {
        Map<String, Object> spec = map(deployment(), "spec");
        assertThat((Integer) spec.get("replicas")).isGreaterThanOrEqualTo(2);
        Map<String, Object> rolling = map(map(spec, "strategy"), "rollingUpdate");
        assertThat(rolling.get("maxUnavailable")).isEqualTo(0);
        Map<String, Object> pod = podSpec();
        assertThat(map(pod, "affinity")).containsKey("podAntiAffinity");
        Map<String, Object> pdb = one("PodDisruptionBudget");
        assertThat(map(map(pdb, "spec"), "selector").get("matchLabels")).isEqualTo(podLabels());
        assertThat((Integer) map(pdb, "spec").get("minAvailable")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theProbesUseTheProbeListenerAndTheActuatorHealthGroups() {
        Map<String, Object> c = container();
        Map<String, Integer> ports = new java.util.HashMap<>();
        for (Map<String, Object> p : maps(c.get("ports"))) {
            ports.put((String) p.get("name"), (Integer) p.get("containerPort"));
        }
        assertThat(ports).containsEntry("https", 8443).containsEntry("probes", 9090);
        Map<String, String> env = envConfig();
        assertThat(env.get("KOFU_PROBE_PORT"))
                .as("the probe listener listens where the probes knock")
                .isEqualTo("9090");
        Set<String> served = new HashSet<>(List.of(env.get("KOFU_PROBE_PATHS").split(",")));
        Map<String, String> expected =
                Map.of(
                        "livenessProbe",
                        "/actuator/health/liveness",
                        "readinessProbe",
                        "/actuator/health/instance",
                        "startupProbe",
                        "/actuator/health/liveness");
        expected.forEach(
                (probe, path) -> {
                    Map<String, Object> get = map(map(c, probe), "httpGet");
                    assertThat(get.get("path")).as(probe).isEqualTo(path);
                    assertThat(get.get("port"))
                            .as(probe + ": never the mutual-TLS port")
                            .isEqualTo("probes");
                    assertThat(get).as(probe + ": plain HTTP").doesNotContainKey("scheme");
                    assertThat(served)
                            .as(probe + " is served by the probe listener")
                            .contains(path);
                });
        Map<String, Object> annotations =
                map(map(map(map(deployment(), "spec"), "template"), "metadata"), "annotations");
        assertThat(served)
                .as("the scrape path is served")
                .contains((String) annotations.get("prometheus.io/path"));
    }

    @Test
    void theReadinessProbeLeavesDeploymentWideStatesOut() {
        // camel-kubernetes counts only ready pods as cluster members: a readiness that is DOWN on
        // every pod
        // at once (every replica stale, the stop switch) would leave the singleton routes without a
        // leader
        Map<String, Object> app =
                new Yaml()
                        .load(
                                (String)
                                        map(configMap("kofu-hub-config"), "data")
                                                .get("application.yaml"));
        Map<String, Object> instance =
                map(
                        map(map(map(map(app, "management"), "endpoint"), "health"), "group"),
                        "instance");
        List<String> include = List.of(((String) instance.get("include")).split(","));
        assertThat(include)
                .contains("readinessState", "db")
                .doesNotContain("issuing", "replica", "koseki");
        assertThat(instance.get("show-details")).isEqualTo("never");
    }

    @Test
    void theHeapStaysAt512MbInsideTheMemoryLimit() {
        String opts = envConfig().get("JDK_JAVA_OPTIONS");
        Matcher xmx = Pattern.compile("-Xmx(\\d+)m").matcher(opts);
        assertThat(xmx.find()).as(opts).isTrue();
        int heapMb = Integer.parseInt(xmx.group(1));
        assertThat(heapMb).isLessThanOrEqualTo(512);
        String limit = (String) map(map(container(), "resources"), "limits").get("memory");
        assertThat(limit).isEqualTo("1Gi");
        assertThat(heapMb)
                .as("room for metaspace, threads and native memory")
                .isLessThanOrEqualTo(1024 / 2);
    }

    @Test
    void theHubRunsWithoutPrivileges() throws IOException {
        Map<String, Object> pod = map(podSpec(), "securityContext");
        assertThat(pod.get("runAsNonRoot")).isEqualTo(true);
        Map<String, Object> c = map(container(), "securityContext");
        assertThat(c.get("allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(c.get("readOnlyRootFilesystem")).isEqualTo(true);
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile)
                .contains("USER " + pod.get("runAsUser") + ":" + pod.get("runAsGroup"));
        assertThat(Files.readString(Path.of("kofu-hub/pom.xml")))
                .contains(
                        "<user>" + pod.get("runAsUser") + ":" + pod.get("runAsGroup") + "</user>");
        // the working directory's relative folders (./kofu serve runs in the project root) are in
        // the image
        for (String dir :
                List.of("routes/", "config/", "xslt-templates/", "fonts/", "docs/interfaces/")) {
            assertThat(dockerfile)
                    .contains("COPY --chown=root:root " + dir + " /opt/kofu-hub/" + dir);
        }
        List<String> writable =
                maps(container().get("volumeMounts")).stream()
                        .map(m -> (String) m.get("mountPath"))
                        .toList();
        assertThat(writable).contains("/opt/kofu-hub/data", "/tmp");
    }

    @Test
    void theRoleGrantsWhatCamelsLeaseElectionNeeds() {
        Map<String, Object> role = one("Role");
        List<Map<String, Object>> rules = maps(role.get("rules"));
        assertThat(rules)
                .anySatisfy(
                        r -> {
                            assertThat(strings(r.get("apiGroups")))
                                    .containsExactly("coordination.k8s.io");
                            assertThat(strings(r.get("resources"))).containsExactly("leases");
                            assertThat(strings(r.get("verbs")))
                                    .contains("get", "list", "watch", "create", "update", "patch");
                        });
        assertThat(rules)
                .anySatisfy(
                        r -> {
                            assertThat(strings(r.get("apiGroups"))).containsExactly("");
                            assertThat(strings(r.get("resources"))).containsExactly("pods");
                            assertThat(strings(r.get("verbs"))).contains("get", "list");
                        });
        assertThat(rules)
                .allSatisfy(r -> assertThat(strings(r.get("verbs"))).doesNotContain("delete", "*"));
        Map<String, Object> binding = one("RoleBinding");
        assertThat(map(binding, "roleRef").get("name")).isEqualTo(name(role));
        Map<String, Object> subject = maps(binding.get("subjects")).get(0);
        assertThat(subject.get("name"))
                .isEqualTo(podSpec().get("serviceAccountName"))
                .isEqualTo(name(one("ServiceAccount")));
    }

    @Test
    void theClusterServiceIsConfiguredFromTheDownwardApi() {
        Map<String, Object> app =
                new Yaml()
                        .load(
                                (String)
                                        map(configMap("kofu-hub-config"), "data")
                                                .get("application.yaml"));
        Map<String, Object> k8s = map(map(map(app, "camel"), "cluster"), "kubernetes");
        assertThat(k8s.get("enabled")).isEqualTo(true);
        assertThat(map(map(map(app, "camel"), "cluster"), "file").get("enabled")).isEqualTo(false);
        Set<String> downward = new HashSet<>();
        for (Map<String, Object> e : maps(container().get("env"))) {
            if (e.get("valueFrom") instanceof Map<?, ?> from && from.containsKey("fieldRef")) {
                downward.add((String) e.get("name"));
            }
        }
        assertThat(k8s.get("pod-name")).isEqualTo("${KUBERNETES_POD_NAME}");
        assertThat(k8s.get("kubernetes-namespace")).isEqualTo("${KUBERNETES_NAMESPACE}");
        assertThat(downward).contains("KUBERNETES_POD_NAME", "KUBERNETES_NAMESPACE");
        Map<String, Object> labels = map(k8s, "cluster-labels");
        assertThat(labels)
                .containsEntry(
                        "[app.kubernetes.io/name]", podLabels().get("app.kubernetes.io/name"));
        // camel-kubernetes refuses to start otherwise
        // (KubernetesClusterService.lockConfigWithGroupNameAndDefaults)
        long lease = ((Number) k8s.get("lease-duration-millis")).longValue();
        long renew = ((Number) k8s.get("renew-deadline-millis")).longValue();
        long retry = ((Number) k8s.get("retry-period-millis")).longValue();
        double jitter = ((Number) k8s.get("jitter-factor")).doubleValue();
        assertThat(lease).isGreaterThan(renew);
        assertThat((double) renew).isGreaterThan(jitter * retry);
        // every key is a property of KubernetesClusterService (ClusterBeans binds
        // camel.cluster.kubernetes.* to
        // its setters, and Spring ignores a key without one: a misspelt key would silently keep a
        // default)
        Set<String> setters = new HashSet<>();
        for (java.lang.reflect.Method m :
                org.apache.camel.component.kubernetes.cluster.KubernetesClusterService.class
                        .getMethods()) {
            if (m.getName().startsWith("set") && m.getParameterCount() == 1) {
                setters.add(m.getName().substring(3).toLowerCase(java.util.Locale.ROOT));
            }
        }
        for (String key : k8s.keySet()) {
            if (!key.equals("enabled")) {
                assertThat(setters)
                        .as(
                                "camel.cluster.kubernetes.%s is a property of KubernetesClusterService",
                                key)
                        .contains(key.replace("-", "").toLowerCase(java.util.Locale.ROOT));
            }
        }
        assertThat(k8s.get("kubernetes-resource-name")).isEqualTo("kofu-hub-leaders");
        assertThat(envConfig().get("SPRING_PROFILES_ACTIVE")).contains("postgres", "kubernetes");
        assertThat(envConfig().get("SPRING_CONFIG_ADDITIONAL_LOCATION"))
                .contains("/etc/kofu-hub/config/");
        assertThat(maps(container().get("volumeMounts")))
                .anySatisfy(m -> assertThat(m.get("mountPath")).isEqualTo("/etc/kofu-hub/config"));
    }

    @Test
    void everyVariableOfTheConfigMapIsOneTheHubReads() throws IOException {
        String application = Files.readString(Path.of("config/application.yaml"));
        for (String name : envConfig().keySet()) {
            if (name.startsWith("KOFU_")) {
                assertThat(application).as(name).contains("${" + name + ":");
            }
        }
        assertThat(envConfig())
                .containsEntry("KOFU_DEMO", "false")
                .containsEntry("KOFU_KEYS_GENERATE", "false");
    }

    @Test
    void theServicesReachTheHubsTlsPort() {
        List<Map<String, Object>> services = all("Service");
        assertThat(services).hasSizeGreaterThanOrEqualTo(2);
        for (Map<String, Object> s : services) {
            assertThat(map(s, "spec").get("selector")).isEqualTo(podLabels());
            assertThat(maps(map(s, "spec").get("ports")))
                    .allSatisfy(
                            p -> {
                                assertThat(p.get("port")).isEqualTo(8443);
                                assertThat(p.get("targetPort")).isEqualTo("https");
                            });
        }
        assertThat(services)
                .anySatisfy(
                        s ->
                                assertThat(map(s, "spec").get("publishNotReadyAddresses"))
                                        .as("operators reach unready pods")
                                        .isEqualTo(true));
    }

    @Test
    void theSecretTemplateNamesEverySecretTheDeploymentReadsWithPlaceholdersOnly() {
        Map<String, Set<String>> template = new java.util.HashMap<>();
        for (Map<String, Object> s : TEMPLATE) {
            assertThat(s.get("kind")).isEqualTo("Secret");
            assertThat(s).as(name(s) + ": stringData only").doesNotContainKey("data");
            Map<String, Object> data = map(s, "stringData");
            data.forEach(
                    (k, v) ->
                            assertThat((String) v)
                                    .as(name(s) + "/" + k + " is a placeholder")
                                    .startsWith("<")
                                    .doesNotContain("BEGIN", "PRIVATE KEY", "changeit"));
            template.put(name(s), data.keySet());
        }
        for (Map<String, Object> v : maps(podSpec().get("volumes"))) {
            if (v.get("secret") instanceof Map<?, ?> secret) {
                assertThat(template)
                        .as("volume " + v.get("name"))
                        .containsKey((String) secret.get("secretName"));
            }
        }
        for (Map<String, Object> e : maps(container().get("env"))) {
            if (e.get("valueFrom") instanceof Map<?, ?> from
                    && from.get("secretKeyRef") instanceof Map<?, ?> ref) {
                assertThat(template.get((String) ref.get("name")))
                        .as(e.get("name") + "")
                        .contains((String) ref.get("key"));
            }
        }
        assertThat(template.get("kofu-hub-keys"))
                .contains("hub.p12", "truststore.p12", "hub.pgp.sec", "centre.pgp.pub");
        assertThat(template.get("kofu-hub-at-rest")).contains("at-rest.keys");
        assertThat(template.get("kofu-hub-console")).contains("console-users.properties");
    }

    // ---- helpers ----

    @Test
    void egressIsLimitedToWhatTheHubNeeds() {
        // issue #19: DNS, PostgreSQL, the SFTP hosts, the koseki server, the API server (Leases)
        Map<String, Object> egress =
                all("NetworkPolicy").stream()
                        .filter(p -> strings(map(p, "spec").get("policyTypes")).contains("Egress"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no egress NetworkPolicy"));
        assertThat(map(map(egress, "spec"), "podSelector").get("matchLabels"))
                .isEqualTo(podLabels());
        List<Map<String, Object>> rules = maps(map(egress, "spec").get("egress"));
        Set<String> ports = new HashSet<>();
        for (Map<String, Object> r : rules) {
            assertThat(r).as("every rule names where to").containsKey("to");
            assertThat(r).as("every rule names its ports").containsKey("ports");
            maps(r.get("ports"))
                    .forEach(pt -> ports.add(pt.get("port") + "/" + pt.get("protocol")));
        }
        assertThat(ports)
                .contains("53/UDP", "53/TCP", "5432/TCP", "22/TCP", "443/TCP")
                .allSatisfy(pt -> assertThat(pt).matches("\\d+/(TCP|UDP)"));
        // the DNS rule selects the cluster's DNS pods, not the whole world
        assertThat(
                        rules.stream()
                                .filter(r -> r.toString().contains("port=53"))
                                .flatMap(r -> maps(r.get("to")).stream())
                                .allMatch(t -> t.containsKey("podSelector")))
                .isTrue();
    }

    @Test
    void ephemeralStorageCoversTheWorkFolders() {
        // issue #19: data/ holds a decrypted FULL (~1 GB); the scheduler must know
        Map<String, Object> res = map(container(), "resources");
        String request = (String) map(res, "requests").get("ephemeral-storage");
        String limit = (String) map(res, "limits").get("ephemeral-storage");
        assertThat(request).isNotNull();
        assertThat(limit).isNotNull();
        long volumes = 0;
        for (Map<String, Object> v : maps(podSpec().get("volumes"))) {
            if (v.get("emptyDir") instanceof Map<?, ?> e && e.get("sizeLimit") != null) {
                volumes += mebibytes((String) e.get("sizeLimit"));
            }
        }
        assertThat(mebibytes(request)).isGreaterThanOrEqualTo(volumes);
        assertThat(mebibytes(limit)).isGreaterThanOrEqualTo(mebibytes(request));
    }

    @Test
    void theImageIsPinnedByDigest() throws IOException {
        // issue #19: a tag can be moved; the kustomization pins the image by its digest
        Map<String, Object> k =
                new Yaml().load(Files.readString(DIR.resolve("kustomization.yaml")));
        String image = (String) container().get("image");
        List<Map<String, Object>> images = maps(k.get("images"));
        Map<String, Object> pin =
                images.stream()
                        .filter(i -> image.equals(i.get("name")))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no images entry for " + image));
        assertThat((String) pin.get("digest")).matches("sha256:[0-9a-f]{64}");
        assertThat(pin).doesNotContainKey("newTag");
        assertThat(image.substring(image.lastIndexOf('/') + 1)).doesNotContain(":");
    }

    private static long mebibytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
        assertThat(m.matches()).as(quantity).isTrue();
        return Long.parseLong(m.group(1)) * (m.group(2).equals("Gi") ? 1024 : 1);
    }

    private static Set<String> kinds() {
        Set<String> k = new HashSet<>();
        DOCS.forEach(d -> k.add((String) d.get("kind")));
        return k;
    }

    private static List<Map<String, Object>> all(String kind) {
        return DOCS.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    private static Map<String, Object> one(String kind) {
        List<Map<String, Object>> found = all(kind);
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    private static Map<String, Object> deployment() {
        return one("Deployment");
    }

    private static Map<String, Object> podSpec() {
        return map(map(map(deployment(), "spec"), "template"), "spec");
    }

    private static Map<String, Object> container() {
        return maps(podSpec().get("containers")).get(0);
    }

    private static Map<String, Object> podLabels() {
        return map(map(map(map(deployment(), "spec"), "template"), "metadata"), "labels")
                .entrySet()
                .stream()
                .filter(e -> e.getKey().equals("app.kubernetes.io/name"))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static Map<String, Object> configMap(String name) {
        return all("ConfigMap").stream()
                .filter(c -> name.equals(name(c)))
                .findFirst()
                .orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> envConfig() {
        return (Map<String, String>) (Map<?, ?>) map(configMap("kofu-hub-env"), "data");
    }

    private static String name(Map<String, Object> doc) {
        return (String) map(doc, "metadata").get("name");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertThat(v).as(key).isInstanceOf(Map.class);
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object list) {
        assertThat(list).isInstanceOf(List.class);
        return (List<Map<String, Object>>) list;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object list) {
        assertThat(list).isInstanceOf(List.class);
        return (List<String>) list;
    }
}
