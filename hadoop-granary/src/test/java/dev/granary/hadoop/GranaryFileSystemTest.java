package dev.granary.hadoop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.FsStatus;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the contract suites do not cover: configuration, locality, defaults, the declared
 * unsupported operations, owners and permissions, and the exception types.
 */
@ExtendWith(TestCluster.Join.class)
class GranaryFileSystemTest {
  @TempDir
  java.nio.file.Path tmp;
  private FileSystem fs;
  private final Path dir = new Path("/fs-test");

  @BeforeEach
  void setUp() throws IOException {
    fs = FileSystem.newInstance(TestCluster.get().uri(), TestCluster.get().configuration());
  }

  @AfterEach
  void tearDown() throws IOException {
    try {
      fs.delete(dir, true);
    } finally {
      fs.close();
    }
  }

  private byte[] write(Path p, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    try (FSDataOutputStream out = fs.create(p)) {
      out.write(data);
    }
    return data;
  }

  @Test
  void theSchemeIsRegisteredAndTheUriIsTheMaster() throws IOException {
    try (FileSystem byScheme = FileSystem.newInstance(TestCluster.get().uri(),
        TestCluster.get().configuration())) {
      assertTrue(byScheme instanceof GranaryFileSystem, byScheme.getClass().getName());
      assertEquals(TestCluster.get().uri(), byScheme.getUri());
      assertEquals("granary", byScheme.getScheme());
      assertNull(byScheme.getCanonicalServiceName(), "no delegation tokens");
      assertEquals(new Path(TestCluster.get().uri() + "/user/admin"),
          byScheme.getWorkingDirectory());
    }
  }

  @Test
  void aUriWithoutPortNamesTheDefaultMasterPort() throws IOException {
    try (FileSystem noPort = FileSystem.newInstance(URI.create("granary://127.0.0.1/"),
        TestCluster.get().configuration())) {
      assertEquals(URI.create("granary://127.0.0.1:7070"), noPort.getUri());
      // Hadoop's path check takes the port-less form as this file system's, another port not.
      noPort.makeQualified(new Path("granary://127.0.0.1/a"));
      noPort.makeQualified(new Path("granary://127.0.0.1:7070/a"));
      assertThrows(IllegalArgumentException.class,
          () -> noPort.makeQualified(new Path("granary://127.0.0.1:7071/a")));
    }
  }

