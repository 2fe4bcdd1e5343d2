package dev.granary.it;

import static dev.granary.it.Retention.CHUNK;
import static dev.granary.it.Retention.data;
import static dev.granary.it.Retention.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.ChunkInfo;
import dev.granary.client.DeniedException;
import dev.granary.client.DirectoryPolicy;
import dev.granary.client.GranaryClient;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.PolicyChange;
import dev.granary.client.WriteOptions;
import dev.granary.config.ClientConfig;
import dev.granary.config.Credentials;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directory policies on a real {@code tls} cluster: a policy's {@code replication} is the goal of
 * new files put under it without a replication of their own (and the number of replica files on
 * the disks), the nearest directory wins per setting, clearing a setting brings the ancestor's
 * back, and only a directory's owner or the superuser may change it.
 */
class PolicyClusterTest {
  @RegisterExtension
  static final Retention.Cluster CLUSTER = new Retention.Cluster();
  final MiniCluster cluster = CLUSTER.mini();
  final GranaryClient c = CLUSTER.client();

  /** Waits until every chunk of {@code path} has exactly {@code n} replica files on the disks. */
  private void awaitReplicaFiles(String path, int n) throws Exception {
    List<ChunkInfo> chunks = c.statWithChunks(path).chunks();
    Wait.until(path + " with " + n + " replica files per chunk", Duration.ofSeconds(15), () -> {
      for (ChunkInfo ch : chunks) {
        if (cluster.replicaFiles(ch.handle()).size() != n) {
          return false;
        }
      }
      return true;
    }, () -> Retention.onDisk(cluster, chunks.stream().map(ChunkInfo::handle).toList()));
  }

  @Test
  void policyReplicationIsTheGoalOfNewFilesPutWithoutOne() throws Exception {
    write(c, "/r/before", data(CHUNK + 1, 80), false);
    c.setPolicy("/r", PolicyChange.none().replication(2));
    c.mkdirs("/r/sub/deeper", true);
    c.setPolicy("/r/sub", PolicyChange.none().replication(1));

    write(c, "/r/two", data(2 * CHUNK + 3, 81), false);
    write(c, "/r/sub/deeper/one", data(CHUNK + 5, 82), false);
    try (OutputStream out = c.create("/r/mine", WriteOptions.defaults().withChunkSize(CHUNK)
        .withReplication(3))) {
      out.write(data(100, 83));
    }

    assertEquals(3, c.stat("/r/before").replication(), "a file that existed keeps its goal");
    assertEquals(2, c.stat("/r/two").replication(), "the policy's replication");
    assertEquals(1, c.stat("/r/sub/deeper/one").replication(), "the nearest policy wins");
    assertEquals(3, c.stat("/r/mine").replication(), "an explicit replication wins");
    awaitReplicaFiles("/r/two", 2);
    awaitReplicaFiles("/r/sub/deeper/one", 1);
    awaitReplicaFiles("/r/before", 3);

    // Clearing /r/sub's setting brings /r's back for the next new file.
    DirectoryPolicy p = c.setPolicy("/r/sub", PolicyChange.none()
        .clear(DirectoryPolicy.REPLICATION));
    assertEquals(OptionalInt.of(2), p.replication());
    assertEquals("/r", p.setting(DirectoryPolicy.REPLICATION).orElseThrow().from());
    write(c, "/r/sub/deeper/again", data(10, 84), false);
    assertEquals(2, c.stat("/r/sub/deeper/again").replication());
    // A replacement is a new file too.
    write(c, "/r/before", data(CHUNK, 85), true);
    assertEquals(2, c.stat("/r/before").replication(), "put --force under the policy");
  }

  @Test
  void nearestSettingWinsPerKeyAndOnlyTheOwnerMaySetIt(@TempDir Path tmp) throws Exception {
    c.mkdirs("/p/a/b", true);
    c.setPolicy("/p", PolicyChange.none().keepVersions(5).trash(Duration.ofDays(7)));
    c.setPolicy("/p/a", PolicyChange.none().trash(Duration.ZERO));
    DirectoryPolicy b = c.policy("/p/a/b");
    assertEquals("/p/a/b", b.path());
    assertEquals(OptionalInt.of(5), b.keepVersions());
    assertEquals("/p", b.setting(DirectoryPolicy.KEEP_VERSIONS).orElseThrow().from());
    assertEquals(Duration.ZERO, b.trash().orElseThrow());
    assertEquals("/p/a", b.setting(DirectoryPolicy.TRASH).orElseThrow().from());
    assertEquals(OptionalInt.empty(), b.replication());
    // Trash off below /p/a: rm there removes outright.
    write(c, "/p/a/b/f", data(10, 86), false);
    assertTrue(!c.delete("/p/a/b/f", false).trashed());

    write(c, "/p/file", data(10, 87), false);
    assertThrows(InvalidArgumentException.class, () -> c.policy("/p/file"));

    Credentials carol = c.addUser("carol", "", false);
    Path file = tmp.resolve("carol.credentials");
    carol.write(file, false);
    GranaryClient other = cluster.client(new ClientConfig(cluster.cluster().masterAddress(), 0,
        1, Duration.ofSeconds(20), file));
    assertEquals(OptionalInt.of(5), other.policy("/p/a/b").keepVersions(), "anyone may look");
    assertThrows(DeniedException.class,
        () -> other.setPolicy("/p", PolicyChange.none().keepVersions(0)));
    assertEquals(OptionalInt.of(5), c.policy("/p").keepVersions(), "a refusal changes nothing");
  }
}
