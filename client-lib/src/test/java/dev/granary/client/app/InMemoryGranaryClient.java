package dev.granary.client.app;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.BalanceStatus;
import dev.granary.client.CacheStats;
import dev.granary.client.ClusterStatus;
import dev.granary.client.DecommissionResult;
import dev.granary.client.DeleteResult;
import dev.granary.client.DirectoryPage;
import dev.granary.client.FileInfo;
import dev.granary.client.FileStatus;
import dev.granary.client.FsckReport;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.GranaryIOException;
import dev.granary.client.GranaryOutputStream;
import dev.granary.client.Identity;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.TransferListener;
import dev.granary.client.WriteOptions;
import dev.granary.config.Credentials;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What an application's test would write: a {@link GranaryClient} held in memory, built only from
 * the exported API (this package is outside the library's). Files and directories in one map;
 * {@link #listPage} pages as the master does, so the interface's {@code list} and {@code listing}
 * work unchanged. Cluster administration is not something the code under test does: those calls
 * say so.
 */
class InMemoryGranaryClient implements GranaryClient {
  /** Path to contents; null contents: a directory. Ordered by UTF-8 bytes, as the master lists. */
  private final Map<String, byte[]> entries = new TreeMap<>(InMemoryGranaryClient::byUtf8);
  /** How many pages were asked for, so a test can see that a listing fetches lazily. */
  final AtomicInteger pagesServed = new AtomicInteger();

  InMemoryGranaryClient() {
    entries.put("/", null);
  }

  private static int byUtf8(String a, String b) {
    return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
        b.getBytes(StandardCharsets.UTF_8));
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash == 0 ? "/" : path.substring(0, slash);
  }

  private static String nameOf(String path) {
    return path.equals("/") ? "/" : path.substring(path.lastIndexOf('/') + 1);
  }

  private synchronized FileStatus statusOf(String path) throws NotFoundException {
    if (!entries.containsKey(path)) {
      throw new NotFoundException(path + ": no such file or directory");
    }
    byte[] data = entries.get(path);
    return new FileStatus(path, nameOf(path), data == null, data == null ? 0 : data.length, 0,
        data == null ? 0 : 1, data == null ? 0 : 1 << 20, data == null || data.length == 0 ? 0 : 1,
        "app", "app", data == null ? "755" : "644");
  }

  private synchronized void store(String path, byte[] data, boolean overwrite)
      throws GranaryException {
    byte[] old = entries.get(path);
    if (entries.containsKey(path) && (old == null || !overwrite)) {
      throw new AlreadyExistsException(path + ": file exists");
    }
    mkdirs(parent(path), true);
    entries.put(path, data);
  }

  @Override
  public Credentials credentials() {
    return null;
  }

  @Override
  public Identity whoAmI() {
    return new Identity("app", "app", false);
  }

  @Override
  public String clientId() {
    return "in-memory";
  }

  @Override
  public GranaryOutputStream create(String path, WriteOptions options) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    return new GranaryOutputStream() {
      private boolean done;

      @Override
      public void write(int b) {
        buffer.write(b);
      }

      @Override
      public void abort() {
        done = true;
      }

      @Override
      public void close() throws IOException {
        if (done) {
          return;
        }
        done = true;
        try {
          store(path, buffer.toByteArray(), options.overwrite());
        } catch (GranaryException e) {
          throw new GranaryIOException(e);
        }
      }
    };
  }

  @Override
  public WriteOptions clusterDefaults() {
    return WriteOptions.defaults().withReplication(1).withChunkSize(64 << 20);
  }

  @Override
  public FileStatus put(Path local, String remote, WriteOptions options,
      TransferListener listener) throws GranaryException {
    try {
      store(remote, Files.readAllBytes(local), options.overwrite());
    } catch (IOException e) {
      throw new NotFoundException(local + ": no such file or directory", e);
    }
    return statusOf(remote);
  }

  @Override
  public synchronized InputStream open(String path) throws GranaryException {
    byte[] data = entries.get(path);
    if (data == null) {
      statusOf(path);
      throw new InvalidArgumentException(InvalidArgumentException.Kind.IS_A_DIRECTORY,
          path + ": is a directory", null);
    }
    return new ByteArrayInputStream(data);
  }

  @Override
  public SeekableByteChannel openChannel(String path) {
    throw new UnsupportedOperationException("the code under test reads streams only");
  }

  @Override
  public FileStatus get(String remote, Path local, boolean overwrite, TransferListener listener)
      throws GranaryException {
    try (InputStream in = open(remote)) {
      Files.write(local, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return statusOf(remote);
  }

  @Override
  public synchronized DirectoryPage listPage(String dir, String startAfter, int limit)
      throws GranaryException {
    pagesServed.incrementAndGet();
    FileStatus self = statusOf(dir);
    if (!self.directory()) {
      return new DirectoryPage(List.of(self), false);
    }
    int max = Math.min(limit, DirectoryPage.MAX_ENTRIES);
    String prefix = dir.equals("/") ? "/" : dir + "/";
    List<FileStatus> page = new ArrayList<>();
    for (String p : entries.keySet()) {
      boolean child = !p.equals("/") && parent(p).equals(dir);
      if (child && byUtf8(p, prefix + (startAfter == null ? "" : startAfter)) > 0) {
        if (page.size() == max) {
          return new DirectoryPage(page, true);
        }
        page.add(statusOf(p));
      }
    }
    return new DirectoryPage(page, false);
  }

  @Override
  public FileStatus stat(String path) throws GranaryException {
    return statusOf(path);
  }

  @Override
  public FileInfo statWithChunks(String path) throws GranaryException {
    return new FileInfo(statusOf(path), List.of());
  }

  @Override
  public synchronized FileStatus mkdirs(String path, boolean parents) throws GranaryException {
    if (entries.containsKey(path)) {
      if (entries.get(path) != null || !parents) {
        throw new AlreadyExistsException(path + ": exists");
      }
      return statusOf(path);
    }
    if (!entries.containsKey(parent(path))) {
      if (!parents) {
        throw new NotFoundException(parent(path) + ": no such directory");
      }
      mkdirs(parent(path), true);
    }
    entries.put(path, null);
    return statusOf(path);
  }

  @Override
  public synchronized DeleteResult delete(String path, boolean recursive)
      throws GranaryException {
    boolean dir = statusOf(path).directory();
    List<String> under = entries.keySet().stream().filter(p -> p.startsWith(path + "/"))
        .toList();
    if (!under.isEmpty() && !recursive) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.NOT_EMPTY,
          path + ": directory not empty", null);
    }
    long files = under.stream().filter(p -> entries.get(p) != null).count() + (dir ? 0 : 1);
    long dirs = under.size() + 1 - files;
    under.forEach(entries::remove);
    entries.remove(path);
    return new DeleteResult(files, dirs);
  }

  @Override
  public synchronized FileStatus rename(String source, String destination)
      throws GranaryException {
    statusOf(source);
    if (entries.containsKey(destination)) {
      throw new AlreadyExistsException(destination + ": exists");
    }
    Map<String, byte[]> moved = new TreeMap<>();
    for (var e : entries.entrySet()) {
      if (e.getKey().equals(source) || e.getKey().startsWith(source + "/")) {
        moved.put(destination + e.getKey().substring(source.length()), e.getValue());
      }
    }
    entries.keySet().removeIf(p -> p.equals(source) || p.startsWith(source + "/"));
    entries.putAll(moved);
    return statusOf(destination);
  }

  @Override
  public long setPermission(String path, int mode, boolean recursive) {
    throw new UnsupportedOperationException("no permissions in memory");
  }

  @Override
  public long setOwner(String path, String owner, String group, boolean recursive) {
    throw new UnsupportedOperationException("no owners in memory");
  }

  @Override
  public ClusterStatus clusterStatus() {
    throw new UnsupportedOperationException("no cluster in memory");
  }

  @Override
  public Credentials addUser(String name, String group, boolean superuser) {
    throw new UnsupportedOperationException("no users in memory");
  }

  @Override
  public void revokeUser(String name) {
    throw new UnsupportedOperationException("no users in memory");
  }

  @Override
  public long actOnHeldDeletions(boolean release, String node) {
    throw new UnsupportedOperationException("no cluster in memory");
  }

  @Override
  public DecommissionResult decommission(String node) {
    throw new UnsupportedOperationException("no cluster in memory");
  }

  @Override
  public DecommissionResult recommission(String node) {
    throw new UnsupportedOperationException("no cluster in memory");
  }

  @Override
  public BalanceStatus balance(int thresholdPct, boolean start) {
    throw new UnsupportedOperationException("no cluster in memory");
  }

  @Override
  public String rotateJoinToken() {
    throw new UnsupportedOperationException("no cluster in memory");
  }

  @Override
  public FsckReport fsck(String path) {
    throw new UnsupportedOperationException("no cluster in memory");
  }

  @Override
  public CacheStats cacheStats() {
    return new CacheStats(0, 0, 0, 0, 0, 0);
  }

  @Override
  public void close() {}
}
