package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.cli.LocalCluster;
import dev.granary.client.ClusterStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.NodeStatus;
import dev.granary.client.WriteOptions;
import dev.granary.config.MasterConfig;
import dev.granary.http.ClusterHttps;
import dev.granary.http.HttpServer;
import dev.granary.http.PrometheusText;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} of a real {@code tls} cluster in one JVM: served over HTTPS with the nodes'
 * certificates (verified against the cluster's authority, plain HTTP refused), parsed strictly,
 * and in agreement with {@code granary cluster}'s status before and after a chunkserver dies.
 */
class MetricsClusterTest {
  private static final int CHUNK = 1 << 20;
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private MiniCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Three chunkservers of 1 GiB each (a fixed capacity: a disk's free space moves). */
  private static LocalCluster.Settings settings() {
    LocalCluster.Settings d = LocalCluster.Settings.defaults();
    return new LocalCluster.Settings(3, CHUNK, 3, 2, d.pulseInterval(), d.deadAfter(),
        d.gcInterval(), d.scrubInterval(), 1L << 30, MasterConfig.TLS, true);
  }

  private HttpClient trusting() {
    return HttpClient.newBuilder().sslContext(ClusterHttps.trusting(
        cluster.cluster().caCertificate())).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static PrometheusText scrape(HttpClient client, HttpServer server) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.url()
        + "metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return PrometheusText.parse(r.body());
  }

  private static long sum(PrometheusText m, String name) {
    double total = 0;
    for (PrometheusText.Sample s : m.samples(name)) {
      total += s.value();
    }
    return (long) total;
  }

  /**
   * Why the master's metrics and the cluster status differ, or null when they agree on every
   * number both show.
   */
  private static String disagreement(PrometheusText m, ClusterStatus st) {
    List<String> diffs = new ArrayList<>();
    long live = st.nodes().stream().filter(n -> n.state().equals("LIVE")).count();
    long dead = st.nodes().stream().filter(n -> n.state().equals("DEAD")).count();
    long capacity = st.nodes().stream().filter(n -> n.state().equals("LIVE"))
        .mapToLong(NodeStatus::capacityBytes).sum();
    compare(diffs, "LIVE chunkservers", live, m.value("granary_chunkservers", "state", "LIVE"));
    compare(diffs, "DEAD chunkservers", dead, m.value("granary_chunkservers", "state", "DEAD"));
    compare(diffs, "capacity", capacity, m.value("granary_capacity_bytes"));
    compare(diffs, "files", st.files(), m.value("granary_files"));
    compare(diffs, "chunks", st.chunks(), m.value("granary_chunks"));
    compare(diffs, "under-replicated", st.underReplicated(),
        m.value("granary_chunks_under_replicated"));
    compare(diffs, "missing", st.missing(), m.value("granary_chunks_missing"));
    compare(diffs, "corrupt", st.corrupt(), m.value("granary_chunks_corrupt"));
    for (NodeStatus n : st.nodes()) {
      compare(diffs, "replicas of " + n.id(), n.chunks(),
          m.value("granary_chunkserver_replicas", "node", n.id()));
    }
    return diffs.isEmpty() ? null : String.join("; ", diffs);
  }

  private static void compare(List<String> diffs, String what, double status, double metric) {
    if (status != metric) {
      diffs.add(what + ": cluster status " + status + ", metrics " + metric);
    }
  }

  /** Waits until a scrape and the cluster status agree, and returns that scrape. */
  private PrometheusText awaitAgreement(HttpClient https, GranaryClient c, String when) {
    AtomicReference<PrometheusText> last = new AtomicReference<>();
    AtomicReference<String> why = new AtomicReference<>();
    Wait.until("metrics agreeing with the cluster status " + when, DEADLINE, () -> {
      PrometheusText m = scrape(https, cluster.cluster().master().http());
      last.set(m);
      why.set(disagreement(m, c.clusterStatus()));
      return why.get() == null;
    }, () -> why.get() + "\n" + cluster.describe());
    return last.get();
  }

  @Test
  void masterMetricsAgreeWithTheClusterStatusBeforeAndAfterAChunkserverDies() throws Exception {
    cluster = MiniCluster.start(settings());
    GranaryClient c = cluster.client();
    byte[] data = new byte[3 * CHUNK + 1234];
    new SplittableRandom(17).nextBytes(data);
    for (String name : List.of("/m/a", "/m/b")) {
      try (OutputStream out = c.create(name, WriteOptions.defaults().withChunkSize(CHUNK))) {
        out.write(data);
      }
    }
    try (InputStream in = c.open("/m/a")) {
      assertArrayEquals(data, in.readAllBytes());
    }
    cluster.awaitHealthy(DEADLINE);
    HttpClient https = trusting();
    PrometheusText before = awaitAgreement(https, c, "with every chunkserver LIVE");
    assertEquals(3, before.value("granary_chunkservers", "state", "LIVE"));
    assertEquals(2, before.value("granary_files"));
    assertEquals(8, before.value("granary_chunks"));
    assertEquals(3L << 30, (long) before.value("granary_capacity_bytes"));
    for (String name : before.families().keySet()) {
      assertTrue(name.startsWith("granary_"), name);
    }
    // Per-node counters arrive with the pulses: every replica written, one file read.
    Wait.until("the pulses' traffic counters", DEADLINE, () -> {
      PrometheusText m = scrape(https, cluster.cluster().master().http());
      return sum(m, "granary_chunkserver_written_bytes_total") >= 3L * 2 * data.length
          && sum(m, "granary_chunkserver_read_bytes_total") >= data.length;
    }, cluster::describe);
    assertEquals(0, sum(before, "granary_chunkserver_corrupt_replicas_found_total"));
    assertTrue(before.value("granary_requests_total", "op", "cluster_status", "status", "OK")
        >= 1, "cluster status requests are counted");
    assertTrue(before.value("granary_request_duration_seconds_count", "op", "commit_file") >= 2);
    assertTrue(before.value("granary_journal_fsync_duration_seconds_count") >= 2,
        "every mutation waited for an fsync");
    assertTrue(Double.isNaN(before.value("granary_repair_last_seconds")), "no repair yet");
    assertTrue(before.value("granary_jvm_threads_current") > 0);

    NodeStatus victim = c.clusterStatus().nodes().get(0);
    int index = -1;
    for (int i = 0; i < cluster.cluster().size(); i++) {
      if (cluster.chunkserver(i).nodeId().equals(victim.id())) {
        index = i;
      }
    }
    cluster.cluster().stopChunkserver(index);
    // Three replicas wanted, two nodes left: every chunk stays under-replicated.
    Wait.until("chunkserver " + victim.id() + " DEAD and every chunk under-replicated", DEADLINE,
        () -> {
          ClusterStatus st = c.clusterStatus();
          return st.underReplicated() == 8 && st.nodes().stream()
              .anyMatch(n -> n.id().equals(victim.id()) && n.state().equals("DEAD"));
        }, cluster::describe);
    PrometheusText after = awaitAgreement(https, c, "with one chunkserver DEAD");
    assertEquals(2, after.value("granary_chunkservers", "state", "LIVE"));
    assertEquals(1, after.value("granary_chunkservers", "state", "DEAD"));
    assertEquals(2L << 30, (long) after.value("granary_capacity_bytes"));
    assertEquals(8, after.value("granary_chunks_under_replicated"));
    assertEquals(0, after.value("granary_chunkserver_live", "node", victim.id()));
    assertTrue(after.value("granary_repair_running_seconds") > 0, "a repair is under way");

    // The node comes back with its replicas: every chunk is at its goal again, repair is over.
    cluster.cluster().startChunkserver(index);
    Wait.until("every chunk back at its goal", DEADLINE, () -> {
      ClusterStatus st = c.clusterStatus();
      return st.underReplicated() == 0 && st.nodes().stream().allMatch(n -> n.state()
          .equals("LIVE"));
    }, cluster::describe);
    PrometheusText healed = awaitAgreement(https, c, "with the chunkserver back");
    Wait.until("the repair timed", DEADLINE, () -> !Double.isNaN(scrape(https,
        cluster.cluster().master().http()).value("granary_repair_last_seconds")),
        cluster::describe);
    PrometheusText timed = scrape(https, cluster.cluster().master().http());
    assertTrue(timed.value("granary_repair_last_seconds") > 0, "took some time");
    assertEquals(0, timed.value("granary_repair_running_seconds"));
    assertEquals(3, healed.value("granary_chunkservers", "state", "LIVE"));
  }

  @Test
  void servesHttpsWithTheNodesCertificatesOnlyAndChunkserversTheirOwnDetail() throws Exception {
    cluster = MiniCluster.start(settings());
    HttpServer master = cluster.cluster().master().http();
    assertTrue(master.url().startsWith("https://127.0.0.1:"), master.url());
    HttpClient https = trusting();

    HttpClient systemTrust = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .build();
    assertThrows(SSLHandshakeException.class, () -> systemTrust.send(HttpRequest.newBuilder(
        URI.create(master.url() + "metrics")).build(), HttpResponse.BodyHandlers.ofString()),
        "the certificate is the cluster authority's, which only the cluster's clients trust");
    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), master.port())) {
      plain.setSoTimeout(10_000);
      plain.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:" + master.port()
          + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      String answer = new String(plain.getInputStream().readAllBytes(),
          StandardCharsets.ISO_8859_1);
      assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
      assertTrue(answer.contains("this port serves HTTPS"), answer);
      assertTrue(!answer.contains("granary_"), "no metric over plain HTTP");
    }

    GranaryClient c = cluster.client();
    byte[] data = new byte[2 * CHUNK];
    new SplittableRandom(3).nextBytes(data);
    try (OutputStream out = c.create("/x", WriteOptions.defaults().withChunkSize(CHUNK))) {
      out.write(data);
    }
    for (int i = 0; i < cluster.cluster().size(); i++) {
      HttpServer own = cluster.chunkserver(i).http();
      String id = cluster.chunkserver(i).nodeId();
      Wait.until(id + "'s replicas in its metrics", DEADLINE, () -> {
        PrometheusText m = scrape(https, own);
        return m.value("granary_chunkserver_replicas") == 2
            && m.value("granary_chunkserver_written_bytes_total") == data.length;
      }, cluster::describe);
      PrometheusText m = scrape(https, own);
      assertEquals(0, m.value("granary_chunkserver_open_streams", "kind", "write"));
      assertEquals(1L << 30, (long) m.value("granary_chunkserver_capacity_bytes"));
      assertTrue(m.value("granary_chunkserver_disk_size_bytes") > 0);
      assertTrue(Double.isNaN(m.value("granary_chunkserver_scrub_last_pass_coverage_ratio")),
          "no scrub pass within the hour");
      assertTrue(m.value("granary_jvm_memory_used_bytes", "area", "heap") > 0);
    }
  }

  @Test
  void aCorruptReplicaTheScrubberFindsIsCountedOnItsNodeAndAtTheMaster() throws Exception {
    cluster = MiniCluster.start(settings().withScrubInterval(Duration.ofSeconds(1)));
    GranaryClient c = cluster.client();
    byte[] data = new byte[CHUNK + CHUNK / 2];
    new SplittableRandom(5).nextBytes(data);
    try (OutputStream out = c.create("/s", WriteOptions.defaults().withChunkSize(CHUNK))) {
      out.write(data);
    }
    cluster.awaitHealthy(DEADLINE);
    String handle = c.statWithChunks("/s").chunks().get(0).handle();
    Path replica = cluster.replicaFiles(handle).get(0);
    int node = -1;
    for (int i = 0; i < cluster.cluster().size(); i++) {
      if (replica.startsWith(cluster.cluster().chunkserverDataDir(i))) {
        node = i;
      }
    }
    String id = cluster.chunkserver(node).nodeId();
    HttpServer own = cluster.chunkserver(node).http();
    MiniCluster.flipByte(replica, 100);
    HttpClient https = trusting();
    Wait.until("the corrupt replica counted at the master", DEADLINE, () -> scrape(https,
        cluster.cluster().master().http()).value("granary_chunkserver_corrupt_replicas_found_total",
        "node", id) == 1, cluster::describe);
    PrometheusText m = scrape(https, own);
    assertEquals(1, m.value("granary_chunkserver_corrupt_replicas_found_total"));
    // The good replica of the second chunk is verified by every pass.
    Wait.until("a whole scrub pass after the corruption", DEADLINE, () -> {
      PrometheusText now = scrape(https, own);
      return now.value("granary_chunkserver_scrub_last_pass_coverage_ratio") == 1.0
          && now.value("granary_chunkserver_scrub_last_pass_corrupt") == 0
          && now.value("granary_chunkserver_scrubbed_bytes_total") >= CHUNK / 2;
    }, cluster::describe);
  }

  @Test
  void noListenerWithoutAnHttpPort() throws Exception {
    cluster = MiniCluster.start(settings().withHttp(false).withChunkservers(1));
    assertNull(cluster.cluster().master().http());
    assertNull(cluster.chunkserver(0).http());
  }
}
