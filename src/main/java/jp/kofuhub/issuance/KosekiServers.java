package jp.kofuhub.issuance;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jp.kofuhub.municipality.MunicipalityProfile;
import jp.kofuhub.municipality.MunicipalityRegistry;

/**
 * The koseki certificate server of each municipality (issues #18, #24): its URL — the profile's
 * {@code koseki.url}, else {@code kofu.koseki.url} — and its own circuit breaker (resilience4j),
 * with the profile's {@code koseki.breaker} thresholds over the hub-wide {@code
 * kofu.koseki.breaker-*}. One city's outage opens only that city's breaker. Route {@code
 * koseki-relay} asks {@link #permit} before the call and reports {@link #answered} or {@link
 * #failed}; phase 1 and the issue phase ask {@link #down} before any 発行番号 is taken, so a server
 * known down costs no number.
 */
public class KosekiServers {

    /** Hub-wide breaker thresholds ({@code kofu.koseki.breaker-*}). */
    public record Defaults(
            String url,
            int window,
            int minimumCalls,
            int failureRate,
            int waitSeconds,
            int halfOpenCalls,
            String signingCertificate,
            Path keysDir) {

        /** Without a signing certificate (tests of the breaker). */
        public Defaults(
                String url,
                int window,
                int minimumCalls,
                int failureRate,
                int waitSeconds,
                int halfOpenCalls) {
            this(
                    url,
                    window,
                    minimumCalls,
                    failureRate,
                    waitSeconds,
                    halfOpenCalls,
                    null,
                    Path.of("."));
        }
    }

    /** The call was not made: this municipality's breaker is open. */
    public static class BreakerOpen extends IOException {
        BreakerOpen(String municipality) {
            super(
                    "the circuit breaker of municipality "
                            + municipality
                            + "'s koseki server is open");
        }
    }

    private final MunicipalityRegistry municipalities;
    private final Defaults defaults;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    public KosekiServers(MunicipalityRegistry municipalities, Defaults defaults) {
        this.municipalities = municipalities;
        this.defaults = defaults;
    }

