package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.cli.LocalCluster;
import dev.granary.client.GranaryClient;
import dev.granary.client.NodeStatus;
import dev.granary.config.Credentials;
import dev.granary.config.MasterConfig;
import dev.granary.http.ClusterHttps;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's files and endpoints over HTTP(S), without a browser: the page and its assets
 * need no credentials and hold no data (and only the known names are served); the history and
 * whoami endpoints answer only a valid token; without security every caller is the superuser.
 */
class DashboardHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private MiniCluster cluster;
  private HttpClient http;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private void start(String security) throws Exception {
    cluster = MiniCluster.start(LocalCluster.Settings.defaults().withChunkservers(2)
        .withSecurity(security).withHttp(true));
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (cluster.cluster().caCertificate() != null) {
      b.sslContext(ClusterHttps.trusting(cluster.cluster().caCertificate()));
    }
    http = b.build();
  }

  private HttpResponse<String> send(String method, String path, String token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(cluster.cluster().master().http()
        .url() + path.substring(1))).timeout(Duration.ofSeconds(20))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    assertEquals("application/json", r.headers().firstValue("content-type").orElse(""),
        r.body());
    return JSON.readTree(r.body());
  }

  @Test
  void thePageAndItsFilesAreServedWithoutDataAndOnlyByName() throws Exception {
    start(MasterConfig.TLS);
    HttpResponse<String> page = send("GET", "/", null);
    assertEquals(200, page.statusCode());
    assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type")
        .orElse(""));
    String csp = page.headers().firstValue("content-security-policy").orElse("");
    assertTrue(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), csp);
    assertEquals("nosniff", page.headers().firstValue("x-content-type-options").orElse(""));
    assertTrue(page.body().contains("id=\"login\""), "the sign-in form");
    for (NodeStatus n : cluster.client().clusterStatus().nodes()) {
      assertFalse(page.body().contains(n.id()), "the page holds no cluster data");
    }
    Map<String, String> assets = Map.of(
        "/dashboard/app.js", "text/javascript; charset=utf-8",
        "/dashboard/style.css", "text/css; charset=utf-8",
        "/dashboard/uplot.js", "text/javascript; charset=utf-8",
        "/dashboard/uplot.css", "text/css; charset=utf-8",
        "/dashboard/favicon.svg", "image/svg+xml");
    for (Map.Entry<String, String> a : assets.entrySet()) {
      HttpResponse<String> r = send("GET", a.getKey(), null);
      assertEquals(200, r.statusCode(), a.getKey());
      assertEquals(a.getValue(), r.headers().firstValue("content-type").orElse(""), a.getKey());
      assertFalse(r.body().isEmpty(), a.getKey());
    }
    assertTrue(send("GET", "/dashboard/uplot.js", null).body().contains("uPlot"),
        "uPlot from its WebJar");

    for (String path : new String[] {"/dashboard/nope.js", "/dashboard/../index.html",
        "/dashboard/%2e%2e/META-INF/MANIFEST.MF", "/nope", "/index.html"}) {
      HttpResponse<String> r = send("GET", path, null);
      assertEquals(404, r.statusCode(), path + ": " + r.body());
      assertEquals("NOT_FOUND", json(r).get("error").asText(), path);
    }
    assertEquals(404, send("POST", "/nope", null).statusCode(), "not a catch-all for /");
    assertEquals(405, send("POST", "/", null).statusCode());
    assertEquals(200, send("GET", "/metrics", null).statusCode(), "/metrics still served");
  }

  @Test
  void historyAndWhoamiAnswerOnlyAValidToken() throws Exception {
    start(MasterConfig.TLS);
    GranaryClient admin = cluster.client();
    Credentials alice = admin.addUser("alice", "staff", false);
    String adminToken = Credentials.read(cluster.adminCredentials()).token();

    for (String path : new String[] {"/api/v1/history", "/api/v1/whoami"}) {
      HttpResponse<String> none = send("GET", path, null);
      assertEquals(401, none.statusCode(), path);
      assertEquals("UNAUTHORIZED", json(none).get("error").asText());
      assertTrue(json(none).get("message").asText().contains("Bearer"), none.body());
      assertEquals(401, send("GET", path, "not-a-token").statusCode(), path);
    }

    JsonNode who = json(send("GET", "/api/v1/whoami", alice.token()));
    assertEquals("alice", who.get("user").asText());
    assertEquals("staff", who.get("group").asText());
    assertFalse(who.get("superuser").asBoolean());
    assertTrue(json(send("GET", "/api/v1/whoami", adminToken)).get("superuser").asBoolean());

    HttpResponse<String> r = send("GET", "/api/v1/history", alice.token());
    assertEquals(200, r.statusCode(), r.body());
    JsonNode h = json(r);
    assertEquals(10.0, h.get("intervalSeconds").asDouble());
    JsonNode samples = h.get("samples");
    int n = samples.get("time").size();
    assertTrue(n >= 1, "a sample is taken when the listener starts: " + r.body());
    for (String series : new String[] {"capacityBytes", "usedBytes", "readBytesPerSecond",
        "writtenBytesPerSecond", "underReplicated", "replicationQueue"}) {
      assertEquals(n, samples.get(series).size(), series);
    }
    JsonNode repair = h.get("repair");
    assertFalse(repair.get("running").asBoolean(), r.body());
    assertTrue(repair.get("lastSeconds").isNull(), "no repair yet: " + r.body());
    assertTrue(repair.get("etaSeconds").isNull(), r.body());

    admin.revokeUser("alice");
    assertEquals(401, send("GET", "/api/v1/whoami", alice.token()).statusCode(),
        "a revoked token");
  }

  @Test
  void withoutSecurityEveryCallerIsTheSuperuser() throws Exception {
    start(MasterConfig.NONE);
    assertTrue(cluster.cluster().master().http().url().startsWith("http://"));
    assertEquals(200, send("GET", "/", null).statusCode());
    JsonNode who = json(send("GET", "/api/v1/whoami", null));
    assertTrue(who.get("superuser").asBoolean(), who.toString());
    assertEquals(200, send("GET", "/api/v1/history", null).statusCode());
  }
}
