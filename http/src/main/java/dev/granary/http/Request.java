package dev.granary.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The head of one HTTP request: method, decoded path and query, headers, and who sent it. Its body
 * arrives separately (see {@link HttpHandler}).
 */
public final class Request {
  private final HttpRequest head;
  private final String path;
  private final Map<String, List<String>> query;
  private final SocketAddress remote;
  private final boolean secure;

  private Request(HttpRequest head, String path, Map<String, List<String>> query,
      SocketAddress remote, boolean secure) {
    this.head = head;
    this.path = path;
    this.query = query;
    this.remote = remote;
    this.secure = secure;
  }

  /**
   * Parses the request target, which must be a path ({@code /...}) with an optional query.
   *
   * @throws HttpError 400 if the target is not a path or its percent-encoding is broken
   */
  static Request of(HttpRequest head, SocketAddress remote, boolean secure) {
    String uri = head.uri();
    if (!uri.startsWith("/")) {
      throw new HttpError(HttpResponseStatus.BAD_REQUEST, "request target '" + clip(uri)
          + "' is not a path: expected /...");
    }
    try {
      QueryStringDecoder d = new QueryStringDecoder(uri, StandardCharsets.UTF_8, true, 1024);
      return new Request(head, d.path(), d.parameters(), remote, secure);
    } catch (IllegalArgumentException e) {
      throw new HttpError(HttpResponseStatus.BAD_REQUEST, "request target '" + clip(uri)
          + "' is not valid percent-encoded UTF-8: " + e.getMessage());
    }
  }

  /** A request whose head could not be parsed, for answering it with an error. */
  static Request broken(HttpRequest head, SocketAddress remote, boolean secure) {
    return new Request(head, "", Map.of(), remote, secure);
  }

  HttpRequest head() {
    return head;
  }

  private static String clip(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  public HttpMethod method() {
    return head.method();
  }

  /** The path, percent-decoded (UTF-8), without the query. */
  public String path() {
    return path;
  }

  /** The request target as sent: path and query, still encoded. */
  public String uri() {
    return head.uri();
  }

  /** The first value of query parameter {@code name}, or null. */
  public String query(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Every query parameter, decoded. */
  public Map<String, List<String>> queryParameters() {
    return query;
  }

  public HttpHeaders headers() {
    return head.headers();
  }

  /** The peer's address. */
  public SocketAddress remoteAddress() {
    return remote;
  }

  /** Whether the request came over TLS. */
  public boolean secure() {
    return secure;
  }

  @Override
  public String toString() {
    return head.method() + " " + clip(head.uri());
  }
}
