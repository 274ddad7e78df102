package jp.kofuhub.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.jolokia.server.core.request.JolokiaExecRequest;
import org.jolokia.server.core.request.JolokiaObjectNameRequest;
import org.jolokia.server.core.request.JolokiaReadRequest;
import org.jolokia.server.core.request.JolokiaRequest;
import org.jolokia.server.core.util.RequestType;

/**
 * What a console user may ask Jolokia (the JMX bridge behind Hawtio), decided on the request as
 * Jolokia parsed it — by the hub's filter ({@link JolokiaAccessFilter}, on Jolokia's own parse of
 * the HTTP request) and again by Jolokia itself ({@link ConsoleRestrictor}, on every MBean,
 * attribute and operation it is about to touch). One policy, two places (docs/operations.md "The
 * console"):
 *
 * <ul>
 *   <li><b>nobody</b> (no login, no role): nothing;
 *   <li><b>nobody at all</b>, operators included: attribute writes; exec over GET (a state change
 *       needs a POST with the CSRF token); notifications and config requests; exec on an MBean name
 *       pattern; any access to the JVM's diagnostics and logging ({@link #hidden}: {@code
 *       com.sun.management} — HotSpotDiagnostic's heap dump and VM options, DiagnosticCommand's
 *       heap dump, agent loading, VM log —, {@code jdk.management.jfr}, {@code java.util.logging},
 *       logback's and Spring Boot's MBeans, Camel's tracer and debugger, which hold and log message
 *       bodies); Camel operations that send messages, change routes or endpoints or browse messages
 *       ({@link #NEVER_OPERATIONS}); reading the JVM's system properties and arguments ({@code
 *       java.lang:type=Runtime});
 *   <li><b>VIEWER</b>: {@code read}, {@code list}, {@code search}, {@code version} of everything
 *       else; {@code exec} only of read-only operations on Camel's and Hawtio's MBeans whose names
 *       match {@code kofu.console.viewer-operations} ({@code dump*}, {@code canInvoke}, …);
 *   <li><b>OPERATOR</b>: what a viewer may, and {@code exec} of the stop switch ({@code
 *       jp.kofuhub:type=CouplingSwitch}), a Camel route's start/stop/suspend/resume/reset, {@code
 *       java.lang:type=Memory gc} and the thread dump of {@code java.lang:type=Threading}.
 * </ul>
 *
 * Plain class: no Servlet or Spring types.
 */
public final class JolokiaAccess {

    /** Who asks: from the console login ({@link ConsoleSecurity#role}). */
    public enum Role {
        NONE,
        VIEWER,
        OPERATOR
    }

    /** The answer, with the refusal code of the hub's filter. */
    public enum Verdict {
        ALLOWED(null),
        /** an operator could; this user cannot */
        OPERATOR_ONLY("CONSOLE_OPERATOR_ONLY"),
        /** nobody may, through the console */
        FORBIDDEN("CONSOLE_FORBIDDEN");

        public final String code;

        Verdict(String code) {
            this.code = code;
        }
    }

    private static final Set<RequestType> READ_TYPES =
            Set.of(RequestType.READ, RequestType.LIST, RequestType.SEARCH, RequestType.VERSION);

    /**
     * Domains nobody reaches through the console: hidden from list and search, no read, no exec.
     */
    private static final Set<String> HIDDEN_DOMAINS =
            Set.of(
                    "com.sun.management",
                    "jdk.management.jfr",
                    "java.util.logging",
                    "ch.qos.logback.classic",
                    "org.apache.logging.log4j2",
                    "org.springframework.boot",
                    "com.sun.jmx.remote");

    /**
     * {@code java.lang:type=Runtime} attributes that may carry secrets given on the command line.
     */
    private static final Set<String> RUNTIME_SECRETS = Set.of("SystemProperties", "InputArguments");

