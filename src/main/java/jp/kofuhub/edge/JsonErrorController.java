package jp.kofuhub.edge;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Spring's error path ({@code server.error.path}, /error) for every listener: a path nothing serves
 * (404), a method a path does not take (405), and any other error Spring or a filter sends there,
 * answered as the documented {@code {status, code, message}} instead of Spring Boot's {@code
 * {timestamp, status, error, path}}. Replaces Boot's BasicErrorController.
 */
@RestController
public class JsonErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    public ResponseEntity<String> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 500;
        // asked for directly (GET /error): nothing went wrong, there is nothing here
        EdgeErrors.Edge edge = code == null ? EdgeErrors.of(404) : EdgeErrors.of(status);
        return ResponseEntity.status(edge.status())
                .contentType(MediaType.APPLICATION_JSON)
                .body(edge.json());
    }
}
