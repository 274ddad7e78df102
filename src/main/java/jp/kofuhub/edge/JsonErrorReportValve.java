package jp.kofuhub.edge;

import jakarta.servlet.RequestDispatcher;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's error report valve, answering JSON instead of its HTML page. Tomcat calls it on every
 * listener of the host for what it refuses itself — a request line that is not HTTP, headers over
 * the limit, a bad path encoding — and for any error answer without a body. A header or request
 * line over {@code server.max-http-request-header-size} (Tomcat answers 400) becomes 431 {@code
 * REQUEST_HEADER_TOO_LARGE}; everything else keeps its status with the code {@link EdgeErrors#of}
 * gives it. Nothing of the request or the exception is written or logged.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    public JsonErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        Throwable cause =
                throwable != null
                        ? throwable
                        : (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        EdgeErrors.Edge edge =
                status == 400 && EdgeErrors.headerTooLarge(cause)
                        ? EdgeErrors.HEADER_TOO_LARGE
                        : EdgeErrors.of(status);
        try {
            response.setStatus(edge.status());
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer w = response.getReporter();
            if (w != null) {
                w.write(edge.json());
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client went away: nothing to answer
        }
    }
}