  @Test
  void aBadCredentialsFileFailsInitializeWithOneLineNamingIt() throws IOException {
    java.nio.file.Path bad = Files.writeString(tmp.resolve("bad.credentials"), "not json");
    Configuration conf = TestCluster.get().configuration();
    conf.set(ConnectorConfig.CREDENTIALS, bad.toString());
    IOException e = assertThrows(IOException.class,
        () -> FileSystem.newInstance(TestCluster.get().uri(), conf));
    assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("not JSON"),
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void everyClientKeyHasAHadoopNameAndTheKeyFileIsTheClients() throws Exception {
    Configuration conf = TestCluster.get().configuration();
    conf.set("fs.granary.parallelism", "0");
    IOException e = assertThrows(IOException.class,
        () -> FileSystem.newInstance(TestCluster.get().uri(), conf));
    assertTrue(e.getMessage().contains("fs.granary.parallelism \"0\""), e.getMessage());

    java.nio.file.Path keyFile = tmp.resolve("granary.key");
    dev.granary.client.EncryptionKey key = dev.granary.client.EncryptionKey.generate();
    key.write(keyFile);
    Configuration withKey = TestCluster.get().configuration();
    withKey.set(ConnectorConfig.KEY_FILE, keyFile.toString());
    Path secret = new Path(dir, "secret/f.bin");
    byte[] data = new byte[200_000];
    new Random(7).nextBytes(data);
    try (GranaryFileSystem g = (GranaryFileSystem) FileSystem.newInstance(
        TestCluster.get().uri(), withKey)) {
      assertEquals(keyFile, g.keyFile());
      g.mkdirs(secret.getParent());
      try (dev.granary.client.GranaryClient c = dev.granary.client.GranaryClient.open(
          ConnectorConfig.client(TestCluster.get().uri(), withKey, java.util.Map.of()))) {
        assertEquals(key, c.encryptionKey(), "the connector's client holds the file's key");
        c.setPolicy(secret.getParent().toUri().getPath(),
            dev.granary.client.PolicyChange.none().encrypt(true));
      }
      // The directory's policy says encrypt: the connector's client encrypts with its key.
      try (FSDataOutputStream out = g.create(secret)) {
        out.write(data);
      }
      assertTrue(g.getFileStatus(secret).isEncrypted());
      assertEquals(data.length, g.getFileStatus(secret).getLen());
      try (FSDataInputStream in = g.open(secret)) {
        assertArrayEquals(data, in.readAllBytes());
      }
    }
    // Without the key (the test's own file system has none): denied, and so is a create there.
    assertThrows(AccessControlException.class, () -> {
      try (FSDataInputStream in = fs.open(secret)) {
        in.read();
      }
    });
    assertThrows(AccessControlException.class, () -> fs.create(new Path(secret.getParent(),
        "plain.bin")).close());
    Path plain = new Path(dir, "plain.bin");
    write(plain, 10);
    assertFalse(fs.getFileStatus(plain).isEncrypted());

    Configuration missing = TestCluster.get().configuration();
    missing.set(ConnectorConfig.KEY_FILE, tmp.resolve("no.key").toString());
    IOException none = assertThrows(IOException.class,
        () -> FileSystem.newInstance(TestCluster.get().uri(), missing));
    assertTrue(none.getMessage().contains(tmp.resolve("no.key") + " does not exist"),
        none.getMessage());
    assertFalse(none.getMessage().contains("\n"), none.getMessage());
  }

  @Test
  void blockLocationsAreTheChunksWithTheirReplicas() throws IOException {
    Path p = new Path(dir, "three-chunks.bin");
    long chunk = TestCluster.CHUNK_SIZE;
    write(p, (int) (2 * chunk + 1000));
    FileStatus st = fs.getFileStatus(p);
    assertEquals(chunk, st.getBlockSize());
    assertEquals(3, st.getReplication());

    BlockLocation[] all = fs.getFileBlockLocations(st, 0, st.getLen());
    assertEquals(3, all.length);
    for (int i = 0; i < 3; i++) {
      assertEquals(i * chunk, all[i].getOffset());
      assertEquals(i < 2 ? chunk : 1000, all[i].getLength());
      assertEquals(3, all[i].getHosts().length);
      assertEquals(3, all[i].getNames().length);
      assertEquals("127.0.0.1", all[i].getHosts()[0]);
    }
    BlockLocation[] middle = fs.getFileBlockLocations(st, chunk + 10, 20);
    assertEquals(1, middle.length);
    assertEquals(chunk, middle[0].getOffset());
    assertEquals(0, fs.getFileBlockLocations(st, st.getLen(), 10).length);
    assertEquals(0, fs.getFileBlockLocations(fs.getFileStatus(dir), 0, 10).length);
  }

  @Test
  void createTakesBlockSizeReplicationAndPermission() throws IOException {
    Path p = new Path(dir, "custom.bin");
    try (FSDataOutputStream out = fs.create(p, new FsPermission((short) 0600), false, 4096,
        (short) 2, 100_000, null)) {
      out.write(new byte[300_000]);
      assertFalse(out.hasCapability(StreamCapabilities.HSYNC), "no hsync: commit on close");
    }
    FileStatus st = fs.getFileStatus(p);
    assertEquals(2, st.getReplication());
    assertEquals(128 * 1024, st.getBlockSize(), "rounded up to whole 64 KiB blocks");
    assertEquals((short) 0600, st.getPermission().toShort());
    assertEquals("admin", st.getOwner());

    assertTrue(fs.mkdirs(new Path(dir, "private"), new FsPermission((short) 0700)));
    assertEquals((short) 0700, fs.getFileStatus(new Path(dir, "private")).getPermission()
        .toShort());
  }

  @Test
  void newEntriesTakeTheUmaskAsOnHdfs() throws IOException {
    // Hadoop asks for 0777 directories and 0666 files; the umask (022 by default) takes w from
    // group and others, as HDFS does: nothing a Hadoop job creates is world-writable.
    Path d = new Path(dir, "made");
    assertTrue(fs.mkdirs(d));
    assertEquals((short) 0755, fs.getFileStatus(d).getPermission().toShort());
    Path f = new Path(d, "file.txt");
    fs.create(f, new FsPermission((short) 0666), false, 4096, (short) 1, 1 << 20, null).close();
    assertEquals((short) 0644, fs.getFileStatus(f).getPermission().toShort());
    Path g = new Path(d, "default.txt");
    fs.create(g).close();
    assertEquals((short) 0644, fs.getFileStatus(g).getPermission().toShort());

    Configuration strict = new Configuration(TestCluster.get().configuration());
    strict.set("fs.permissions.umask-mode", "077");
    try (FileSystem own = FileSystem.newInstance(TestCluster.get().uri(), strict)) {
      Path mine = new Path(dir, "mine");
      assertTrue(own.mkdirs(mine));
      assertEquals((short) 0700, own.getFileStatus(mine).getPermission().toShort());
      own.create(new Path(mine, "secret"), new FsPermission((short) 0666), false, 4096,
          (short) 1, 1 << 20, null).close();
      assertEquals((short) 0600, own.getFileStatus(new Path(mine, "secret")).getPermission()
          .toShort());
    }
  }

  @Test
  void anAbortedStreamLeavesNothingAndAnOverwriteIsAtomic() throws IOException {
    Path p = new Path(dir, "aborted.bin");
    FSDataOutputStream out = fs.create(p);
    assertTrue(out.hasCapability(StreamCapabilities.ABORTABLE_STREAM));
    out.write(new byte[3 * (int) TestCluster.CHUNK_SIZE]);
    assertFalse(out.abort().alreadyClosed());
    out.close();
    assertFalse(fs.exists(p), "nothing committed");

    byte[] old = write(p, 1000);
    FSDataOutputStream replacing = fs.create(p, true);
    replacing.write(new byte[5000]);
    byte[] stillOld = new byte[old.length];
    try (FSDataInputStream in = fs.open(p)) {
      in.readFully(stillOld);
    }
    assertArrayEquals(old, stillOld, "the old bytes until the new file is closed");
    replacing.close();
    assertEquals(5000, fs.getFileStatus(p).getLen());
  }

  @Test
  void createNonRecursiveNeedsItsParent() throws IOException {
    assertThrows(FileNotFoundException.class, () -> fs.createNonRecursive(
        new Path(dir, "missing/f"), true, 4096, (short) 3, 0, null));
    write(new Path(dir, "file"), 10);
    assertThrows(ParentNotDirectoryException.class, () -> fs.createNonRecursive(
        new Path(dir, "file/f"), true, 4096, (short) 3, 0, null));
    try (FSDataOutputStream out = fs.createNonRecursive(new Path(dir, "f"), false, 4096,
        (short) 3, 0, null)) {
      out.write(1);
    }
    assertEquals(1, fs.getFileStatus(new Path(dir, "f")).getLen());
  }

  @Test
  void statusIsTheLiveChunkserversCapacity() throws IOException {
    FsStatus st = fs.getStatus();
    assertTrue(st.getCapacity() > 0 && st.getRemaining() > 0 && st.getUsed() >= 0,
        st.getCapacity() + " " + st.getUsed() + " " + st.getRemaining());
  }

  @Test
  void serverDefaultsAreTheClusters() throws IOException {
    FsServerDefaults d = fs.getServerDefaults(dir);
    assertEquals(TestCluster.CHUNK_SIZE, d.getBlockSize());
    assertEquals(3, d.getReplication());
    assertTrue(d.getEncryptDataTransfer(), "tls");
    assertEquals(TestCluster.CHUNK_SIZE, fs.getDefaultBlockSize(dir));
    assertEquals(3, fs.getDefaultReplication(dir));
  }

  @Test
  void appendAndSetTimesAreDeclaredUnsupported() throws IOException {
    Path p = new Path(dir, "fixed.txt");
    write(p, 10);
    UnsupportedOperationException append = assertThrows(UnsupportedOperationException.class,
        () -> fs.append(p));
    assertTrue(append.getMessage().contains("append is not supported"), append.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> fs.setTimes(p, 1, 1));
    assertFalse(fs.setReplication(p, (short) 1), "replication is fixed when written");
    assertEquals(3, fs.getFileStatus(p).getReplication());
    assertTrue(fs.hasPathCapability(p, CommonPathCapabilities.FS_PERMISSIONS));
    for (String no : List.of(CommonPathCapabilities.FS_APPEND, CommonPathCapabilities.FS_CONCAT,
        CommonPathCapabilities.FS_TRUNCATE, CommonPathCapabilities.FS_SYMLINKS,
        CommonPathCapabilities.FS_XATTRS, CommonPathCapabilities.FS_ACLS)) {
      assertFalse(fs.hasPathCapability(p, no), no);
    }
  }

  @Test
  void aUserWithoutRightsGetsAccessControlException() throws Exception {
    Path p = new Path(dir, "admins.txt");
    write(p, 10);
    fs.setPermission(p, new FsPermission((short) 0600));
    java.nio.file.Path alice = tmp.resolve("alice.credentials");
    try (dev.granary.client.GranaryClient admin = dev.granary.client.GranaryClient.open(
        new dev.granary.config.ClientConfig(TestCluster.get().masterAddress(), 0, 1,
            java.time.Duration.ofSeconds(10), TestCluster.get().adminCredentials()))) {
      admin.addUser("alice-" + System.nanoTime() % 100000, "", false).write(alice, false);
    }
    Configuration conf = TestCluster.get().configuration();
    conf.set(ConnectorConfig.CREDENTIALS, alice.toString());
    Path shared = new Path(dir, "shared.txt");
    write(shared, 10);
    fs.access(p, FsAction.ALL);
    try (FileSystem asAlice = FileSystem.newInstance(TestCluster.get().uri(), conf)) {
      assertThrows(AccessControlException.class, () -> asAlice.open(p).read());
      assertThrows(AccessControlException.class,
          () -> asAlice.setOwner(p, "alice", null));
      // access() judges the credentials' user, not the Hadoop user running the test.
      assertThrows(AccessControlException.class, () -> asAlice.access(p, FsAction.READ));
      asAlice.access(shared, FsAction.READ);
      assertThrows(AccessControlException.class, () -> asAlice.access(shared, FsAction.WRITE));
      assertThrows(FileNotFoundException.class,
          () -> asAlice.access(new Path(dir, "missing"), FsAction.READ));
    }
  }

  @Test
  void listingsAndSummariesAgree() throws IOException {
    write(new Path(dir, "a/one"), 100);
    write(new Path(dir, "a/b/two"), 200);
    write(new Path(dir, "three"), 300);
    List<String> names = new ArrayList<>();
    RemoteIterator<FileStatus> it = fs.listStatusIterator(dir);
    while (it.hasNext()) {
      names.add(it.next().getPath().getName());
    }
    assertEquals(List.of("a", "three"), names);
    ContentSummary cs = fs.getContentSummary(dir);
    assertEquals(600, cs.getLength());
    assertEquals(3, cs.getFileCount());
    assertEquals(3, cs.getDirectoryCount());
    assertEquals(1800, cs.getSpaceConsumed(), "three replicas of each byte");
  }

  @Test
  void unbufferThenReadGoesOnWhereItWas() throws IOException {
    Path p = new Path(dir, "unbuffer.bin");
    byte[] data = write(p, 200_000);
    try (FSDataInputStream in = fs.open(p)) {
      byte[] first = new byte[1000];
      in.readFully(first);
      in.unbuffer();
      byte[] rest = new byte[data.length - 1000];
      in.readFully(rest);
      byte[] all = new byte[data.length];
      System.arraycopy(first, 0, all, 0, 1000);
      System.arraycopy(rest, 0, all, 1000, rest.length);
      assertArrayEquals(data, all);
      assertEquals(-1, in.read());
    }
  }

  @Test
  void uriOfAnotherMasterIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> fs.getFileStatus(new Path(URI.create("granary://10.0.0.1:1/x"))));
  }
}
