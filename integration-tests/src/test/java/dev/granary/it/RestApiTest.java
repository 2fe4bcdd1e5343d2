package dev.granary.it;

import static dev.granary.it.RestClient.json;
import static dev.granary.it.RestClient.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.granary.cli.LocalCluster;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.JsonViews;
import dev.granary.client.NotFoundException;
import dev.granary.client.WriteOptions;
import dev.granary.config.ClientConfig;
import dev.granary.config.Credentials;
import dev.granary.config.MasterConfig;
import dev.granary.gateway.RestApi;
import dev.granary.http.ClusterHttps;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assertions;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The REST API of a real {@code tls} cluster in one JVM through the JDK's HttpClient, trusting the
 * cluster's authority: every endpoint, ranges, and each error status, with permissions checked by
 * the master for the token's user.
 */
class RestApiTest {
  private static final int CHUNK = 1 << 20;
  private MiniCluster cluster;
  private GranaryClient admin;
  private RestClient rest;
  private X509Certificate ca;

  @BeforeEach
  void start() throws Exception {
    LocalCluster.Settings d = LocalCluster.Settings.defaults();
    cluster = MiniCluster.start(new LocalCluster.Settings(3, CHUNK, 2, 1, d.pulseInterval(),
        d.deadAfter(), d.gcInterval(), d.scrubInterval(), 1L << 30, MasterConfig.TLS, true));
    admin = cluster.client();
    ca = cluster.cluster().caCertificate();
    rest = new RestClient(cluster.cluster().master().http().url(), ca,
        Credentials.read(cluster.adminCredentials()).token());
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private static void assertStatus(int expected, HttpResponse<byte[]> r) {
    assertEquals(expected, r.statusCode(), () -> text(r));
  }

  /** An error's body is {@code {"error","message"}} with the status given. */
  private static JsonNode assertError(int expected, HttpResponse<byte[]> r) {
    assertStatus(expected, r);
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    JsonNode e = json(r);
    assertTrue(e.hasNonNull("error") && e.hasNonNull("message"), text(r));
    assertEquals(2, e.size(), text(r));
    return e;
  }

  /** {@code value} as JSON text parses (so numbers compare as the REST API's do). */
  private static JsonNode tree(Object value) throws Exception {
    return RestClient.JSON.readTree(RestClient.JSON.writeValueAsBytes(value));
  }

  @Test
  void compressedFilesAreServedDecompressedAndEncryptedOnesAreRefused() throws Exception {
    byte[] text = String.join("", java.util.Collections.nCopies(40_000,
        "a line the gateway serves decompressed; ")).getBytes(StandardCharsets.US_ASCII);
    try (OutputStream out = admin.create("/enc/z.txt", WriteOptions.defaults()
        .withCompression(dev.granary.client.Compression.ZSTD))) {
      out.write(text);
    }
    assertTrue(admin.stat("/enc/z.txt").storedSize() < text.length / 10);
    HttpResponse<byte[]> whole = rest.get("files", "/enc/z.txt");
    assertStatus(200, whole);
    assertArrayEquals(text, whole.body());
    HttpResponse<byte[]> part = rest.get("files", "/enc/z.txt", "bytes=70000-140001");
    assertStatus(206, part);
    assertArrayEquals(java.util.Arrays.copyOfRange(text, 70000, 140002), part.body());
    // The gateway holds no key: an encrypted file, and a write where the policy encrypts, are
    // refused naming the path, never served or stored in plaintext.
    java.nio.file.Path keyFile = java.nio.file.Files.createTempDirectory("rest-key")
        .resolve("key");
    dev.granary.client.EncryptionKey.generate().write(keyFile);
    try (GranaryClient withKey = cluster.client(new ClientConfig(
        cluster.cluster().masterAddress(), 0, 2, Duration.ofSeconds(20),
        cluster.adminCredentials(), keyFile))) {
      try (OutputStream out = withKey.create("/enc/secret.txt",
          WriteOptions.defaults().withEncrypt(true))) {
        out.write(text);
      }
      JsonNode denied = assertError(403, rest.get("files", "/enc/secret.txt"));
      assertTrue(denied.get("message").asText().contains("/enc/secret.txt"), denied::toString);
      withKey.setPolicy("/enc", dev.granary.client.PolicyChange.none().encrypt(true));
      assertError(403, rest.put("/enc/plain.txt", text, false));
      assertThrows(dev.granary.client.NotFoundException.class,
          () -> admin.stat("/enc/plain.txt"));
    }
  }

  @Test
  void everyEndpointAgreesWithTheClientLibrary() throws Exception {
    byte[] data = random(2 * CHUNK + 12345, 1);
    HttpResponse<byte[]> put = rest.put("/data/in/a.bin", data, false);
    assertStatus(201, put);
    JsonNode entry = json(put);
    assertEquals("/data/in/a.bin", entry.get("path").asText());
    assertEquals("file", entry.get("type").asText());
    assertEquals(data.length, entry.get("size").asLong());
    assertEquals("admin", entry.get("owner").asText());
    try (InputStream in = admin.open("/data/in/a.bin")) {
      assertArrayEquals(data, in.readAllBytes(), "stored bytes differ");
    }

    HttpResponse<byte[]> get = rest.get("files", "/data/in/a.bin");
    assertStatus(200, get);
    assertArrayEquals(data, get.body());
    assertEquals("" + data.length, get.headers().firstValue("Content-Length").orElse(""));
    assertEquals("bytes", get.headers().firstValue("Accept-Ranges").orElse(""));
    assertEquals("application/octet-stream", get.headers().firstValue("Content-Type")
        .orElse(""));

    // An existing file: 409 without overwrite (nothing changes), replaced with it.
    byte[] other = random(777, 2);
    JsonNode exists = assertError(409, rest.put("/data/in/a.bin", other, false));
    assertEquals("CONFLICT", exists.get("error").asText());
    assertArrayEquals(data, rest.get("files", "/data/in/a.bin").body());
    assertStatus(201, rest.put("/data/in/a.bin", other, true));
    assertArrayEquals(other, rest.get("files", "/data/in/a.bin").body());
    assertStatus(201, rest.put("/data/in/empty", new byte[0], false));
    assertArrayEquals(new byte[0], rest.get("files", "/data/in/empty").body());

    // stat, list, cluster and fsck: the JSON of the CLI's --json forms.
    HttpResponse<byte[]> stat = rest.get("stat", "/data/in/a.bin");
    assertStatus(200, stat);
    assertEquals(sortedReplicas(tree(JsonViews.stat(admin.stat("/data/in/a.bin"),
        admin.statWithChunks("/data/in/a.bin").chunks()))), sortedReplicas(json(stat)));
    assertEquals(1, json(stat).get("chunks").size());
    assertEquals("dir", json(rest.get("stat", "/data")).get("type").asText());
    HttpResponse<byte[]> list = rest.get("list", "/data/in");
    assertStatus(200, list);
    assertEquals(tree(JsonViews.list(admin.list("/data/in"))), json(list));
    assertEquals(2, json(list).size());
    assertEquals("data", json(rest.get("list", "/")).get(0).get("name").asText());
    JsonNode cluster = json(rest.get("cluster", ""));
    JsonNode expected = tree(JsonViews.cluster(admin.clusterStatus()));
    assertEquals(names(expected), names(cluster));
    assertEquals(expected.get("masterId"), cluster.get("masterId"));
    assertEquals(expected.get("clusterId"), cluster.get("clusterId"));
    assertEquals(3, cluster.get("chunkservers").size());
    JsonNode fsck = json(rest.get("fsck", ""));
    assertEquals(names(tree(JsonViews.fsck(admin.fsck("/")))), names(fsck));
    assertEquals(2, fsck.get("files").asLong());
    assertEquals(2, json(rest.get("fsck", "/data/in")).get("files").asLong());

    // mkdir (parents made), rename, delete.
    HttpResponse<byte[]> mkdir = rest.mkdir("/x/y/z");
    assertStatus(201, mkdir);
    assertEquals("dir", json(mkdir).get("type").asText());
    assertTrue(admin.stat("/x/y/z").directory());
    assertStatus(201, rest.mkdir("/x/y/z"));
    HttpResponse<byte[]> mv = rest.rename("/data/in/a.bin", "/x/y/z/b.bin");
    assertStatus(200, mv);
    assertEquals("/x/y/z/b.bin", json(mv).get("path").asText());
    assertArrayEquals(other, rest.get("files", "/x/y/z/b.bin").body());
    assertError(404, rest.get("files", "/data/in/a.bin"));
    HttpResponse<byte[]> rm = rest.delete("/x/y/z/b.bin", false);
    assertStatus(204, rm);
    assertEquals(0, rm.body().length);
    assertError(400, rest.delete("/x", false)); // not empty
    assertStatus(204, rest.delete("/x", true));
    Assertions.assertThrows(NotFoundException.class, () -> admin.stat("/x"));

    // A name that needs percent-encoding round-trips.
    assertStatus(201, rest.put("/data/a name ü.txt", "hi".getBytes(StandardCharsets.UTF_8),
        false));
    assertEquals("a name ü.txt", admin.list("/data").stream().map(FileStatus::name)
        .filter(n -> n.startsWith("a ")).findFirst().orElse(""));
    assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8),
        rest.get("files", "/data/a name ü.txt").body());
  }

  /** A stat's JSON with each chunk's replicas in address order (the master lists any order). */
  private static JsonNode sortedReplicas(JsonNode stat) {
    for (JsonNode chunk : stat.get("chunks")) {
      List<String> replicas = new ArrayList<>();
      chunk.get("replicas").forEach(r -> replicas.add(r.asText()));
      replicas.sort(null);
      ArrayNode sorted = ((ObjectNode) chunk).putArray("replicas");
      replicas.forEach(sorted::add);
    }
    return stat;
  }

  private static List<String> names(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void rangesAcrossChunksSuffixesOpenEndsAndUnsatisfiable() throws Exception {
    byte[] data = random(3 * CHUNK + 500, 3);
    assertStatus(201, rest.put("/r.bin", data, false));
    long size = data.length;
    long[][] cases = {
        {CHUNK - 10, CHUNK + 9}, // across a chunk boundary
        {0, 0}, {size - 1, size - 1}, {5, size + 1000}, // clipped at the end
    };
    for (long[] c : cases) {
      HttpResponse<byte[]> r = rest.get("files", "/r.bin", "bytes=" + c[0] + "-" + c[1]);
      long last = Math.min(c[1], size - 1);
      assertStatus(206, r);
      assertEquals("bytes " + c[0] + "-" + last + "/" + size,
          r.headers().firstValue("Content-Range").orElse(""));
      assertArrayEquals(Arrays.copyOfRange(data, (int) c[0], (int) last + 1), r.body());
    }
    HttpResponse<byte[]> open = rest.get("files", "/r.bin", "bytes=" + (2 * CHUNK + 7) + "-");
    assertStatus(206, open);
    assertArrayEquals(Arrays.copyOfRange(data, 2 * CHUNK + 7, data.length), open.body());
    HttpResponse<byte[]> suffix = rest.get("files", "/r.bin", "bytes=-600");
    assertStatus(206, suffix);
    assertEquals("bytes " + (size - 600) + "-" + (size - 1) + "/" + size,
        suffix.headers().firstValue("Content-Range").orElse(""));
    assertArrayEquals(Arrays.copyOfRange(data, data.length - 600, data.length), suffix.body());
    assertArrayEquals(data, rest.get("files", "/r.bin", "bytes=-" + (size + 5)).body());

    // Several ranges or another unit: ignored, the whole file (200).
    HttpResponse<byte[]> multi = rest.get("files", "/r.bin", "bytes=0-1,5-6");
    assertStatus(200, multi);
    assertArrayEquals(data, multi.body());
    assertStatus(200, rest.get("files", "/r.bin", "items=0-1"));

    for (String bad : new String[] {"bytes=" + size + "-", "bytes=" + (size + 10) + "-"
        + (size + 20), "bytes=-0"}) {
      HttpResponse<byte[]> r = rest.get("files", "/r.bin", bad);
      assertError(416, r);
      assertEquals("bytes */" + size, r.headers().firstValue("Content-Range").orElse(""), bad);
    }
    assertStatus(201, rest.put("/empty", new byte[0], false));
    assertError(416, rest.get("files", "/empty", "bytes=0-"));
  }

  @Test
  void credentialsAreCheckedAndEachErrorHasItsStatus() throws Exception {
    String url = rest.url("list", "/");
    // No token, another scheme, a malformed or unknown token: 401 with WWW-Authenticate.
    RestClient anonymous = rest.as(null, ca);
    for (HttpResponse<byte[]> r : List.of(anonymous.get("list", "/"),
        anonymous.send(anonymous.request(url).header("Authorization", "Basic YTpi").build()),
        rest.as("not a token", ca).get("list", "/"),
        rest.as("A".repeat(43), ca).get("list", "/"))) {
      JsonNode e = assertError(401, r);
      assertEquals("UNAUTHORIZED", e.get("error").asText());
      assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"),
          text(r));
    }

    // bob: reads what is readable, is refused what is not (403), writes in his own directory.
    Credentials bob = admin.addUser("bob", "", false);
    RestClient asBob = rest.as(bob.token(), ca);
    assertStatus(201, rest.put("/shared/open.txt", "open".getBytes(StandardCharsets.UTF_8),
        false));
    assertStatus(201, rest.put("/private/secret.txt", "s".getBytes(StandardCharsets.UTF_8),
        false));
    admin.setPermission("/private", 0700, false);
    admin.mkdirs("/home/bob", true);
    admin.setOwner("/home/bob", "bob", "bob", false);
    assertArrayEquals("open".getBytes(StandardCharsets.UTF_8),
        asBob.get("files", "/shared/open.txt").body());
    JsonNode denied = assertError(403, asBob.get("files", "/private/secret.txt"));
    assertEquals("FORBIDDEN", denied.get("error").asText());
    assertError(403, asBob.get("list", "/private"));
    assertError(403, asBob.put("/shared/mine.txt", new byte[10], false));
    assertError(403, asBob.delete("/shared/open.txt", false));
    assertError(403, asBob.mkdir("/bobs"));
    HttpResponse<byte[]> own = asBob.put("/home/bob/notes.txt", new byte[100], false);
    assertStatus(201, own);
    assertEquals("bob", json(own).get("owner").asText());
    assertStatus(200, asBob.get("cluster", ""));

    // 404, 400 (bad parameters, a directory read as a file, a bad path), 409.
    assertError(404, rest.get("files", "/nope"));
    assertError(404, rest.get("stat", "/nope"));
    assertError(404, rest.get("list", "/nope"));
    assertError(404, rest.delete("/nope", false));
    assertError(404, rest.rename("/nope", "/other"));
    assertError(400, rest.get("files", "/shared"));
    assertError(400, rest.put("/shared", new byte[1], true));
    assertError(400, rest.send(rest.request(rest.url("files", "/shared/open.txt")
        + "?overwrite=maybe").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1])).build()));
    assertError(400, rest.post(rest.url("rename", "") + "?from=/shared/open.txt"));
    assertError(400, rest.put("/" + "n".repeat(300), new byte[1], false));
    assertError(409, rest.rename("/shared/open.txt", "/private/secret.txt"));
    assertError(405, rest.send(rest.request(rest.url("stat", "/shared"))
        .DELETE().build()));

    // Revoked: bob's cached client is refused from the next request on (401, not 403).
    admin.revokeUser("bob");
    JsonNode revoked = assertError(401, asBob.get("files", "/shared/open.txt"));
    assertTrue(revoked.get("message").asText().contains("revoked"), revoked.toString());
    assertError(401, asBob.get("list", "/"));
    assertStatus(200, rest.get("list", "/")); // the admin is unaffected
  }

  @Test
  void uploadsBeyondTheLimitAre503AndNoneIsVisibleBeforeItsBodyEnds() throws Exception {
    int limit = RestApi.Limits.defaults().maxUploads();
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService senders = Executors.newCachedThreadPool();
    List<CompletableFuture<HttpResponse<byte[]>>> held = new ArrayList<>();
    try {
      // One more upload than the limit, none of which can end before the release: whichever
      // arrives last is refused.
      for (int i = 0; i <= limit; i++) {
        held.add(rest.http().sendAsync(rest.request(rest.url("files", "/held/" + i))
            .PUT(new HeldBody(release, senders)).build(),
            HttpResponse.BodyHandlers.ofByteArray()));
      }
      Wait.holds("no held upload visible", Duration.ofSeconds(1), () -> admin.list("/")
          .stream().noneMatch(f -> f.name().equals("held")), cluster::describe);
    } finally {
      release.countDown();
    }
    List<Integer> statuses = new ArrayList<>();
    try {
      for (CompletableFuture<HttpResponse<byte[]>> f : held) {
        HttpResponse<byte[]> r = f.get(60, TimeUnit.SECONDS);
        statuses.add(r.statusCode());
        if (r.statusCode() == 503) {
          assertTrue(json(r).get("message").asText().contains(limit + " uploads are running"),
              text(r));
        }
      }
    } finally {
      senders.shutdownNow();
    }
    statuses.sort(null);
    List<Integer> expected = new ArrayList<>(java.util.Collections.nCopies(limit, 201));
    expected.add(503);
    assertEquals(expected, statuses);
    assertEquals(limit, admin.list("/held").size());
    String stored = admin.list("/held").get(0).path();
    assertArrayEquals(HeldBody.BYTES, rest.get("files", stored).body());
  }

  @Test
  void anUploadCutOffMidwayStoresNothing() throws Exception {
    URI base = URI.create(cluster.cluster().master().http().url());
    SSLContext tls = ClusterHttps.trusting(ca);
    try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(base.getHost(),
        base.getPort())) {
      OutputStream out = s.getOutputStream();
      String head = "PUT /api/v1/files/cut.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
          + Credentials.read(cluster.adminCredentials()).token() + "\r\nContent-Length: "
          + (4 * CHUNK) + "\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(random(CHUNK + 4096, 5)); // past the first chunk: one is being stored
      out.flush();
    }
    Wait.holds("nothing stored at /cut.bin", Duration.ofSeconds(2), () -> {
      try {
        admin.stat("/cut.bin");
        return false;
      } catch (NotFoundException e) {
        return true;
      }
    }, cluster::describe);
    assertStatus(201, rest.put("/cut.bin", new byte[3], false));
  }

  /** A request body of which half is sent at once and the rest once {@code release} opens. */
  private static final class HeldBody implements HttpRequest.BodyPublisher {
    static final byte[] BYTES = random(64 * 1024, 9);
    private final CountDownLatch release;
    private final ExecutorService senders;

    HeldBody(CountDownLatch release, ExecutorService senders) {
      this.release = release;
      this.senders = senders;
    }

    @Override
    public long contentLength() {
      return BYTES.length;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
      int half = BYTES.length / 2;
      Iterator<ByteBuffer> parts = List.of(ByteBuffer.wrap(BYTES, 0, half),
          ByteBuffer.wrap(BYTES, half, BYTES.length - half)).iterator();
      s.onSubscribe(new Flow.Subscription() {
        private boolean done;

        @Override
        public void request(long n) {
          senders.execute(() -> {
            synchronized (this) {
              for (long i = 0; i < n && !done; i++) {
                if (!parts.hasNext()) {
                  done = true;
                  s.onComplete();
                  return;
                }
                ByteBuffer next = parts.next();
                if (!parts.hasNext()) {
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                }
                s.onNext(next);
              }
            }
          });
        }

        @Override
        public void cancel() {
          done = true;
        }
      });
    }
  }
}
