package dev.granary.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Locale;

/**
 * A request that cannot be served, answered as {@code {"error": code, "message": message}} with
 * {@code status}. Handlers throw it (or pass it to {@link HttpExchange#fail}); the listener writes
 * it.
 */
public final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient HttpResponseStatus status;
  private final String code;
  private final transient HttpHeaders headers = new DefaultHttpHeaders();

  /**
   * @param status the HTTP status, 4xx or 5xx
   * @param code a short machine-readable name, e.g. {@code NOT_FOUND}
   * @param message one line for a person: the thing, the bad value, what was expected
   */
  public HttpError(HttpResponseStatus status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** An error whose code is the status's reason phrase in upper snake case ({@code NOT_FOUND}). */
  public HttpError(HttpResponseStatus status, String message) {
    this(status, codeOf(status), message);
  }

  /** This error with a header for its response (e.g. {@code Allow} of a 405). */
  public HttpError withHeader(CharSequence name, Object value) {
    headers.add(name, value);
    return this;
  }

  /** Headers the response carries besides the listener's own. */
  public HttpHeaders headers() {
    return headers;
  }

  public HttpResponseStatus status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** {@code 404 Not Found} becomes {@code NOT_FOUND}. */
  static String codeOf(HttpResponseStatus status) {
    return status.reasonPhrase().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
  }
}
