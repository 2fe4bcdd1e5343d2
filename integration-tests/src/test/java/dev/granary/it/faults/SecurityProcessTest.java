package dev.granary.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.config.Credentials;
import dev.granary.it.ChildJvm;
import dev.granary.it.Cli;
import dev.granary.it.ProcessCluster;
import dev.granary.it.Wait;
import dev.granary.wire.tls.CertificateAuthority;
import dev.granary.wire.tls.JoinToken;
import dev.granary.wire.tls.Pem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secured cluster of real {@code bin/granary} processes, started as an operator would (the master
 * with its defaults, chunkservers with the join token), tried by strangers: no credentials, a
 * revoked user, another authority's credentials, a wrong or rotated join token, a user the mode
 * bits deny. Each gets exit 7 and one line, and nothing changes.
 *
 * <p>The stranger and mode-bit tests share one cluster (they add different users and work under
 * different directories, and neither starts or stops a node); the join-token test, which rotates
 * the token and adds chunkservers, has its own.
 */
class SecurityProcessTest {
  @TempDir
  static Path sharedDir;
  /** The cluster of the tests that only run client commands, started by the first of them. */
  private static ProcessCluster shared;

  @TempDir
  Path tmp;
  private ProcessCluster cluster;
  private Process extra;

  @AfterEach
  void stop() throws Exception {
    if (extra != null) {
      extra.destroyForcibly();
      extra.waitFor(10, TimeUnit.SECONDS);
    }
    if (cluster != null && cluster != shared) {
      cluster.close();
    }
  }

  @AfterAll
  static void stopShared() {
    if (shared != null) {
      shared.close();
      shared = null;
    }
  }

  /** The shared 3-chunkserver cluster, started on first use. */
  private static ProcessCluster shared() throws Exception {
    if (shared == null) {
      shared = ProcessCluster.started(sharedDir.resolve("c"), List.of(), 3);
    }
    return shared;
  }

  private String master() {
    return cluster.masterAddress().toString();
  }

  private Cli.Result admin(String... args) throws Exception {
    return Cli.run(master(), null, args);
  }

  private static void denied(Cli.Result r, String contains) {
    assertEquals(7, r.code(), r.toString());
    assertEquals(1, r.err().strip().lines().count(), r.toString());
    assertTrue(r.err().contains(contains), r.toString());
  }

