package dev.granary.chunkserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.chunkserver.storage.DiskReplicaStore;
import dev.granary.chunkserver.storage.StoreLayout;
import dev.granary.config.ConfigException;
import dev.granary.wire.Checksums;
import dev.granary.wire.Frames;
import dev.granary.wire.MessageType;
import dev.granary.wire.Sha256;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.net.Transports;
import io.netty.channel.EventLoopGroup;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real chunkservers and a fake master on loopback. */
class ChunkServerClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tmp;
  private EventLoopGroup group;
  private FakeMaster master;
  private final List<ChunkServer> servers = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void setUp() {
    group = Transports.eventLoopGroup(2, "test-client");
    master = new FakeMaster(group, 100);
  }

  @AfterEach
  void tearDown() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // best effort in teardown
      }
    }
    servers.forEach(ChunkServer::close);
    master.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private ChunkServer start(String name) throws Exception {
    return start(name, Duration.ofHours(1));
  }

  private ChunkServer start(String name, Duration scrub) throws Exception {
    ChunkServer cs = new ChunkServer(TestData.config(tmp.resolve(name), master.address(), scrub));
    servers.add(cs);
    cs.start();
    return cs;
  }

  private TestChunkClient client(ChunkServer cs) throws Exception {
    TestChunkClient c = TestChunkClient.connect(group, cs.port());
    closeables.add(c);
    return c;
  }

  private static NodeAddress addr(ChunkServer cs) {
    return new NodeAddress(cs.nodeId(), "127.0.0.1", cs.port());
  }

  private static List<Path> files(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  private boolean clean(ChunkServer cs) {
    try {
      Path root = tmp.resolve(find(cs));
      return files(root.resolve("replicas")).isEmpty() && files(root.resolve("tmp")).isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * After a failed pipeline: nothing partial is left (tmp/ empty, no half of a replica), and a
   * replica the node did commit (it had every packet before the failure) is whole: both files,
   * the bytes written.
   */
  private boolean nothingPartial(ChunkServer cs, long handle, byte[] data) {
    try {
      Path root = tmp.resolve(find(cs));
      if (!files(root.resolve("tmp")).isEmpty()) {
        return false;
      }
      StoreLayout layout = new StoreLayout(root);
      boolean chunk = Files.exists(layout.chunkFile(handle));
      boolean meta = Files.exists(layout.metaFile(handle));
      if (!chunk && !meta) {
        return true;
      }
      return chunk && meta
          && java.util.Arrays.equals(data, Files.readAllBytes(layout.chunkFile(handle)));
    } catch (Exception e) {
      return false;
    }
  }

  private void assertWholeIfPresent(ChunkServer cs, long handle, byte[] data) throws Exception {
    Path chunk = new StoreLayout(tmp.resolve(find(cs))).chunkFile(handle);
    if (Files.exists(chunk)) {
      assertArrayEquals(data, client(cs).read(handle, 1, 0, data.length),
          "a replica committed before the pipeline failed reads back whole");
    }
  }

  private String find(ChunkServer cs) {
    return "cs" + servers.indexOf(cs);
  }

  private ChunkServer[] three() throws Exception {
    return new ChunkServer[] {start("cs0"), start("cs1"), start("cs2")};
  }

  @Test
  void threeHopPipelineWriteIsReadableFromEveryReplica() throws Exception {
    ChunkServer[] cs = three();
    byte[] data = TestData.bytes(5 * 1024 * 1024 + 123, 1);
    long handle = 0x1234_5678_9abcL;
    WriteDone done = client(cs[0]).write(handle, 7, data, List.of(addr(cs[1]), addr(cs[2])));
    assertEquals(List.of(cs[0].nodeId(), cs[1].nodeId(), cs[2].nodeId()), done.nodeIds());
    assertEquals(data.length, done.length());
    assertEquals(digestOf(data), done.digest());
    // Only the head (readers are sent there first) keeps its replica in the page cache.
    for (int i = 0; i < 3; i++) {
      DiskReplicaStore store = (DiskReplicaStore) cs[i].store();
      assertEquals(i > 0 && store.directIo() ? 1 : 0, store.writtenAroundCache(), "hop " + i);
    }
    for (ChunkServer s : cs) {
      TestChunkClient c = client(s);
      assertArrayEquals(data, c.read(handle, 7, 0, data.length));
      byte[] part = c.read(handle, 7, 100_000, 200_000);
      assertArrayEquals(java.util.Arrays.copyOfRange(data, 100_000, 300_000), part);
      assertEquals(0, c.read(handle, 7, 70_000, 0).length);
      Path chunk = tmp.resolve(find(s)).resolve("replicas").resolve("000012345678" + "9abc.chunk");
      assertArrayEquals(data, Files.readAllBytes(chunk), "replica bytes stored verbatim");
    }
    for (ChunkServer s : cs) {
      Poll.until("incremental report from " + s.nodeId(), WAIT,
          () -> master.reportedAdded(s.nodeId(), handle), master::dump);
    }
    RemoteException stale = assertThrows(RemoteException.class,
        () -> client(cs[1]).read(handle, 6, 0, 10));
    assertEquals(Status.STALE_VERSION, stale.status());
    RemoteException beyond = assertThrows(RemoteException.class,
        () -> client(cs[1]).read(handle, 7, data.length - 10, 11));
    assertEquals(Status.INVALID_ARGUMENT, beyond.status());
    RemoteException none = assertThrows(RemoteException.class,
        () -> client(cs[1]).read(handle + 1, 7, 0, 10));
    assertEquals(Status.NO_SUCH_REPLICA, none.status());
    RemoteException exists = assertThrows(RemoteException.class,
        () -> client(cs[0]).write(handle, 7, data, List.of()));
    assertEquals(Status.ALREADY_EXISTS, exists.status());
  }

  private static long digestOf(byte[] data) {
    int blocks = Checksums.blockCount(data.length);
    int[] crcs = new int[blocks];
    for (int i = 0; i < blocks; i++) {
      int off = i * 65536;
      crcs[i] = Checksums.crc32c(data, off, Math.min(65536, data.length - off));
    }
    return Checksums.digest(data.length, crcs, blocks);
  }

  @Test
  void largePipelineWritesStoreIdenticalReplicas() throws Exception {
    ChunkServer[] cs = three();
    TestChunkClient c = client(cs[0]);
    for (int i = 0; i < 2; i++) {
      byte[] data = TestData.bytes(24 * 1024 * 1024 + i, 10 + i);
      // Every hop compares its downstream's digest with its own before committing.
      WriteDone done = c.write(100 + i, 1, data, List.of(addr(cs[1]), addr(cs[2])));
      assertEquals(digestOf(data), done.digest());
      assertEquals(sha256Of(data), done.sha256());
      assertEquals(3, done.nodeIds().size());
    }
  }

  private static Sha256 sha256Of(byte[] data) {
    return Sha256.of(Sha256.newDigest().digest(data));
  }

  @Test
  void aWrongSha256FailsThePipelineAndNoNodeCommits() throws Exception {
    ChunkServer[] cs = three();
    byte[] data = TestData.bytes(3 * 65536 + 100, 12);
    byte[] other = data.clone();
    other[70_000] ^= 1;
    TestChunkClient c = client(cs[0]);
    List<NodeAddress> rest = List.of(addr(cs[1]), addr(cs[2]));
    TestChunkClient.WriteStream w = c.open(310, 1, data, rest).expecting(sha256Of(other));
    RemoteException e = assertThrows(RemoteException.class, w::finish);
    assertEquals(Status.INTEGRITY, e.status());
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    // Each hop checks the forwarded value itself before committing: none of them keeps a replica.
    Poll.until("no replica and no temporary file on any hop", WAIT,
        () -> clean(cs[0]) && clean(cs[1]) && clean(cs[2]), () -> tmp.toString());
    for (ChunkServer s : cs) {
      assertNull(s.store().get(310), s.nodeId());
    }
    // Nothing holds the handle: the same chunk with the right digest goes through.
    WriteDone done = c.write(310, 1, data, rest);
    assertEquals(sha256Of(data), done.sha256());
    for (ChunkServer s : cs) {
      assertEquals(sha256Of(data), s.store().get(310).sha256(), s.nodeId());
    }
  }

  @Test
  void downstreamErrorsArePropagatedAndUnreachableNodesNamed() throws Exception {
    ChunkServer[] cs = three();
    byte[] data = TestData.bytes(200_000, 11);
    client(cs[2]).write(300, 1, data, List.of());
    RemoteException exists = assertThrows(RemoteException.class,
        () -> client(cs[0]).write(300, 1, data, List.of(addr(cs[1]), addr(cs[2]))));
    assertEquals(Status.ALREADY_EXISTS, exists.status());
    assertTrue(exists.getMessage().contains(cs[2].nodeId()), exists.getMessage());
    // The head and middle had every packet, so they may have committed in parallel with the tail's
    // refusal: whole replicas of an uncommitted chunk (the master's GC removes them), never parts.
    Poll.until("nothing partial on head and middle", WAIT,
        () -> nothingPartial(cs[0], 300, data) && nothingPartial(cs[1], 300, data));
    assertWholeIfPresent(cs[0], 300, data);
    assertWholeIfPresent(cs[1], 300, data);

    int deadPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    NodeAddress dead = new NodeAddress("cs-dead", "127.0.0.1", deadPort);
    RemoteException refused = assertThrows(RemoteException.class,
        () -> client(cs[0]).write(301, 1, data, List.of(addr(cs[1]), dead)));
    assertEquals(Status.PIPELINE_FAILED, refused.status());
    assertEquals("cs-dead", refused.detail());
    assertTrue(refused.getMessage().contains("127.0.0.1:" + deadPort), refused.getMessage());
    Poll.until("nothing partial on head and middle", WAIT,
        () -> nothingPartial(cs[0], 301, data) && nothingPartial(cs[1], 301, data),
        () -> tmp.toString());
    assertWholeIfPresent(cs[0], 301, data);
    assertWholeIfPresent(cs[1], 301, data);
  }

  @Test
  void killedMiddleHopFailsThePipelinePromptlyAndLeavesNothing() throws Exception {
    ChunkServer[] cs = three();
    byte[] data = TestData.bytes(8 * 1024 * 1024, 2);
    TestChunkClient c = client(cs[0]);
    TestChunkClient.WriteStream w = c.open(42, 1, data, List.of(addr(cs[1]), addr(cs[2])));
    w.sendUpTo(20);
    Poll.until("first acks", WAIT, () -> w.acked() >= 0);
    String middle = cs[1].nodeId();
    int middlePort = cs[1].port();
    long t0 = System.nanoTime();
    cs[1].close();
    try {
      w.finish();
      throw new AssertionError("write succeeded although the middle hop died");
    } catch (RemoteException e) {
      assertEquals(Status.PIPELINE_FAILED, e.status(), e.getMessage());
      assertEquals(middle, e.detail());
      assertTrue(e.getMessage().contains(":" + middlePort), e.getMessage());
    }
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "failed promptly");
    Poll.until("nothing partial on the surviving nodes", WAIT,
        () -> nothingPartial(cs[0], 42, data) && nothingPartial(cs[2], 42, data));
    assertWholeIfPresent(cs[0], 42, data);
    assertWholeIfPresent(cs[2], 42, data);
  }

  @Test
  void pipelineWritesShareOneConnectionPerHop() throws Exception {
    ChunkServer[] cs = three();
    TestChunkClient c = client(cs[0]);
    for (int i = 0; i < 5; i++) {
      byte[] data = TestData.bytes(4096 + i, 20 + i);
      WriteDone done = c.write(400 + i, 1, data, List.of(addr(cs[1]), addr(cs[2])));
      assertEquals(3, done.nodeIds().size());
    }
    assertEquals(1, cs[1].acceptedConnections(), "the head's pooled connection only");
    assertEquals(1, cs[2].acceptedConnections(), "the middle's pooled connection only");
  }

  @Test
  void writerVanishingMidStreamAbortsEveryHopAndThePipelineRecovers() throws Exception {
    ChunkServer[] cs = three();
    byte[] data = TestData.bytes(40 * 65536, 4);
    TestChunkClient c = TestChunkClient.connect(group, cs[0].port());
    TestChunkClient.WriteStream w = c.open(50, 1, data, List.of(addr(cs[1]), addr(cs[2])));
    w.sendUpTo(5);
    Poll.until("first acks", WAIT, () -> w.acked() >= 0);
    c.close();
    // The head aborts; its half-used shared connection to the middle is retired and closed, which
    // aborts the middle, whose connection to the tail goes the same way.
    Poll.until("no replica or tmp files anywhere", WAIT,
        () -> clean(cs[0]) && clean(cs[1]) && clean(cs[2]));
    WriteDone done = client(cs[0]).write(50, 1, data, List.of(addr(cs[1]), addr(cs[2])));
    assertEquals(3, done.nodeIds().size());
  }

  @Test
  void flippedByteIsCaughtByTheReaderAndTheScrubber() throws Exception {
    ChunkServer cs = start("cs0", Duration.ofSeconds(1));
    byte[] data = TestData.bytes(300_000, 3);
    client(cs).write(9, 2, data, List.of());
    Path chunk = tmp.resolve("cs0/replicas/0000000000000009.chunk");
    try (RandomAccessFile f = new RandomAccessFile(chunk.toFile(), "rw")) {
      f.seek(200_000);
      int b = f.read();
      f.seek(200_000);
      f.write(b ^ 0x40);
    }
    TestChunkClient c = client(cs);
    assertThrows(TestChunkClient.IntegrityError.class, () -> c.read(9, 2, 0, data.length));
    // Blocks before the bad one still verify.
    assertArrayEquals(java.util.Arrays.copyOf(data, 65536), c.read(9, 2, 0, 65536));
    Poll.until("scrubber reports the bad replica", WAIT,
        () -> master.badReplicas.stream().anyMatch(r -> r.handle() == 9), master::dump);
    assertEquals(cs.nodeId(), master.badReplicas.get(0).nodeId());
    Poll.until("removal reported", WAIT, () -> master.reportedRemoved(cs.nodeId(), 9),
        master::dump);
    assertFalse(Files.exists(chunk));
    assertEquals(2, files(tmp.resolve("cs0/quarantine")).size());
    RemoteException gone = assertThrows(RemoteException.class, () -> c.read(9, 2, 0, 10));
    assertEquals(Status.NO_SUCH_REPLICA, gone.status());
  }

  @Test
  void copyAndDeleteCommandsFromTheMaster() throws Exception {
    ChunkServer a = start("cs0");
    ChunkServer b = start("cs1");
    byte[] data = TestData.bytes(1_000_000, 4);
    client(a).write(77, 3, data, List.of());
    Poll.until("a registered", WAIT, () -> a.masterSession().isRegistered());
    master.queue(a.nodeId(), new ChunkCommand(ChunkCommand.Kind.COPY, 77, 3, addr(b)));
    Poll.until("copy result", WAIT, () -> !master.results.isEmpty(), master::dump);
    assertTrue(master.results.get(0).ok(), master.results.get(0).message());
    assertArrayEquals(data, client(b).read(77, 3, 0, data.length));
    // The copy was checked against, and keeps, the digest the source stored the replica with.
    assertEquals(sha256Of(data), b.store().get(77).sha256());
    DiskReplicaStore target = (DiskReplicaStore) b.store();
    assertEquals(target.directIo() ? 1 : 0, target.writtenAroundCache(),
        "a re-replication copy is written around the page cache");
    Poll.until("b reports the copy", WAIT, () -> master.reportedAdded(b.nodeId(), 77),
        master::dump);

    master.queue(a.nodeId(), new ChunkCommand(ChunkCommand.Kind.DELETE, 77, 3, null));
    Poll.until("delete reported", WAIT, () -> master.reportedRemoved(a.nodeId(), 77),
        master::dump);
    assertFalse(Files.exists(tmp.resolve("cs0/replicas/000000000000004d.chunk")));
    assertFalse(Files.exists(tmp.resolve("cs0/replicas/000000000000004d.meta")));
    assertTrue(master.results.stream().anyMatch(r -> r.ok()
        && r.command().kind() == ChunkCommand.Kind.DELETE));

    master.queue(b.nodeId(), new ChunkCommand(ChunkCommand.Kind.VERIFY, 77, 3, null));
    Poll.until("verify result", WAIT, () -> master.results.stream().anyMatch(
        r -> r.command().kind() == ChunkCommand.Kind.VERIFY), master::dump);
    assertTrue(master.results.stream().filter(r -> r.command().kind() == ChunkCommand.Kind.VERIFY)
        .allMatch(r -> r.ok()));
  }

  @Test
  void garbageClosesOnlyThatConnection() throws Exception {
    ChunkServer cs = start("cs0");
    byte[] data = TestData.bytes(100_000, 5);
    TestChunkClient good = client(cs);
    good.write(5, 1, data, List.of());
    try (Socket garbage = new Socket("127.0.0.1", cs.port());
        Socket huge = new Socket("127.0.0.1", cs.port())) {
      garbage.setSoTimeout(10_000);
      huge.setSoTimeout(10_000);
      OutputStream g = garbage.getOutputStream();
      g.write(TestData.bytes(1000, 6));
      g.flush();
      ByteBuffer h = ByteBuffer.allocate(Frames.HEADER_LENGTH);
      h.putInt(Frames.MAGIC).put((byte) Frames.VERSION).put((byte) 0)
          .putShort((short) MessageType.WRITE_PACKET.code()).putLong(1).putInt(-1);
      huge.getOutputStream().write(h.array());
      huge.getOutputStream().flush();
      assertClosed(garbage.getInputStream());
      assertClosed(huge.getInputStream());
    }
    assertArrayEquals(data, good.read(5, 1, 0, data.length));
    assertArrayEquals(data, client(cs).read(5, 1, 0, data.length));
  }

  private static void assertClosed(InputStream in) throws Exception {
    byte[] buf = new byte[4096];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (in.read(buf) < 0) {
        return;
      }
    }
    throw new AssertionError("connection not closed");
  }

  @Test
  void restartKeepsTheNodeIdAndReReportsReplicas() throws Exception {
    ChunkServer cs = start("cs0");
    String id = cs.nodeId();
    byte[] data = TestData.bytes(70_000, 7);
    client(cs).write(11, 4, data, List.of());
    cs.close();
    ChunkServer again = new ChunkServer(TestData.config(tmp.resolve("cs0"), master.address()));
    servers.add(again);
    again.start();
    assertEquals(id, again.nodeId());
    Poll.until("full report with the replica after restart", WAIT,
        () -> master.fullReports(id).stream().anyMatch(r -> r.replicas().stream()
            .anyMatch(i -> i.handle() == 11 && i.version() == 4 && i.length() == 70_000)),
        master::dump);
    assertArrayEquals(data, client(again).read(11, 4, 0, data.length));
    assertTrue(files(tmp.resolve("cs0").resolve("tmp")).isEmpty());
    assertTrue(Files.exists(new StoreLayout(tmp.resolve("cs0")).chunkFile(11)));
  }

  @Test
  void takenPortAndUnusableDataDirAreOneLineConfigErrors() throws Exception {
    ChunkServer first = start("cs0");
    var taken = new dev.granary.config.ChunkserverConfig("127.0.0.1", first.port(),
        master.address(), tmp.resolve("other"), 0, Duration.ofHours(1), 1 << 20, 4,
        Duration.ofSeconds(60));
    try (ChunkServer second = new ChunkServer(taken)) {
      ConfigException e = assertThrows(ConfigException.class, second::start);
      assertTrue(e.getMessage().startsWith("chunkserver.port " + first.port() + ": "),
          e.getMessage());
    }
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    try (ChunkServer bad = new ChunkServer(TestData.config(file.resolve("sub"),
        master.address()))) {
      ConfigException e = assertThrows(ConfigException.class, bad::start);
      assertTrue(e.getMessage().startsWith("chunkserver.dataDir "), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }

  @Test
  void masterRestartLeadsToReRegistrationAndAFullReport() throws Exception {
    ChunkServer cs = start("cs0");
    client(cs).write(12, 1, TestData.bytes(1000, 8), List.of());
    Poll.until("registered", WAIT, () -> cs.masterSession().isRegistered());
    int before = master.registrations.size();
    master.forget(cs.nodeId());
    Poll.until("re-registered", WAIT, () -> master.registrations.size() > before, master::dump);
    Poll.until("full report after re-registering", WAIT, () -> master.fullReports(cs.nodeId())
        .stream().filter(r -> r.replicas().stream().anyMatch(i -> i.handle() == 12)).count() >= 1,
        master::dump);

    // The master goes away entirely and comes back on the same port.
    var address = master.address();
    master.close();
    Poll.until("session notices", WAIT, () -> !cs.masterSession().isRegistered());
    master = new FakeMaster(group, 100, address.port());
    Poll.until("registered with the new master", WAIT,
        () -> !master.fullReports(cs.nodeId()).isEmpty(), master::dump);
  }
}
