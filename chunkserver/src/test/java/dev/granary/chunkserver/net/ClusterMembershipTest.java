package dev.granary.chunkserver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster a chunkserver joined: kept durably at the first registration, then binding. */
class ClusterMembershipTest {
  @TempDir
  Path dir;

  @Test
  void aNewNodeJoinsTheFirstClusterForGood() throws Exception {
    ClusterMembership m = ClusterMembership.load(dir);
    assertEquals("", m.clusterId());
    assertFalse(Files.exists(dir.resolve("cluster-id")));
    assertTrue(m.join("8f0c2a1e-0000-4000-8000-000000000001"));
    assertEquals("8f0c2a1e-0000-4000-8000-000000000001\n",
        Files.readString(dir.resolve("cluster-id")));
    // Another cluster's master is refused, now and after a restart.
    assertFalse(m.join("another-cluster"));
    ClusterMembership again = ClusterMembership.load(dir);
    assertEquals("8f0c2a1e-0000-4000-8000-000000000001", again.clusterId());
    assertFalse(again.join("another-cluster"));
    assertTrue(again.join("8f0c2a1e-0000-4000-8000-000000000001"));
    assertFalse(Files.exists(dir.resolve("cluster-id.tmp")), "no temporary file left");
  }

  @Test
  void anIdThatIsNotOneIsRefused() throws Exception {
    ClusterMembership m = ClusterMembership.load(dir);
    assertFalse(m.join("no spaces/or slashes"));
    assertFalse(m.join(""));
    assertEquals("", m.clusterId(), "an invalid id joins nothing");
    Files.writeString(dir.resolve("cluster-id"), "not an id!\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ClusterMembership.load(dir));
    assertTrue(e.getMessage().contains("does not hold a valid cluster id"), e.getMessage());
  }
}