    /**
     * Camel operations nobody runs through the console, whatever {@code
     * kofu.console.viewer-operations} says: messages into routes, route and endpoint changes,
     * message browsing, tracing and debugging.
     */
    static final List<Pattern> NEVER_OPERATIONS =
            globs(
                    List.of(
                            "send*",
                            "request*",
                            "add*",
                            "update*",
                            "remove*",
                            "create*",
                            "browse*",
                            "*Trace*",
                            "*Debug*",
                            "*Breakpoint*",
                            "evaluate*",
                            "*Message*",
                            "*Body*",
                            "set*",
                            "restart*",
                            "shutdown*"));

    /** Camel route operations an operator may run (Hawtio's route actions). */
    private static final Set<String> ROUTE_OPERATIONS =
            Set.of("start", "stop", "suspend", "resume", "reset");

    private static final Set<String> SWITCH_OPERATIONS =
            Set.of("suspend", "resume", "suspendMunicipality", "resumeMunicipality");

    private static final Set<String> THREAD_OPERATIONS =
            Set.of("dumpAllThreads", "findDeadlockedThreads", "findMonitorDeadlockedThreads");

    private final List<Pattern> viewerOperations;

    /**
     * @param viewerOperations operation name patterns a viewer may exec on Camel's and Hawtio's
     *     MBeans ({@code *} any text)
     */
    public JolokiaAccess(List<String> viewerOperations) {
        this.viewerOperations = globs(viewerOperations);
    }

    // ------------------------------------------------------------------ one parsed request (the
    // filter)

    /**
     * The verdict on one request as Jolokia parsed it, sent with {@code httpMethod} ("GET" or
     * "POST"). An MBean name pattern in a read is left to the restrictor, which sees each MBean it
     * matches.
     */
    public Verdict decide(Role role, String httpMethod, JolokiaRequest request) {
        if (role == Role.NONE) {
            return Verdict.FORBIDDEN;
        }
        RequestType type = request.getType();
        Verdict t = type(role, type, httpMethod);
        if (t != Verdict.ALLOWED) {
            return t;
        }
        if (request instanceof JolokiaObjectNameRequest on
                && on.getObjectName() != null
                && !on.getObjectName().isPattern()
                && hidden(on.getObjectName())) {
            return Verdict.FORBIDDEN;
        }
        if (request instanceof JolokiaExecRequest exec) {
            return operation(role, exec.getObjectName(), exec.getOperation());
        }
        if (request instanceof JolokiaReadRequest read
                && read.getObjectName() != null
                && !read.getObjectName().isPattern()) {
            List<String> attributes =
                    read.isMultiAttributeMode()
                            ? read.getAttributeNames()
                            : java.util.Collections.singletonList(read.getAttributeName());
            for (String a : attributes == null ? List.<String>of() : attributes) {
                if (a != null && !mayRead(role, read.getObjectName(), a)) {
                    return Verdict.FORBIDDEN;
                }
            }
        }
        return Verdict.ALLOWED;
    }

    // ------------------------------------------------------------------ the restrictor's questions

    /** A request type, sent with this HTTP method (null when unknown: then no exec). */
    public Verdict type(Role role, RequestType type, String httpMethod) {
        if (role == Role.NONE || type == null) {
            return Verdict.FORBIDDEN;
        }
        if (READ_TYPES.contains(type)) {
            return Verdict.ALLOWED;
        }
        if (type == RequestType.EXEC) {
            // a state change needs the CSRF token, which only a POST carries
            return "POST".equalsIgnoreCase(httpMethod) ? Verdict.ALLOWED : Verdict.FORBIDDEN;
        }
        return Verdict.FORBIDDEN; // write, notification, config
    }