    /** The base URL of the municipality's koseki server (no trailing slash). */
    public String url(String municipality) {
        String url =
                Optional.ofNullable(profile(municipality).url())
                        .filter(u -> !u.isBlank())
                        .orElse(defaults.url());
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * The certificate of the municipality's 戸籍 key, which must have signed (PAdES) every PDF its
     * koseki server answers: the profile's {@code koseki.signingCertificate}, else {@code
     * kofu.koseki.signing-certificate}; a relative file under {@code kofu.keys.dir}. Read again
     * when the file changes (rotation without a restart).
     *
     * @throws IllegalStateException when none is configured or the file cannot be read
     */
    public X509Certificate signingCertificate(String municipality) {
        String file =
                Optional.ofNullable(profile(municipality).signingCertificate())
                        .filter(f -> !f.isBlank())
                        .orElse(defaults.signingCertificate());
        if (file == null || file.isBlank()) {
            throw new IllegalStateException(
                    "no signing certificate of the koseki server is configured for "
                            + municipality);
        }
        Path path = defaults.keysDir().resolve(file);
        try {
            long modified = Files.getLastModifiedTime(path).toMillis();
            Loaded l = certificates.get(path);
            if (l == null || l.modified() != modified) {
                try (InputStream in = Files.newInputStream(path)) {
                    l =
                            new Loaded(
                                    modified,
                                    (X509Certificate)
                                            CertificateFactory.getInstance("X.509")
                                                    .generateCertificate(in));
                }
                certificates.put(path, l);
            }
            return l.certificate();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot read the koseki server's signing certificate "
                            + path.getFileName()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private record Loaded(long modified, X509Certificate certificate) {}

    private final Map<Path, Loaded> certificates = new ConcurrentHashMap<>();

    /** The municipality's breaker; made on first use from its profile and the defaults. */
    public CircuitBreaker breaker(String municipality) {
        return breakers.computeIfAbsent(
                municipality, m -> CircuitBreaker.of("koseki-" + m, config(m)));
    }

    /** The breaker settings of a municipality (package-private for tests). */
    CircuitBreakerConfig config(String municipality) {
        MunicipalityProfile.Breaker b = profile(municipality).breaker();
        int window = pick(b == null ? null : b.window(), defaults.window());
        int minimum = pick(b == null ? null : b.minimumCalls(), defaults.minimumCalls());
        int rate = pick(b == null ? null : b.failureRate(), defaults.failureRate());
        int wait = pick(b == null ? null : b.waitSeconds(), defaults.waitSeconds());
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(window)
                .minimumNumberOfCalls(minimum)
                .failureRateThreshold(rate)
                .waitDurationInOpenState(Duration.ofSeconds(wait))
                .permittedNumberOfCallsInHalfOpenState(defaults.halfOpenCalls())
                // open → half-open by the clock, not by the next call: phase 1 offers 戸籍 again
                // once the wait is over, without a call having to be let through first
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordExceptions(Throwable.class)
                .build();
    }

    private static int pick(Integer own, int hubWide) {
        return own != null ? own : hubWide;
    }

    private MunicipalityProfile.Koseki profile(String municipality) {
        return municipalities
                .find(municipality)
                .map(MunicipalityProfile::kosekiServer)
                .orElse(new MunicipalityProfile.Koseki(null, null, null, null));
    }

    /**
     * Whether the municipality's koseki server is known down: its breaker is open. 戸籍 kinds are
     * then refused before any 発行番号 (KOSEKI_UNAVAILABLE).
     */
    public boolean down(String municipality) {
        CircuitBreaker.State s = breaker(municipality).getState();
        return s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN;
    }

    /**
     * Step {@code koseki-permit}: a call may be made now; else {@link BreakerOpen}. Returns the
     * start time (nanos), handed back to {@link #answered} or {@link #failed}.
     */
    public long permit(String municipality) throws BreakerOpen {
        if (!breaker(municipality).tryAcquirePermission()) {
            throw new BreakerOpen(municipality);
        }
        return System.nanoTime();
    }

    /** Step {@code koseki-answered}: the server answered (a PDF or its refusal, opened). */
    public void answered(String municipality, long started) {
        breaker(municipality).onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    /** A permitted call failed: counts against the breaker. A call not permitted does not. */
    public void failed(String municipality, Long started, Throwable error) {
        if (started == null || error instanceof BreakerOpen) {
            return;
        }
        breaker(municipality).onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, error);
    }

    /** Each municipality's breaker state, of those used since start. */
    public Map<String, String> states() {
        Map<String, String> states = new TreeMap<>();
        breakers.forEach((m, b) -> states.put(m, b.getState().name()));
        return states;
    }

    /**
     * What happened, in words for the centre and the log: the connection refused, no answer in
     * time, the server unreachable, the breaker open, or a failed answer.
     */
    public static String why(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BreakerOpen || t instanceof CallNotPermittedException) {
                return "the koseki certificate server failed repeatedly and is not called for now"
                        + " (circuit breaker open)";
            }
            if (t instanceof SocketTimeoutException
                    || t instanceof TimeoutException
                    || t instanceof InterruptedIOException
                    || t.getClass().getSimpleName().contains("Timeout")) {
                return "the koseki certificate server did not answer in time";
            }
            if (t instanceof ConnectException) {
                return "the koseki certificate server refused the connection (not running, or"
                        + " another port)";
            }
            if (t.getClass().getSimpleName().equals("NoHttpResponseException")) {
                return "the koseki certificate server closed the connection without an answer"
                        + " (stopped or restarting)";
            }
            if (t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return "the koseki certificate server cannot be reached (host unknown or no route)";
            }
        }
        return "the koseki certificate server failed or its answer was refused";
    }
}
