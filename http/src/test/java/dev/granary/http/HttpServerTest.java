package dev.granary.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Role;
import dev.granary.wire.tls.CertificateAuthority;
import dev.granary.wire.tls.NodeKeys;
import dev.granary.wire.tls.TlsContexts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpServerTest {
  private static final String HOST = "127.0.0.1";
  private final List<AutoCloseable> open = new ArrayList<>();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private HttpServer start(Router router, HttpLimits limits) throws IOException {
    HttpServer s = HttpServer.start("test", HOST, 0, null, router, limits);
    open.add(s);
    return s;
  }

  private static Router router() {
    return Router.builder()
        .get("/hello", ex -> {
          ex.respond(HttpResponseStatus.OK, "text/plain", "hello " + ex.request().query("who"));
          return HttpHandler.BodyReceiver.DISCARD;
        })
        .get("/files/", ex -> {
          ex.respond(HttpResponseStatus.OK, "text/plain", "file " + ex.request().path());
          return HttpHandler.BodyReceiver.DISCARD;
        })
        .get("/files/special", ex -> {
          ex.respond(HttpResponseStatus.OK, "text/plain", "special");
          return HttpHandler.BodyReceiver.DISCARD;
        })
        .route(HttpMethod.POST, "/echo", BufferedBody.of((ex, body) ->
            ex.respond(HttpResponseStatus.OK, "application/octet-stream", body.retain())))
        .get("/fail", ex -> {
          throw new HttpError(HttpResponseStatus.CONFLICT, "ALREADY_EXISTS", "it \"exists\"");
        })
        .get("/bug", ex -> {
          throw new IllegalStateException("a bug");
        })
        .build();
  }

  private HttpResponse<String> get(HttpServer s, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + s.port()
        + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void routesByMethodAndLongestPathAndAnswersErrorsInJson() throws Exception {
    HttpServer s = start(router(), HttpLimits.defaults());
    assertEquals("hello w%rld", get(s, "/hello?who=w%25rld").body());
    assertEquals("file /files/a b/c", get(s, "/files/a%20b/c").body());
    assertEquals("special", get(s, "/files/special").body());

    HttpResponse<String> missing = get(s, "/nothing");
    assertEquals(404, missing.statusCode());
    assertEquals("application/json", missing.headers().firstValue("content-type").orElse(""));
    assertEquals("{\"error\":\"NOT_FOUND\",\"message\":\"no such resource: /nothing\"}",
        missing.body());
    assertEquals(404, get(s, "/").statusCode());
    assertEquals(404, get(s, "/hello/more").statusCode(), "an exact route matches exactly");

    HttpResponse<String> wrong = client.send(HttpRequest.newBuilder(URI.create("http://" + HOST
        + ":" + s.port() + "/hello")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, wrong.statusCode());
    assertEquals("GET", wrong.headers().firstValue("allow").orElse(""));
    assertTrue(wrong.body().startsWith("{\"error\":\"METHOD_NOT_ALLOWED\""), wrong.body());

    HttpResponse<String> conflict = get(s, "/fail");
    assertEquals(409, conflict.statusCode());
    assertEquals("{\"error\":\"ALREADY_EXISTS\",\"message\":\"it \\\"exists\\\"\"}",
        conflict.body());
    HttpResponse<String> bug = get(s, "/bug");
    assertEquals(500, bug.statusCode());
    assertTrue(bug.body().contains("a bug"), bug.body());
    assertEquals("hello null", get(s, "/hello").body(), "the server serves on after a bug");
  }

  @Test
  void bufferedBodiesAreBoundedAndEchoed() throws Exception {
    HttpServer s = start(router(), HttpLimits.defaults().withMaxBufferedBody(1000));
    byte[] small = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> echoed = client.send(HttpRequest.newBuilder(URI.create("http://" + HOST
        + ":" + s.port() + "/echo")).POST(HttpRequest.BodyPublishers.ofByteArray(small)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, echoed.statusCode());
    assertEquals(1000, echoed.body().length);

    // Declared too large: refused before a byte of the body is read, and the connection closed.
    try (Raw raw = raw(s)) {
      raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n");
      Raw.Response r = raw.response();
      assertEquals(413, r.status());
      assertEquals("close", r.headers().get("connection"));
      assertTrue(r.body().contains("PAYLOAD_TOO_LARGE") || r.body().contains("REQUEST_ENTITY"),
          r.body());
      raw.assertClosed();
    }
    // Chunked without a length: refused when the sum passes the limit.
    try (Raw raw = raw(s)) {
      raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "3e8\r\n" + "y".repeat(1000) + "\r\n" + "1\r\nz\r\n0\r\n\r\n");
      assertEquals(413, raw.response().status());
      raw.assertClosed();
    }
  }

  @Test
  void keepsConnectionsAliveAndServesPipelinedRequestsInOrder() throws Exception {
    HttpServer s = start(router(), HttpLimits.defaults());
    try (Raw raw = raw(s)) {
      raw.send("GET /hello?who=1 HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"
          + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
          + "GET /hello?who=4 HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals("hello 1", raw.response().body());
      assertEquals(404, raw.response().status());
      assertEquals("abc", raw.response().body());
      Raw.Response last = raw.response();
      assertEquals("hello 4", last.body());
      assertEquals(null, last.headers().get("connection"));
      raw.send("GET /hello?who=5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      Raw.Response closing = raw.response();
      assertEquals("hello 5", closing.body());
      assertEquals("close", closing.headers().get("connection"));
      raw.assertClosed();
    }
    try (Raw raw = raw(s)) {
      raw.send("GET /hello HTTP/1.0\r\n\r\n");
      assertEquals("hello null", raw.response().body());
      raw.assertClosed(); // HTTP/1.0 without keep-alive
    }
  }

  @Test
  void malformedAndOversizedRequestsGetAnErrorAndAClosedConnection() throws Exception {
    HttpServer s = start(router(), HttpLimits.defaults());
    try (Raw raw = raw(s)) {
      raw.send("GET /hello?" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(414, raw.response().status());
      raw.assertClosed();
    }
    try (Raw raw = raw(s)) {
      raw.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n");
      assertEquals(431, raw.response().status());
      raw.assertClosed();
    }
    try (Raw raw = raw(s)) {
      raw.send("GET http://elsewhere/hello HTTP/1.1\r\nHost: x\r\n\r\n");
      Raw.Response r = raw.response();
      assertEquals(400, r.status());
      assertTrue(r.body().contains("not a path"), r.body());
    }
    try (Raw raw = raw(s)) {
      raw.send("GET /files/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(400, raw.response().status());
    }
    try (Raw raw = raw(s)) {
      raw.send("\u0001\u0002garbage that is no request\r\n\r\n");
      assertEquals(400, raw.response().status());
      raw.assertClosed();
    }
    assertEquals("hello null", get(s, "/hello").body());
  }

  @Test
  void capsConnectionsAndClosesIdleOnes() throws Exception {
    HttpServer s = start(router(), HttpLimits.defaults().withMaxConnections(2)
        .withIdleTimeout(Duration.ofMillis(500)));
    try (Raw a = raw(s); Raw b = raw(s)) {
      a.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(200, a.response().status());
      b.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(200, b.response().status());
      try (Raw c = raw(s)) {
        c.assertClosed(); // the third is closed before it is read
      }
      a.assertClosed(); // idle past the timeout
      b.assertClosed();
    }
    // The slots are free again once the idle ones are closed.
    assertEquals("hello null", get(s, "/hello").body());
  }

  @Test
  void streamsBodiesInAndOutWithoutHoldingThem() throws Exception {
    long size = 64L << 20;
    AtomicLong received = new AtomicLong();
    Router router = Router.builder()
        .route(HttpMethod.PUT, "/upload", ex -> new HttpHandler.BodyReceiver() {
          long n;

          @Override
          public void content(ByteBuf chunk) {
            n += chunk.readableBytes();
            // Back-pressure from another thread, as a handler writing to the cluster would.
            ex.pauseReading();
            CompletableFuture.runAsync(ex::resumeReading);
          }

          @Override
          public void end() {
            received.set(n);
            ex.respond(HttpResponseStatus.CREATED, "text/plain", Long.toString(n));
          }
        })
        .get("/download", ex -> {
          var headers = new DefaultHttpHeaders().set("content-type", "application/octet-stream");
          HttpExchange.ResponseStream out = ex.stream(HttpResponseStatus.OK, headers);
          CompletableFuture.runAsync(() -> sendPieces(out, size, 0));
          return HttpHandler.BodyReceiver.DISCARD;
        })
        .build();
    HttpServer s = start(router, HttpLimits.defaults());
    HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create("http://" + HOST
        + ":" + s.port() + "/upload")).PUT(HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(() -> new Zeros(size)))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, put.statusCode());
    assertEquals(size, received.get());
    assertEquals(Long.toString(size), put.body());

    HttpResponse<InputStream> got = client.send(HttpRequest.newBuilder(URI.create("http://"
        + HOST + ":" + s.port() + "/download")).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, got.statusCode());
    assertEquals("chunked", got.headers().firstValue("transfer-encoding").orElse(""));
    long n = 0;
    try (InputStream in = got.body()) {
      byte[] buf = new byte[1 << 16];
      for (int r; (r = in.read(buf)) > 0; ) {
        n += r;
      }
    }
    assertEquals(size, n);
  }

  /** Writes {@code size} bytes in 64 KiB pieces, each after the previous one reached the socket. */
  private static void sendPieces(HttpExchange.ResponseStream out, long size, long sent) {
    if (sent >= size) {
      out.end();
      return;
    }
    int n = (int) Math.min(1 << 16, size - sent);
    out.write(Unpooled.wrappedBuffer(new byte[n])).addListener(f -> {
      if (f.isSuccess()) {
        sendPieces(out, size, sent + n);
      }
    });
  }

  @Test
  void servesHttpsWithTheNodeCertificateToClientsTrustingTheAuthority() throws Exception {
    Instant now = Instant.now();
    CertificateAuthority ca = CertificateAuthority.create("cluster-1", now);
    NodeKeys keys = ca.issueKeys(Role.MASTER, "master-1", now);
    HttpServer s = HttpServer.start("test", HOST, 0, TlsContexts.https(keys), router(),
        HttpLimits.defaults());
    open.add(s);
    assertTrue(s.url().startsWith("https://127.0.0.1:"), s.url());
    HttpClient trusting = HttpClient.newBuilder().sslContext(ClusterHttps.trusting(
        ca.certificate())).build(); // HTTP/2 offered by ALPN; the server answers HTTP/1.1
    HttpResponse<String> r = trusting.send(HttpRequest.newBuilder(URI.create("https://" + HOST
        + ":" + s.port() + "/hello?who=tls")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertEquals("hello tls", r.body());
    assertEquals(HttpClient.Version.HTTP_1_1, r.version());
    X509Certificate served = (X509Certificate) r.sslSession().orElseThrow()
        .getPeerCertificates()[0];
    assertEquals(keys.certificate(), served, "the node's own certificate");
    assertTrue(served.getSubjectAlternativeNames().contains(List.of(2, "master-1")),
        "the node id as a DNS name, for scrapers that check names: "
            + served.getSubjectAlternativeNames());
    assertEquals(404, trusting.send(HttpRequest.newBuilder(URI.create("https://" + HOST
        + ":" + s.port() + "/api/v1/cluster")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode());

    CertificateAuthority other = CertificateAuthority.create("cluster-2", now);
    HttpClient stranger = HttpClient.newBuilder().sslContext(ClusterHttps.trusting(
        other.certificate())).build();
    assertThrows(SSLHandshakeException.class, () -> stranger.send(HttpRequest.newBuilder(
        URI.create("https://" + HOST + ":" + s.port() + "/hello")).build(),
        HttpResponse.BodyHandlers.ofString()));

    try (Raw raw = raw(s)) {
      raw.send("GET /hello HTTP/1.1\r\nHost: 127.0.0.1:" + s.port() + "\r\n\r\n");
      Raw.Response plain = raw.response();
      assertEquals(400, plain.status());
      assertTrue(plain.body().contains("this port serves HTTPS: use https://127.0.0.1:"),
          plain.body());
      raw.assertClosed();
    }
    assertEquals(200, trusting.send(HttpRequest.newBuilder(URI.create("https://" + HOST
        + ":" + s.port() + "/hello")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode(), "the server serves on");
  }

  @Test
  void metricsEndpointWritesThePrometheusTextFormatUnderGranaryNames() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetricsCollector.register(registry);
    Counter c = Counter.builder().name("granary_test_things").help("Things.")
        .labelNames("kind").register(registry);
    c.labelValues("a \"quoted\" kind").inc(3);
    HttpServer s = start(Router.builder().get(MetricsEndpoint.PATH,
        new MetricsEndpoint(registry)).build(), HttpLimits.defaults());
    HttpResponse<String> r = get(s, "/metrics");
    assertEquals(200, r.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8",
        r.headers().firstValue("content-type").orElse(""));
    PrometheusText text = PrometheusText.parse(r.body());
    assertEquals(3.0, text.value("granary_test_things_total", "kind", "a \"quoted\" kind"));
    assertEquals("counter", text.family("granary_test_things").map(PrometheusText.Family::type)
        .orElse(text.family("granary_test_things_total").map(PrometheusText.Family::type)
            .orElse("")));
    assertTrue(text.samples("granary_jvm_threads_current").get(0).value() > 0, r.body());
    for (String name : text.families().keySet()) {
      assertTrue(name.startsWith("granary_"), name);
    }
  }

  @Test
  void strictParserRefusesWhatPrometheusWould() {
    Map<String, String> bad = new TreeMap<>(Map.of(
        "no type", "x 1\n",
        "no newline", "# TYPE x gauge\nx 1",
        "split family", "# TYPE x gauge\nx{a=\"1\"} 1\n# TYPE y gauge\ny 1\nx{a=\"2\"} 1\n",
        "repeated series", "# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n",
        "bad escape", "# TYPE x gauge\nx{a=\"\\t\"} 1\n",
        "bad value", "# TYPE x gauge\nx 1,5\n",
        "negative counter", "# TYPE x_total counter\nx_total -1\n",
        "no +Inf", "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_count 1\nh_sum 1\n",
        "count differs", "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 1\nh_sum 1\n",
        "not cumulative", "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
            + "h_count 1\nh_sum 1\n"));
    bad.put("bad name", "# TYPE 1x gauge\n1x 1\n");
    bad.put("empty line", "# TYPE x gauge\n\nx 1\n");
    for (var e : bad.entrySet()) {
      assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(e.getValue()),
          e.getKey());
    }
    PrometheusText ok = PrometheusText.parse("# HELP h Latency.\n# TYPE h histogram\n"
        + "h_bucket{op=\"a\",le=\"0.1\"} 1\nh_bucket{op=\"a\",le=\"+Inf\"} 2\n"
        + "h_count{op=\"a\"} 2\nh_sum{op=\"a\"} 0.5\n# TYPE g gauge\ng NaN\n");
    assertEquals("Latency.", ok.family("h").orElseThrow().help());
    assertEquals(2.0, ok.value("h_count", "op", "a"));
    assertTrue(Double.isNaN(ok.value("g")));
  }

  private Raw raw(HttpServer s) throws IOException {
    return new Raw(new Socket(InetAddress.getLoopbackAddress(), s.port()));
  }

  /** A raw HTTP/1.1 connection: send bytes, read responses one by one. */
  private static final class Raw implements AutoCloseable {
    record Response(int status, Map<String, String> headers, String body) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Raw(Socket socket) throws IOException {
      this.socket = socket;
      socket.setSoTimeout(10_000);
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    void send(String s) throws IOException {
      out.write(s.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    Response response() throws IOException {
      String status = line();
      Map<String, String> headers = new TreeMap<>();
      for (String l; !(l = line()).isEmpty(); ) {
        int colon = l.indexOf(':');
        headers.put(l.substring(0, colon).toLowerCase(java.util.Locale.ROOT),
            l.substring(colon + 1).strip());
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if ("chunked".equals(headers.get("transfer-encoding"))) {
        for (int n; (n = Integer.parseInt(line(), 16)) > 0; ) {
          body.write(in.readNBytes(n));
          line();
        }
        line();
      } else {
        body.write(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))));
      }
      return new Response(Integer.parseInt(status.split(" ")[1]), headers,
          body.toString(StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
      StringBuilder sb = new StringBuilder();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) {
          throw new IOException("connection closed after '" + sb + "'");
        }
        if (c != '\r') {
          sb.append((char) c);
        }
      }
      return sb.toString();
    }

    /** Waits (up to the socket timeout) for the server to close the connection. */
    void assertClosed() throws IOException {
      Supplier<String> what = () -> "the server did not close the connection";
      try {
        int c;
        while ((c = in.read()) >= 0) {
          // drain what is left of a response
          assertTrue(c >= 0, what);
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError(what.get(), e);
      } catch (java.net.SocketException e) {
        // reset: closed too
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** {@code size} zero bytes, produced as read. */
  private static final class Zeros extends InputStream {
    private long left;

    Zeros(long size) {
      this.left = size;
    }

    @Override
    public int read() {
      if (left <= 0) {
        return -1;
      }
      left--;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }
}