  private Process chunkserver(Path dir, String token) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(ProcessCluster.launcher().toString(), "chunkserver",
        "--host", "127.0.0.1", "--port", Integer.toString(ProcessCluster.freePort()), "--master",
        master(), "--data-dir", dir.toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve(dir.getFileName() + ".log").toFile());
    pb.environment().remove("GRANARY_JOIN_TOKEN");
    if (token != null) {
      pb.environment().put("GRANARY_JOIN_TOKEN", token);
    }
    return ChildJvm.configure(pb).start();
  }

  private String quietLog(Path dir) {
    try {
      return log(dir);
    } catch (Exception e) {
      return "(no log: " + e + ")";
    }
  }

  private String log(Path dir) throws Exception {
    return Files.readString(tmp.resolve(dir.getFileName() + ".log"));
  }

  @Test
  void strangersGetExitSevenAndChangeNothing() throws Exception {
    cluster = shared();
    Path data = tmp.resolve("data.bin");
    Files.write(data, "secret bytes".getBytes(StandardCharsets.UTF_8));
    assertEquals(0, admin("put", data.toString(), "/d/f").code());

    denied(Cli.runAs(null, master(), "rm", "-r", "/d"), "requires TLS and credentials");

    Path bob = tmp.resolve("bob.credentials");
    assertEquals(0, admin("user", "add", "bob", "--out", bob.toString()).code());
    assertEquals(0, Cli.runAs(bob, master(), "ls", "/d").code());
    denied(Cli.runAs(bob, master(), "rm", "-r", "/d"), "permission denied: user bob");
    assertEquals(0, admin("user", "revoke", "bob").code());
    denied(Cli.runAs(bob, master(), "ls", "/d"), "authentication failed for user bob");

    Credentials root = Credentials.read(cluster.adminCredentials());
    Path foreign = tmp.resolve("foreign.credentials");
    new Credentials(root.user(), root.token(), Pem.encode(CertificateAuthority.create("x",
        Instant.now()).certificate())).write(foreign, false);
    denied(Cli.runAs(foreign, master(), "rm", "-r", "/d"), "TLS handshake");

    Cli.Result cat = admin("cat", "/d/f");
    assertEquals(0, cat.code(), cat.toString());
    assertEquals("secret bytes", cat.out());
  }

  @Test
  void modeBitsKeepOneUserOutOfAnothersDirectory() throws Exception {
    cluster = shared();
    // carol, not bob: the stranger test on the same cluster adds and revokes bob.
    Path alice = tmp.resolve("alice.credentials");
    Path carol = tmp.resolve("carol.credentials");
    assertEquals(0, admin("user", "add", "alice", "--out", alice.toString()).code());
    assertEquals(0, admin("user", "add", "carol", "--out", carol.toString()).code());
    assertEquals(0, admin("mkdir", "/home").code());
    assertEquals(0, admin("chmod", "777", "/home").code());
    Path data = tmp.resolve("data.bin");
    Files.write(data, new byte[] {1, 2, 3});
    assertEquals(0, Cli.runAs(alice, master(), "put", data.toString(), "/home/alice/f").code());
    assertEquals(0, Cli.runAs(alice, master(), "chmod", "700", "/home/alice").code());
    denied(Cli.runAs(carol, master(), "ls", "/home/alice"),
        "permission denied: user carol may not list /home/alice");
    denied(Cli.runAs(carol, master(), "cat", "/home/alice/f"), "user carol");
    denied(Cli.runAs(carol, master(), "chown", "carol", "/home/alice"), "superuser");
    Cli.Result ls = Cli.runAs(alice, master(), "ls", "-l", "/home/alice");
    assertEquals(0, ls.code(), ls.toString());
    assertTrue(ls.out().contains("-rw-r--r--") && ls.out().contains("alice"), ls.out());
    assertEquals(0, admin("ls", "/home/alice").code());
  }

  @Test
  void onlyTheCurrentJoinTokenMakesAChunkserverAndOnlyOnce() throws Exception {
    cluster = ProcessCluster.started(tmp.resolve("c"), List.of(), 2);
    String token = cluster.joinToken();
    JoinToken parsed = JoinToken.parse(token);
    String wrong = new JoinToken(parsed.caSha256(), parsed.secret().substring(1) + "A").format();

    Path bad = tmp.resolve("bad");
    Process p = chunkserver(bad, wrong);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "a wrong token must stop the chunkserver");
    assertEquals(7, p.exitValue(), log(bad));
    assertFalse(Files.exists(bad.resolve("tls/node.key")));
    assertTrue(log(bad).contains("refused the join"), log(bad));

    Path none = tmp.resolve("none");
    extra = chunkserver(none, null);
    Wait.until("the chunkserver without a certificate is refused", Duration.ofSeconds(30),
        () -> log(none).contains("requires TLS"));
    assertEquals(2, liveChunkservers());
    extra.destroyForcibly();
    extra.waitFor(10, TimeUnit.SECONDS);

    Cli.Result rotated = admin("cluster", "rotate-join-token");
    assertEquals(0, rotated.code(), rotated.toString());
    String fresh = rotated.out().strip();
    assertEquals(fresh, cluster.joinToken());
    Path old = tmp.resolve("old");
    Process o = chunkserver(old, token);
    assertTrue(o.waitFor(60, TimeUnit.SECONDS));
    assertEquals(7, o.exitValue(), log(old));

    Path good = tmp.resolve("good");
    extra = chunkserver(good, fresh);
    Wait.until("the new chunkserver is LIVE", Duration.ofSeconds(60),
        () -> liveChunkservers() == 3, () -> quietLog(good));
    extra.destroy();
    assertTrue(extra.waitFor(30, TimeUnit.SECONDS));
    extra = chunkserver(good, null);
    Wait.until("it comes back without a token", Duration.ofSeconds(60),
        () -> log(good).contains("registered with master"), () -> quietLog(good));
    assertFalse(log(good).contains("joining"), log(good));
  }

  private long liveChunkservers() throws Exception {
    Cli.Result r = admin("cluster", "--json");
    return r.out().split("\"LIVE\"", -1).length - 1;
  }
}
