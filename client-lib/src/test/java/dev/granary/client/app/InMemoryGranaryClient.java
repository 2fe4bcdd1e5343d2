package dev.granary.client.app;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.BalanceStatus;
import dev.granary.client.CacheStats;
import dev.granary.client.ClusterStatus;
import dev.granary.client.DecommissionResult;
import dev.granary.client.DeniedException;
import dev.granary.client.DeleteResult;
import dev.granary.client.DirectoryPage;
import dev.granary.client.DirectoryPolicy;
import dev.granary.client.FileInfo;
import dev.granary.client.FileStatus;
import dev.granary.client.FileVersion;
import dev.granary.client.FsckReport;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.GranaryIOException;
import dev.granary.client.GranaryOutputStream;
import dev.granary.client.Identity;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.PolicyChange;
import dev.granary.client.SnapshotInfo;
import dev.granary.client.TransferListener;
import dev.granary.client.UploadResult;
import dev.granary.client.TrashEntry;
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
import java.time.Duration;
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
 * work unchanged. Directory policies, kept versions, snapshots ({@code DIR/.snapshot/NAME},
 * readable, never writable) and the trash follow the master's rules ({@link InMemoryRetention}),
 * on a clock the test moves with {@link #advance}. Cluster administration is not something the
 * code under test does: those calls say so.
 */
class InMemoryGranaryClient implements GranaryClient {
  private static final String SNAPSHOTS = ".snapshot";

  /** Path to contents; null contents: a directory. Ordered by UTF-8 bytes, as the master lists. */
  private final Map<String, byte[]> entries = new TreeMap<>(InMemoryGranaryClient::byUtf8);
  private final InMemoryRetention retention = new InMemoryRetention();
  /** How many pages were asked for, so a test can see that a listing fetches lazily. */
  final AtomicInteger pagesServed = new AtomicInteger();
  /** The fake's clock, epoch milliseconds. */
  private long now = 1_700_000_000_000L;

  InMemoryGranaryClient() {
    entries.put("/", null);
  }

  /** Moves the fake's clock on: trash entries expire. */
  synchronized void advance(Duration d) {
    now += d.toMillis();
  }

  private static int byUtf8(String a, String b) {
    return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
        b.getBytes(StandardCharsets.UTF_8));
  }

  private static String parent(String path) {
    return InMemoryRetention.parent(path);
  }

  private static String nameOf(String path) {
    return path.equals("/") ? "/" : path.substring(path.lastIndexOf('/') + 1);
  }

  // ---------------------------------------------------------------- views

  /**
   * The entries a read of {@code path} sees, by the paths it shows them at: the namespace, or for
   * a path through {@code DIR/.snapshot} the snapshots of DIR (each a directory) or the tree of
   * one of them.
   */
  private Map<String, byte[]> view(String path) {
    int at = (path + "/").indexOf("/" + SNAPSHOTS + "/");
    if (at < 0) {
      return entries;
    }
    String dir = at == 0 ? "/" : path.substring(0, at);
    String base = InMemoryRetention.snapshotPath(dir, "");
    base = base.substring(0, base.length() - 1);
    Map<String, byte[]> out = new TreeMap<>(InMemoryGranaryClient::byUtf8);
    if (!entries.containsKey(dir) || entries.get(dir) != null) {
      return out;
    }
    out.put(base, null);
    String rest = path.length() <= base.length() ? "" : path.substring(base.length() + 1);
    String name = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
    for (SnapshotInfo s : retention.snapshots(dir)) {
      out.put(s.path(), null);
    }
    InMemoryRetention.Snapshot snap = name.isEmpty() ? null : retention.snapshot(dir, name);
    if (snap != null) {
      snap.tree().forEach((rel, data) -> out.put(snap.info().path() + rel, data));
    }
    return out;
  }

  /** Refuses a write at {@code path} inside a snapshot: they are read-only. */
  private static void checkWritable(String path) throws DeniedException {
    if (("/" + path + "/").contains("/" + SNAPSHOTS + "/")) {
      throw new DeniedException(path + ": snapshots are read-only (" + SNAPSHOTS
          + " is reserved)");
    }
  }

  private synchronized FileStatus statusOf(String path) throws NotFoundException {
    Map<String, byte[]> view = view(path);
    if (!view.containsKey(path)) {
      throw new NotFoundException(path + ": no such file or directory");
    }
    byte[] data = view.get(path);
    return new FileStatus(path, nameOf(path), data == null, data == null ? 0 : data.length,
        view == entries ? retention.modified(path) : 0,
        data == null ? 0 : 1, data == null ? 0 : 1 << 20, data == null || data.length == 0 ? 0 : 1,
        "app", "app", data == null ? "755" : "644");
  }

  private synchronized void store(String path, byte[] data, boolean overwrite)
      throws GranaryException {
    checkWritable(path);
    byte[] old = entries.get(path);
    if (entries.containsKey(path) && (old == null || !overwrite)) {
      throw new AlreadyExistsException(path + ": file exists");
    }
    mkdirs(parent(path), true);
    entries.put(path, data);
    retention.written(path, data, now);
  }

  /** The entries at and under {@code root}, by absolute path. */
  private Map<String, byte[]> tree(String root) {
    Map<String, byte[]> out = new TreeMap<>(InMemoryGranaryClient::byUtf8);
    entries.forEach((p, d) -> {
      if (InMemoryRetention.under(p, root)) {
        out.put(p, d);
      }
    });
    return out;
  }

  // ---------------------------------------------------------------- identity

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

  // ---------------------------------------------------------------- files

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
  public UploadResult upload(Path local, String remote, WriteOptions options,
      TransferListener listener) throws GranaryException {
    byte[] data;
    try {
      data = Files.readAllBytes(local);
    } catch (IOException e) {
      throw new NotFoundException(local + ": no such file or directory", e);
    }
    store(remote, data, options.overwrite());
    // The fake keeps whole files, not chunks: everything counts as sent.
    return new UploadResult(statusOf(remote), data.length, data.length == 0 ? 0 : 1, 0);
  }

  @Override
  public synchronized InputStream open(String path, long version) throws GranaryException {
    Map<String, byte[]> view = view(path);
    byte[] data = view.get(path);
    if (data == null) {
      statusOf(path);
      throw new InvalidArgumentException(InvalidArgumentException.Kind.IS_A_DIRECTORY,
          path + ": is a directory", null);
    }
    if (view != entries && version != CURRENT) {
      throw new NotFoundException(path + ": a snapshot keeps no versions");
    }
    return new ByteArrayInputStream(view == entries ? retention.read(path, version) : data);
  }

  @Override
  public SeekableByteChannel openChannel(String path, long version) {
    throw new UnsupportedOperationException("the code under test reads streams only");
  }

  @Override
  public FileStatus get(String remote, long version, Path local, boolean overwrite,
      TransferListener listener) throws GranaryException {
    try (InputStream in = open(remote, version)) {
      Files.write(local, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return statusOf(remote);
  }

  // ---------------------------------------------------------------- namespace

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
    for (String p : view(dir).keySet()) {
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
    checkWritable(path);
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
  public synchronized DeleteResult delete(String path, boolean recursive, boolean skipTrash)
      throws GranaryException {
    checkWritable(path);
    boolean dir = statusOf(path).directory();
    Map<String, byte[]> tree = tree(path);
    if (tree.size() > 1 && !recursive) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.NOT_EMPTY,
          path + ": directory not empty", null);
    }
    String snapshotted = retention.snapshotsUnder(path);
    if (snapshotted != null) {
      throw new InvalidArgumentException("cannot delete " + path + ": " + snapshotted);
    }
    long files = tree.values().stream().filter(d -> d != null).count();
    long dirs = tree.size() - files;
    long size = tree.values().stream().filter(d -> d != null).mapToLong(d -> d.length).sum();
    long keep = skipTrash ? 0 : retention.trashMillis(path, dir);
    entries.keySet().removeAll(tree.keySet());
    // A file's kept versions go with it, also into the trash, which holds its current contents.
    retention.forget(path);
    if (keep > 0) {
      TrashEntry entry = new TrashEntry(path, dir, size, files, now, now + keep);
      retention.trash(entry, tree);
      return new DeleteResult(files, dirs, entry.expiresMillis());
    }
    return new DeleteResult(files, dirs);
  }

  @Override
  public synchronized FileStatus rename(String source, String destination)
      throws GranaryException {
    checkWritable(source);
    checkWritable(destination);
    statusOf(source);
    if (entries.containsKey(destination)) {
      throw new AlreadyExistsException(destination + ": exists");
    }
    Map<String, byte[]> moved = new TreeMap<>();
    for (var e : tree(source).entrySet()) {
      moved.put(destination + e.getKey().substring(source.length()), e.getValue());
    }
    entries.keySet().removeIf(p -> InMemoryRetention.under(p, source));
    entries.putAll(moved);
    retention.moved(source, destination);
    return statusOf(destination);
  }

  // ---------------------------------------------------------------- versions, snapshots, trash

  private FileStatus directory(String dir) throws GranaryException {
    FileStatus s = statusOf(dir);
    if (!s.directory()) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.NOT_A_DIRECTORY,
          dir + ": not a directory", null);
    }
    return s;
  }

  @Override
  public synchronized DirectoryPolicy setPolicy(String dir, PolicyChange change)
      throws GranaryException {
    if (!change.isEmpty()) {
      checkWritable(dir);
    }
    directory(dir);
    retention.set(dir, change.settings());
    return retention.policy(dir);
  }

  @Override
  public synchronized List<FileVersion> versions(String path) throws GranaryException {
    if (statusOf(path).directory()) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.IS_A_DIRECTORY,
          path + ": is a directory", null);
    }
    if (view(path) != entries) {
      return List.of(new FileVersion(1, statusOf(path).size(), 0));
    }
    return retention.versions(path);
  }

  @Override
  public dev.granary.client.KeyRotation rotateKey(String path, boolean recursive,
      dev.granary.client.EncryptionKey oldKey, dev.granary.client.EncryptionKey newKey) {
    throw new UnsupportedOperationException("no encryption in memory");
  }

  @Override
  public dev.granary.client.EncryptionKey encryptionKey() {
    return null;
  }

  @Override
  public synchronized FileStatus restore(String path, long version) throws GranaryException {
    checkWritable(path);
    if (statusOf(path).directory()) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.IS_A_DIRECTORY,
          path + ": is a directory", null);
    }
    byte[] data = retention.read(path, version);
    entries.put(path, data);
    retention.written(path, data, now);
    return statusOf(path);
  }

  @Override
  public synchronized SnapshotInfo createSnapshot(String dir, String name)
      throws GranaryException {
    checkWritable(dir);
    directory(dir);
    if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
      throw new InvalidArgumentException("invalid snapshot name '" + name + "'");
    }
    Map<String, byte[]> relative = new TreeMap<>();
    tree(dir).forEach((p, d) -> relative.put(dir.equals("/") ? (p.equals("/") ? "" : p)
        : p.substring(dir.length()), d));
    return retention.createSnapshot(dir, name, relative, now);
  }

  @Override
  public synchronized SnapshotInfo deleteSnapshot(String dir, String name)
      throws GranaryException {
    directory(dir);
    return retention.deleteSnapshot(dir, name);
  }

  @Override
  public synchronized List<SnapshotInfo> snapshots(String dir) throws GranaryException {
    directory(dir);
    return retention.snapshots(dir);
  }

  @Override
  public synchronized List<TrashEntry> trash() {
    return retention.trashed(now).stream().map(InMemoryRetention.Trashed::entry).toList();
  }

  @Override
  public synchronized TrashEntry restoreFromTrash(String path) throws GranaryException {
    if (entries.containsKey(path)) {
      throw new AlreadyExistsException(path + ": exists; move it away to restore from the trash");
    }
    InMemoryRetention.Trashed t = retention.takeFromTrash(path, now);
    mkdirs(parent(path), true);
    entries.putAll(t.tree());
    t.tree().forEach((p, d) -> {
      if (d != null) {
        retention.written(p, d, now);
      }
    });
    return t.entry();
  }

  @Override
  public synchronized List<TrashEntry> emptyTrash() {
    return retention.emptyTrash(now).stream().map(InMemoryRetention.Trashed::entry).toList();
  }

  // ---------------------------------------------------------------- not in memory

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
