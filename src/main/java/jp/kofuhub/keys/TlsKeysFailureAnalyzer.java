package jp.kofuhub.keys;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a start stopped by missing TLS keys ({@link TlsListener.KeysUnreadable}) into Spring Boot's
 * short "APPLICATION FAILED TO START" report instead of a stack trace. Registered in
 * META-INF/spring.factories.
 */
public class TlsKeysFailureAnalyzer extends AbstractFailureAnalyzer<TlsListener.KeysUnreadable> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, TlsListener.KeysUnreadable cause) {
        String message = cause.getMessage();
        String description =
                message.endsWith(TlsListener.ACTION)
                        ? message.substring(0, message.length() - TlsListener.ACTION.length())
                                .trim()
                        : message;
        return new FailureAnalysis(description, TlsListener.ACTION, cause);
    }
}
