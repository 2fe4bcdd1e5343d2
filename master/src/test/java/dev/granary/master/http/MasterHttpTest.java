package dev.granary.master.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.config.ConfigException;
import dev.granary.config.MasterConfig;
import dev.granary.http.HttpHandler;
import dev.granary.http.HttpRoutes;
import dev.granary.http.Router;
import dev.granary.master.MasterServer;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The master's HTTP listener: off at 0, plain HTTP without security, a taken port one line. */
class MasterHttpTest {
  @TempDir
  Path tmp;

  private MasterConfig config(int httpPort) {
    return new MasterConfig("127.0.0.1", 0, tmp.resolve("master"), 1 << 20, 3, 2,
        Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(30), "round-robin",
        100_000, 2).withSecurity(MasterConfig.NONE).withHttpPort(httpPort);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void portZeroMeansNoListener() throws Exception {
    try (MasterServer m = new MasterServer(config(0))) {
      m.start();
      assertNull(m.http());
    }
  }

  @Test
  void withoutSecurityMetricsArePlainHttp() throws Exception {
    int port = freePort();
    try (MasterServer m = new MasterServer(config(port))) {
      m.start();
      assertEquals("http://127.0.0.1:" + port + "/", m.http().url());
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(m.http().url() + "metrics")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("\ngranary_files 0.0\n")
          || r.body().contains("\ngranary_files 0\n"), r.body());
      assertTrue(r.body().contains("granary_chunkservers{state=\"LIVE\"} 0"), r.body());
      for (String family : List.of("granary_process_cpu_seconds_total",
          "granary_jvm_memory_used_bytes", "granary_journal_fsync_duration_seconds_bucket",
          "granary_repair_last_seconds")) {
        assertTrue(r.body().contains("\n" + family), family + " in " + r.body());
      }
    }
  }

  @Test
  void routesAddedBeforeStartAreServedAndClosedWithTheMaster() throws Exception {
    int port = freePort();
    AtomicInteger closed = new AtomicInteger();
    AtomicInteger portSeen = new AtomicInteger();
    MasterServer m = new MasterServer(config(port));
    m.addHttpRoutes(new HttpRoutes() {
      @Override
      public void addTo(Router.Builder router) {
        portSeen.set(m.port()); // the RPC port is bound when the routes are added
        router.get("/hello", ex -> {
          ex.respond(HttpResponseStatus.OK, "text/plain", "hi");
          return HttpHandler.BodyReceiver.DISCARD;
        });
      }

      @Override
      public void close() {
        closed.incrementAndGet();
      }
    });
    try (m) {
      m.start();
      assertEquals(m.port(), portSeen.get());
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(m.http().url() + "hello")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("200 hi", r.statusCode() + " " + r.body());
      assertThrows(IllegalStateException.class, () -> m.addHttpRoutes(router -> { }));
      assertEquals(0, closed.get());
    }
    assertEquals(1, closed.get());
  }

  @Test
  void aTakenPortIsOneLineNamingTheKey() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      MasterServer m = new MasterServer(config(port));
      ConfigException e = assertThrows(ConfigException.class, m::start);
      assertEquals("master.httpPort " + port + ": cannot listen on 127.0.0.1: address already in"
          + " use", e.getMessage());
      m.close();
    }
    // Everything the failed start opened was closed: the same data dir starts again.
    try (MasterServer again = new MasterServer(config(0))) {
      again.start();
    }
  }
}
