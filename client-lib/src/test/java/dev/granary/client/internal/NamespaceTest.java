package dev.granary.client.internal;

import static dev.granary.client.internal.TestData.OPTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.ChunkInfo;
import dev.granary.client.ClusterStatus;
import dev.granary.client.DeleteResult;
import dev.granary.client.FileInfo;
import dev.granary.client.FileStatus;
import dev.granary.client.FsckReport;
import dev.granary.client.GranaryClient;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.fake.FakeCluster;
import dev.granary.wire.ChunkHandles;
import java.io.OutputStream;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Listing, stat, mkdir, delete, rename and the cluster calls. */
class NamespaceTest {
  private FakeCluster cluster;
  private GranaryClient client;

  @BeforeEach
  void start() {
    cluster = new FakeCluster(3);
    client = TestData.client(cluster, 1 << 20);
  }

  @AfterEach
  void stop() {
    client.close();
    cluster.close();
  }

  private void write(String path, int size) throws Exception {
    try (OutputStream out = client.create(path, OPTIONS)) {
      out.write(TestData.random(size, size));
    }
  }

  @Test
  void listPagesThroughTheWholeDirectory() throws Exception {
    client.mkdirs("/d", false);
    for (int i = 0; i < 7; i++) {
      write("/d/f" + i, i);
    }
    cluster.master.listPageSize(3);
    List<FileStatus> all = client.list("/d");
    assertEquals(7, all.size());
    for (int i = 0; i < 7; i++) {
      assertEquals("f" + i, all.get(i).name());
      assertEquals("/d/f" + i, all.get(i).path());
      assertEquals(i, all.get(i).size());
    }
    List<FileStatus> self = client.list("/d/f3");
    assertEquals(1, self.size());
    assertEquals("/d/f3", self.get(0).path());
    assertEquals(List.of("d"), client.list("/").stream().map(FileStatus::name).toList());
  }

  @Test
  void mkdirRules() throws Exception {
    assertThrows(NotFoundException.class, () -> client.mkdirs("/a/b", false));
    FileStatus b = client.mkdirs("/a/b", true);
    assertTrue(b.directory());
    assertEquals("/a/b", b.path());
    client.mkdirs("/a/b", true);
    assertThrows(AlreadyExistsException.class, () -> client.mkdirs("/a/b", false));
  }

  @Test
  void deleteAndRename() throws Exception {
    client.mkdirs("/t/u", true);
    write("/t/u/f", 10);
    InvalidArgumentException notEmpty = assertThrows(InvalidArgumentException.class,
        () -> client.delete("/t", false));
    assertEquals(InvalidArgumentException.Kind.NOT_EMPTY, notEmpty.kind());
    FileStatus moved = client.rename("/t/u/f", "/t/g");
    assertEquals("/t/g", moved.path());
    assertThrows(NotFoundException.class, () -> client.stat("/t/u/f"));
    assertEquals(10, client.stat("/t/g").size());
    DeleteResult r = client.delete("/t", true);
    assertEquals(1, r.files());
    assertEquals(2, r.directories());
    assertThrows(NotFoundException.class, () -> client.stat("/t"));
  }

  @Test
  void statWithChunksListsReplicas() throws Exception {
    write("/s", (int) (2 * TestData.CHUNK + 1));
    FileInfo info = client.statWithChunks("/s");
    assertEquals(3, info.chunks().size());
    assertEquals(3, info.status().chunkCount());
    List<Long> handles = cluster.master.handles("/s");
    for (ChunkInfo c : info.chunks()) {
      assertEquals(ChunkHandles.format(handles.get(c.index())), c.handle());
      assertEquals(3, c.replicas().size());
      assertTrue(c.replicas().get(0).startsWith("127.0.0.1:"), c.replicas().toString());
    }
    assertEquals(1, info.chunks().get(2).size());
    client.mkdirs("/dir", false);
    FileInfo dir = client.statWithChunks("/dir");
    assertTrue(dir.status().directory());
    assertTrue(dir.chunks().isEmpty());
  }

  @Test
  void clusterStatusAndFsckMirrorTheMaster() throws Exception {
    ClusterStatus cs = client.clusterStatus();
    assertEquals(3, cs.nodes().size());
    assertEquals("LIVE", cs.nodes().get(0).state());
    assertTrue(cs.nodes().get(0).address().startsWith("127.0.0.1:"));
    assertTrue(cs.locationsComplete());
    FsckReport f = client.fsck("/");
    assertEquals("HEALTHY", f.status());
    assertEquals(List.of("fsck of /"), f.problems());
    assertFalse(client.cacheStats().hitRate() > 0);
  }
}
