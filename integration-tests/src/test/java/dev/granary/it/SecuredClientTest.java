package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.cli.LocalCluster;
import dev.granary.client.AlreadyExistsException;
import dev.granary.client.DeniedException;
import dev.granary.client.GranaryClient;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.WriteOptions;
import dev.granary.config.ClientConfig;
import dev.granary.config.ConfigException;
import dev.granary.config.Credentials;
import dev.granary.config.MasterConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GranaryClient with credentials against a master with {@code security: tls}: it authenticates on
 * every connection to the master before anything else, and the master's refusals surface as
 * {@link DeniedException} (exit 7) with its one line.
 */
class SecuredClientTest {
  private MiniCluster cluster;
  @TempDir
  Path tmp;

  @BeforeEach
  void start() throws Exception {
    cluster = MiniCluster.start(LocalCluster.Settings.defaults().withChunkservers(2)
        .withChunkSize(1 << 20).withSecurity(MasterConfig.TLS));
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private GranaryClient client(Path credentials) {
    return cluster.client(new ClientConfig(cluster.cluster().masterAddress(), 0, 2,
        Duration.ofSeconds(10), credentials));
  }

  private Path saved(Credentials c) throws Exception {
    Path f = tmp.resolve(c.user() + ".credentials");
    c.write(f, false);
    return f;
  }

  @Test
  void adminWritesAndAddedUserReadsUntilRevoked() throws Exception {
    GranaryClient admin = client(cluster.adminCredentials());
    String pem = java.nio.file.Files.readString(cluster.cluster().masterDataDir()
        .resolve("tls/ca.crt"));
    assertEquals(pem, admin.credentials().caCert());
    byte[] data = "secured bytes".getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = admin.create("/f", WriteOptions.defaults().withReplication(2))) {
      out.write(data);
    }
    Credentials bob = admin.addUser("bob", "", false);
    assertEquals(pem, bob.caCert());
    assertThrows(AlreadyExistsException.class, () -> admin.addUser("bob", "", false));
    assertThrows(InvalidArgumentException.class, () -> admin.revokeUser("admin"));

    Path bobFile = saved(bob);
    GranaryClient bobClient = client(bobFile);
    assertEquals(1, bobClient.list("/").size());
    try (InputStream in = bobClient.open("/f")) {
      assertArrayEquals(data, in.readAllBytes());
    }
    DeniedException notSuper = assertThrows(DeniedException.class,
        () -> bobClient.addUser("eve", "", true));
    assertEquals("only a superuser may add users; bob is not one", notSuper.getMessage());

    admin.revokeUser("bob");
    DeniedException revoked = assertThrows(DeniedException.class, () -> bobClient.list("/"));
    assertTrue(revoked.getMessage().startsWith("user bob is no longer valid"),
        revoked.getMessage());
    DeniedException fresh = assertThrows(DeniedException.class,
        () -> client(bobFile).list("/"));
    assertEquals("authentication failed for user bob: unknown user, revoked, or wrong token",
        fresh.getMessage());
  }

  @Test
  void withoutCredentialsOrWithAWrongTokenItIsDenied() throws Exception {
    DeniedException none = assertThrows(DeniedException.class, () -> client(null).list("/"));
    assertEquals("this cluster requires TLS and credentials: pass --credentials FILE (or set"
        + " GRANARY_CREDENTIALS)", none.getMessage());
    Credentials admin = Credentials.read(cluster.adminCredentials());
    Path forged = saved(new Credentials("admin", admin.token() + "x", admin.caCert()));
    DeniedException wrong = assertThrows(DeniedException.class, () -> client(forged).stat("/"));
    assertEquals("authentication failed for user admin: unknown user, revoked, or wrong token",
        wrong.getMessage());
  }

  @Test
  void aMissingCredentialsFileIsAConfigurationError() {
    Path missing = tmp.resolve("missing.credentials");
    ConfigException e = assertThrows(ConfigException.class, () -> client(missing));
    assertEquals("credentials file " + missing + ": no such file", e.getMessage());
  }

  @Test
  void theClientAuthenticatesAgainAfterTheMasterRestarts() throws Exception {
    GranaryClient admin = client(cluster.adminCredentials());
    Credentials carol = admin.addUser("carol", "ops", false);
    GranaryClient carolClient = client(saved(carol));
    assertNotNull(carolClient.stat("/"));
    cluster.cluster().restartMaster();
    // The old connections are gone: the re-dialled ones authenticate before the request.
    assertEquals(0, carolClient.list("/").size());
    assertNotNull(admin.mkdirs("/after", false));
  }
}
