package dev.granary.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.http.ClusterHttps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * The REST API through the JDK's {@link HttpClient}, trusting one cluster's authority (or plain
 * HTTP for a cluster without security), as one caller's token.
 */
final class RestClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final String base;
  private final String token;

  /**
   * @param baseUrl the listener's {@code https://host:port/}
   * @param ca the cluster's authority, or null for plain HTTP
   * @param token the Bearer token sent, or null for none
   */
  RestClient(String baseUrl, X509Certificate ca, String token) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (ca != null) {
      b.sslContext(ClusterHttps.trusting(ca));
    }
    this.http = b.build();
    this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
  }

  /** The same listener as another caller. */
  RestClient as(String otherToken, X509Certificate ca) {
    return new RestClient(base + "/", ca, otherToken);
  }

  /** {@code /api/v1/<op>} followed by {@code path} with each component percent-encoded. */
  String url(String op, String path) {
    StringBuilder b = new StringBuilder(base).append("/api/v1/").append(op);
    for (String part : path.split("/", -1)) {
      if (!part.isEmpty()) {
        b.append('/').append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
      }
    }
    if (path.endsWith("/") && path.length() > 1) {
      b.append('/');
    }
    return b.toString();
  }

  HttpRequest.Builder request(String url) {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(60));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return r;
  }

  HttpResponse<byte[]> send(HttpRequest r) {
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpClient http() {
    return http;
  }

  HttpResponse<byte[]> get(String op, String path) {
    return send(request(url(op, path)).GET().build());
  }

  HttpResponse<byte[]> get(String op, String path, String range) {
    return send(request(url(op, path)).header("Range", range).GET().build());
  }

  HttpResponse<byte[]> put(String path, byte[] body, boolean overwrite) {
    return send(request(url("files", path) + (overwrite ? "?overwrite=true" : ""))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  HttpResponse<byte[]> delete(String path, boolean recursive) {
    return send(request(url("files", path) + (recursive ? "?recursive=true" : ""))
        .DELETE().build());
  }

  HttpResponse<byte[]> post(String url) {
    return send(request(url).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  HttpResponse<byte[]> mkdir(String path) {
    return post(url("mkdir", path));
  }

  HttpResponse<byte[]> rename(String from, String to) {
    return post(base + "/api/v1/rename?from=" + URLEncoder.encode(from, StandardCharsets.UTF_8)
        + "&to=" + URLEncoder.encode(to, StandardCharsets.UTF_8));
  }

  static JsonNode json(HttpResponse<byte[]> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + text(r), e);
    }
  }

  /** The status and, for a JSON or text body, up to 500 characters of it (for messages). */
  static String text(HttpResponse<byte[]> r) {
    String type = r.headers().firstValue("Content-Type").orElse("");
    if (!type.startsWith("application/json") && !type.startsWith("text/")) {
      return r.statusCode() + " (" + r.body().length + " bytes of " + type + ")";
    }
    String body = new String(r.body(), StandardCharsets.UTF_8);
    return r.statusCode() + " " + (body.length() > 500 ? body.substring(0, 500) + "..." : body);
  }
}