    /** Whether this MBean is out of everyone's sight (list, search) and reach. */
    public boolean hidden(ObjectName name) {
        if (name == null) {
            return false;
        }
        String domain = name.getDomain();
        if (isHealthEndpoint(name)) {
            return false; // read-only, for Hawtio's Spring Boot → Health (issue #19)
        }
        if (HIDDEN_DOMAINS.contains(domain)) {
            return true;
        }
        if ("org.apache.camel".equals(domain)) {
            String type = name.getKeyProperty("type");
            String n = name.getKeyProperty("name");
            return "tracer".equals(type)
                    || (n != null && (n.contains("Tracer") || n.contains("Debugger")));
        }
        return false;
    }

    public boolean mayRead(Role role, ObjectName name, String attribute) {
        if (role == Role.NONE || name == null || hidden(name)) {
            return false;
        }
        if ("java.lang".equals(name.getDomain()) && "Runtime".equals(name.getKeyProperty("type"))) {
            return attribute == null || !RUNTIME_SECRETS.contains(attribute);
        }
        return true;
    }

    /** No attribute is written through the console. */
    public boolean mayWrite(Role role, ObjectName name, String attribute) {
        return false;
    }

    /** An operation ("suspend(java.lang.String)" or "suspend") on one MBean. */
    public Verdict operation(Role role, ObjectName name, String operation) {
        if (role == Role.NONE
                || name == null
                || operation == null
                || name.isPattern()
                || hidden(name)) {
            return Verdict.FORBIDDEN;
        }
        int paren = operation.indexOf('(');
        String op = (paren < 0 ? operation : operation.substring(0, paren)).trim();
        if (op.isEmpty()) {
            return Verdict.FORBIDDEN;
        }
        String domain = name.getDomain();
        String type = name.getKeyProperty("type");
        if (isHealthEndpoint(name)) {
            // Spring Boot's health endpoint: the one read-only operation, for every console user
            return "health".equals(op) ? Verdict.ALLOWED : Verdict.FORBIDDEN;
        }
        boolean camel = "org.apache.camel".equals(domain);
        if (camel && matches(NEVER_OPERATIONS, op)) {
            return Verdict.FORBIDDEN;
        }
        if ((camel || "hawtio".equals(domain)) && matches(viewerOperations, op)) {
            return Verdict.ALLOWED;
        }
        boolean operatorMay =
                (camel && "routes".equals(type) && ROUTE_OPERATIONS.contains(op))
                        || ("jp.kofuhub".equals(domain)
                                && "CouplingSwitch".equals(type)
                                && SWITCH_OPERATIONS.contains(op))
                        || ("java.lang".equals(domain) && "Memory".equals(type) && "gc".equals(op))
                        || ("java.lang".equals(domain)
                                && "Threading".equals(type)
                                && THREAD_OPERATIONS.contains(op));
        if (!operatorMay) {
            return Verdict.FORBIDDEN;
        }
        return role == Role.OPERATOR ? Verdict.ALLOWED : Verdict.OPERATOR_ONLY;
    }

    /**
     * {@code org.springframework.boot:type=Endpoint,name=Health}: the one MBean of Spring Boot's
     * domain the console reaches (its {@code health} operation, the same answer as {@code
     * /actuator/health}; {@link HawtioHealth}); the rest of the domain (loggers, …) stays hidden.
     */
    static boolean isHealthEndpoint(ObjectName name) {
        return "org.springframework.boot".equals(name.getDomain())
                && "Endpoint".equals(name.getKeyProperty("type"))
                && "Health".equals(name.getKeyProperty("name"))
                && name.getKeyPropertyList().size() == 2
                && !name.isPattern();
    }

    private static boolean matches(List<Pattern> patterns, String name) {
        for (Pattern p : patterns) {
            if (p.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    private static List<Pattern> globs(List<String> globs) {
        List<Pattern> p = new ArrayList<>();
        for (String s : globs) {
            String t = s == null ? "" : s.trim();
            if (!t.isEmpty()) {
                p.add(Pattern.compile(Pattern.quote(t).replace("*", "\\E.*\\Q")));
            }
        }
        return List.copyOf(p);
    }
}
