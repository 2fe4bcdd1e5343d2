package dev.granary.hadoop;

import dev.granary.client.FileInfo;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.Identity;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NodeStatus;
import dev.granary.client.NotFoundException;
import dev.granary.client.WriteOptions;
import dev.granary.config.ClientConfig;
import dev.granary.config.ConfigException;
import dev.granary.config.Credentials;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.FsStatus;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIsNotEmptyDirectoryException;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsCreateModes;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.util.DataChecksum;
import org.apache.hadoop.util.Progressable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Granary as a Hadoop {@link FileSystem}: {@code granary://HOST:PORT/path}, where HOST:PORT is the
 * master. Spark, Flink, MapReduce, Hive and {@code hadoop fs} reach Granary through it.
 *
 * <p>Configuration (see {@link ConnectorConfig}): {@code fs.granary.credentials} names the
 * credentials file (as the CLI's {@code --credentials}), every other client key is {@code
 * fs.granary.<flag>}. One {@link GranaryClient} serves this instance (Hadoop caches instances per
 * scheme, authority and user) and is closed by {@link #close()}.
 *
 * <p>Semantics, as declared in the contract file {@code contract/granary.xml}: a file is visible
 * only once its output stream is closed, and then atomically; files cannot be appended to, and
 * have no access times to set ({@link #append} and {@link #setTimes} throw {@link
 * UnsupportedOperationException}); rename is atomic and returns false for the cases Hadoop's
 * specification allows (source missing, destination an existing file, destination's parent
 * missing); the owner, group and permission bits are Granary's own. Failures are Hadoop's
 * exceptions ({@link FileNotFoundException}, {@link FileAlreadyExistsException}, {@link
 * org.apache.hadoop.security.AccessControlException}, {@link ParentNotDirectoryException}, {@link
 * PathIsNotEmptyDirectoryException}, ...), mapped in {@link Errors}.
 */
public class GranaryFileSystem extends FileSystem {
  /** The URI scheme this file system serves. */
  public static final String SCHEME = "granary";
  private static final Logger LOG = LoggerFactory.getLogger(GranaryFileSystem.class);
  /** What the master gives a new file and directory; anything else is set after creating. */
  private static final int FILE_DEFAULT_PERMISSION = 0644;
  private static final int DIRECTORY_DEFAULT_PERMISSION = 0755;
  /** Granary's chunk sizes are multiples of its 64 KiB checksum block. */
  private static final int BLOCK = 64 * 1024;

  private URI uri;
  private GranaryClient client;
  private String user;
  private Path workingDir;
  /** The encryption key file ({@code fs.granary.key-file}), or null. */
  private java.nio.file.Path keyFile;
  /** Who the credentials are, once asked ({@link #access}). */
  private volatile Identity identity;

  /** Hadoop creates file systems reflectively, then calls {@link #initialize}. */
  public GranaryFileSystem() {
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  /**
   * Connects (lazily: nothing is dialled until the first operation) to the master named by
   * {@code name}'s authority.
   *
   * @throws IOException naming the bad key if the configuration is invalid (a missing or malformed
   *     credentials file included)
   */
  @Override
  public void initialize(URI name, Configuration conf) throws IOException {
    super.initialize(name, conf);
    setConf(conf);
    ClientConfig config;
    try {
      config = ConnectorConfig.client(name, conf, System.getenv());
      this.client = GranaryClient.open(config);
    } catch (ConfigException e) {
      throw new IOException(name + ": " + e.getMessage(), e);
    }
    this.uri = URI.create(SCHEME + "://" + config.master());
    this.keyFile = config.keyFile();
    Credentials credentials = client.credentials();
    this.user = credentials != null && !credentials.user().isEmpty() ? credentials.user()
        : UserGroupInformation.getCurrentUser().getShortUserName();
    this.workingDir = getHomeDirectory();
    LOG.debug("{}: {} as {}", uri, config, user);
  }

  @Override
  public URI getUri() {
    return uri;
  }

  /** The master's default port, so {@code granary://HOST/path} is {@code granary://HOST:7070/path}. */
  @Override
  protected int getDefaultPort() {
    return ConnectorConfig.defaultPort();
  }

  /**
   * Null: Granary has no delegation tokens (each task authenticates with the credentials file its
   * configuration names), so there is no service to obtain tokens for.
   */
  @Override
  public String getCanonicalServiceName() {
    return null;
  }

  /** {@code /user/NAME}, NAME being the credentials' user (else the Hadoop user). */
  @Override
  public Path getHomeDirectory() {
    return makeQualified(new Path("/user/" + user));
  }

  @Override
  public Path getWorkingDirectory() {
    return workingDir;
  }

  @Override
  public void setWorkingDirectory(Path dir) {
    workingDir = makeQualified(dir);
  }

  /**
   * The client-side encryption key file named by {@code fs.granary.key-file} (or {@code
   * GRANARY_KEY_FILE}), or null: the client decrypts encrypted files with its key and encrypts the
   * files it creates under a directory whose policy says encrypt.
   */
  public java.nio.file.Path keyFile() {
    return keyFile;
  }

  // ---------------------------------------------------------------- reading

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    String p = remote(f);
    try {
      return new FSDataInputStream(new GranaryFsInputStream(client, p, statistics));
    } catch (InvalidArgumentException e) {
      if (e.kind() == InvalidArgumentException.Kind.IS_A_DIRECTORY) {
        // Hadoop's specification: opening a directory is a FileNotFoundException.
        FileNotFoundException out = new FileNotFoundException(p + ": is a directory");
        out.initCause(e);
        throw out;
      }
      throw Errors.translateLookup(e, p);
    } catch (GranaryException e) {
      throw Errors.translateLookup(e, p);
    }
  }

  // ---------------------------------------------------------------- writing

  /**
   * Creates a file whose bytes become visible when the stream is closed. Missing parents are
   * created. {@code blockSize} becomes the file's chunk size, rounded up to a multiple of 64 KiB
   * (0 or less: the cluster's); {@code replication} 0 or less, or the cluster's default (what
   * Hadoop passes when the caller chose none), is left to the master: the nearest directory
   * policy's replication, else the cluster's. A permission other
   * than 0644 is set after the commit. {@code bufferSize} is not needed: the stream gathers whole
   * chunks.
   *
   * @throws FileAlreadyExistsException if {@code f} is a directory, or a file and {@code
   *     overwrite} is false
   * @throws ParentNotDirectoryException if an ancestor of {@code f} is a file
   */
  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite,
      int bufferSize, short replication, long blockSize, Progressable progress)
      throws IOException {
    String p = remote(f);
    dev.granary.client.FileStatus existing;
    try {
      existing = client.stat(p);
    } catch (NotFoundException e) {
      existing = null;
    } catch (GranaryException e) {
      // An ancestor that is a file fails here, before any byte is written.
      throw Errors.translate(e, p);
    }
    if (existing != null && existing.directory()) {
      throw new FileAlreadyExistsException(p + ": is a directory");
    }
    if (existing != null && !overwrite) {
      throw new FileAlreadyExistsException(p + ": file exists (overwrite is false)");
    }
    WriteOptions options;
    try {
      WriteOptions d = clusterDefaultsOrNull();
      int r = d != null && replication == d.replication() ? 0 : Math.max(0, (int) replication);
      options = new WriteOptions(r, overwrite, chunkSize(blockSize));
    } catch (IllegalArgumentException e) {
      throw new IOException(p + ": " + e.getMessage(), e);
    }
    try {
      return new FSDataOutputStream(new GranaryFsOutputStream(client.create(p, options), p,
          progress, () -> applyPermission(p, masked(permission), FILE_DEFAULT_PERMISSION)),
          statistics);
    } catch (GranaryException e) {
      throw Errors.translate(e, p);
    }
  }

  /**
   * As {@link #create}, but the parent directory must exist.
   *
   * @throws FileNotFoundException if the parent does not exist
   * @throws ParentNotDirectoryException if the parent is a file
   */
  @Override
  public FSDataOutputStream createNonRecursive(Path f, FsPermission permission,
      EnumSet<CreateFlag> flags, int bufferSize, short replication, long blockSize,
      Progressable progress) throws IOException {
    Path parent = makeQualified(f).getParent();
    if (parent != null) {
      String pp = remote(parent);
      dev.granary.client.FileStatus st = statOrNull(pp);
      if (st == null) {
        throw new FileNotFoundException(pp + ": parent directory of " + remote(f)
            + " does not exist");
      }
      if (!st.directory()) {
        throw new ParentNotDirectoryException(pp + ": parent of " + remote(f)
            + " is a file");
      }
    }
    return create(f, permission, flags.contains(CreateFlag.OVERWRITE), bufferSize, replication,
        blockSize, progress);
  }

  /** Granary files cannot grow once closed. */
  @Override
  public FSDataOutputStream append(Path f, int bufferSize, Progressable progress) {
    throw new UnsupportedOperationException(uri + ": append is not supported: a Granary file is "
        + "immutable once closed (write a new file, or create with overwrite)");
  }

  /** A Hadoop block size as a Granary chunk size: 0 for the cluster's, else whole 64 KiB blocks. */
  private static long chunkSize(long blockSize) {
    if (blockSize <= 0) {
      return WriteOptions.CLUSTER_DEFAULT_CHUNK_SIZE;
    }
    return (blockSize + BLOCK - 1) / BLOCK * BLOCK;
  }

  // ---------------------------------------------------------------- namespace

  /**
   * Hadoop's rename: moves {@code src} to {@code dst}, or into {@code dst} when it is a directory,
   * atomically. Returns false, changing nothing, when the source is missing or is the root, the
   * destination is an existing file (or, inside a destination directory, the entry of the
   * source's name exists), the destination's parent is missing or a file, or the destination is
   * under the source. Renaming a path onto itself returns true.
   */
  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    String s = remote(src);
    String d = remote(dst);
    if (s.equals("/")) {
      return false;
    }
    dev.granary.client.FileStatus from = statOrNull(s);
    if (from == null) {
      return false;
    }
    if (s.equals(d)) {
      return true;
    }
    if (d.startsWith(s + "/")) {
      return false;
    }
    String target = d;
    dev.granary.client.FileStatus to = statOrNull(d);
    if (to != null) {
      if (!to.directory()) {
        return false;
      }
      target = (d.equals("/") ? "" : d) + "/" + from.name();
      if (target.equals(s)) {
        return true;
      }
      if (statOrNull(target) != null) {
        return false;
      }
    } else {
      dev.granary.client.FileStatus parent = statOrNull(parentOf(d));
      if (parent == null || !parent.directory()) {
        return false;
      }
    }
    try {
      client.rename(s, target);
      return true;
    } catch (NotFoundException | dev.granary.client.AlreadyExistsException e) {
      // Something changed between the checks and the rename: nothing was moved.
      LOG.debug("rename {} to {}: {}", s, target, e.getMessage());
      return false;
    } catch (GranaryException e) {
      throw Errors.translate(e, s);
    }
  }

  /**
   * Deletes a file, an empty directory or (recursive) a tree; false if nothing is at {@code f}.
   * The root is never deleted: deleting it returns false (recursive or empty), or, when it has
   * entries and {@code recursive} is false, throws.
   *
   * @throws PathIsNotEmptyDirectoryException for a non-empty directory without {@code recursive}
   */
  @Override
  public boolean delete(Path f, boolean recursive) throws IOException {
    String p = remote(f);
    try {
      if (p.equals("/")) {
        if (!recursive && listing(p).hasNext()) {
          throw new PathIsNotEmptyDirectoryException(p);
        }
        return false;
      }
      client.delete(p, recursive);
      return true;
    } catch (NotFoundException e) {
      return false;
    } catch (GranaryException e) {
      if (Errors.isUnderFile(e)) {
        return false;
      }
      throw Errors.translate(e, p);
    }
  }

  /**
   * Creates {@code f} and any missing parents; an existing directory is fine. A new directory
   * gets {@code permission} (Granary's default is 0755).
   *
   * @throws FileAlreadyExistsException if {@code f} is a file
   * @throws ParentNotDirectoryException if an ancestor of {@code f} is a file
   */
  @Override
  public boolean mkdirs(Path f, FsPermission permission) throws IOException {
    String p = remote(f);
    FsPermission mode = masked(permission);
    boolean other = mode != null && bits(mode) != DIRECTORY_DEFAULT_PERMISSION;
    if (!other) {
      // One request: the master's mkdir -p answers for an existing directory too, and refuses
      // a file at f (ALREADY_EXISTS) or above it (not a directory) as Hadoop wants.
      try {
        client.mkdirs(p, true);
        return true;
      } catch (dev.granary.client.AlreadyExistsException e) {
        FileAlreadyExistsException out = new FileAlreadyExistsException(p + ": is a file");
        out.initCause(e);
        throw out;
      } catch (GranaryException e) {
        throw Errors.translate(e, p);
      }
    }
    // A mode to apply: only to a directory this call creates, so ask first.
    dev.granary.client.FileStatus existing = statOrNull(p);
    if (existing != null) {
      if (!existing.directory()) {
        throw new FileAlreadyExistsException(p + ": is a file");
      }
      return true;
    }
    try {
      client.mkdirs(p, true);
    } catch (GranaryException e) {
      throw Errors.translate(e, p);
    }
    if (other) {
      applyPermission(p, mode, DIRECTORY_DEFAULT_PERMISSION);
    }
    return true;
  }

  @Override
  public FileStatus getFileStatus(Path f) throws IOException {
    String p = remote(f);
    try {
      return toHadoop(client.stat(p));
    } catch (GranaryException e) {
      throw Errors.translateLookup(e, p);
    }
  }

  /** The entries of a directory in name order; of a file, that file. */
  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    String p = remote(f);
    List<FileStatus> out = new ArrayList<>();
    try {
      PagedEntries it = listing(p);
      while (it.hasNext()) {
        out.add(toHadoop(it.next()));
      }
    } catch (GranaryException e) {
      throw Errors.translateLookup(e, p);
    }
    return out.toArray(new FileStatus[0]);
  }

  /**
   * The entries of a directory in name order, as {@link #listStatus}; large directories arrive
   * page by page.
   *
   * @throws FileNotFoundException if nothing is at {@code f}
   */
  @Override
  public RemoteIterator<FileStatus> listStatusIterator(Path f) throws IOException {
    String p = remote(f);
    PagedEntries it;
    try {
      it = listing(p);
    } catch (GranaryException e) {
      throw Errors.translateLookup(e, p);
    }
    return new RemoteIterator<>() {
      @Override
      public boolean hasNext() throws IOException {
        try {
          return it.hasNext();
        } catch (GranaryException e) {
          throw Errors.translateLookup(e, p);
        }
      }

      @Override
      public FileStatus next() throws IOException {
        if (!hasNext()) {
          throw new NoSuchElementException(p + ": no more entries");
        }
        try {
          return toHadoop(it.next());
        } catch (GranaryException e) {
          throw Errors.translateLookup(e, p);
        }
      }
    };
  }

  /** The one place that lists: see {@link PagedEntries}. */
  private PagedEntries listing(String dir) throws GranaryException {
    return PagedEntries.open(client, dir);
  }

  /**
   * Sizes under {@code f}: files, directories (itself included), bytes, and the space the
   * replicas take (bytes times each file's replication).
   */
  @Override
  public ContentSummary getContentSummary(Path f) throws IOException {
    String p = remote(f);
    try {
      return PagedEntries.summary(client, p);
    } catch (GranaryException e) {
      throw Errors.translateLookup(e, p);
    }
  }

  // ---------------------------------------------------------------- permissions

  /** Sets the nine permission bits (Granary has no setuid, setgid or sticky bit). */
  @Override
  public void setPermission(Path f, FsPermission permission) throws IOException {
    String p = remote(f);
    try {
      client.setPermission(p, bits(permission), false);
    } catch (GranaryException e) {
      throw Errors.translate(e, p);
    }
  }

  /** Sets the owner and/or group (null leaves one as it is): for the superuser only. */
  @Override
  public void setOwner(Path f, String username, String groupname) throws IOException {
    String p = remote(f);
    try {
      client.setOwner(p, username, groupname, false);
    } catch (GranaryException e) {
      throw Errors.translate(e, p);
    }
  }

  /**
   * Whether this file system's user may {@code mode} the entry at {@code path}, by Granary's rule:
   * the owner's bits for the owner, else the group's for a member of the entry's group, else the
   * others' bits; the superuser may do anything. (Hadoop's default would judge the Hadoop user,
   * who need not be the user of the credentials.) The directories on the way are checked by the
   * master, on this lookup and again on the real operation.
   *
   * @throws AccessControlException if the bits do not allow {@code mode}
   * @throws FileNotFoundException if nothing is at {@code path}
   */
  @Override
  public void access(Path path, FsAction mode) throws IOException {
    FileStatus st = getFileStatus(path);
    Identity me = identity();
    if (me.superuser()) {
      return;
    }
    FsPermission perm = st.getPermission();
    FsAction granted = me.user().equals(st.getOwner()) ? perm.getUserAction()
        : me.group().equals(st.getGroup()) ? perm.getGroupAction() : perm.getOtherAction();
    if (!granted.implies(mode)) {
      throw new AccessControlException("Permission denied: user=" + me.user() + ", access="
          + mode + ", path=" + remote(path) + " (owner " + st.getOwner() + ", group "
          + st.getGroup() + ", mode " + perm + ")");
    }
  }

  /** Who the credentials authenticate as, asked of the master once. */
  private Identity identity() throws IOException {
    Identity me = identity;
    if (me == null) {
      try {
        me = client.whoAmI();
      } catch (GranaryException e) {
        throw Errors.translate(e, "/");
      }
      identity = me;
    }
    return me;
  }

  /**
   * False, changing nothing: a Granary file's replication goal is fixed when it is written (set it
   * with {@link #create}'s {@code replication}). Hadoop's default would answer true.
   */
  @Override
  public boolean setReplication(Path f, short replication) {
    LOG.debug("{}: setReplication({}, {}) refused: fixed when the file is written", uri, f,
        replication);
    return false;
  }

  /** Granary keeps a modification time it sets itself, and no access time. */
  @Override
  public void setTimes(Path f, long mtime, long atime) {
    throw new UnsupportedOperationException(uri + ": setTimes is not supported: Granary sets a "
        + "file's modification time when it is committed and keeps no access time");
  }

  /** Sets {@code permission} on a path just created, unless it is what Granary gave it. */
  private void applyPermission(String p, FsPermission permission, int defaultBits)
      throws IOException {
    if (permission == null || bits(permission) == defaultBits) {
      return;
    }
    try {
      client.setPermission(p, bits(permission), false);
    } catch (GranaryException e) {
      throw Errors.translate(e, p);
    }
  }

  /**
   * The mode a new file or directory gets, as HDFS gives it: {@code permission} less the umask
   * ({@code fs.permissions.umask-mode}, default 022), unless Hadoop already masked it
   * ({@link FsCreateModes}). Without this, {@code mkdirs(path)} (Hadoop passes 0777) and
   * {@code create(path, permission, ...)} with 0666 would make world-writable entries.
   */
  private FsPermission masked(FsPermission permission) {
    if (permission == null) {
      return null;
    }
    if (permission instanceof FsCreateModes modes) {
      return modes.getMasked();
    }
    return permission.applyUMask(FsPermission.getUMask(getConf()));
  }

  private static int bits(FsPermission permission) {
    return permission.toShort() & 0777;
  }

  // ---------------------------------------------------------------- locality and defaults

  /**
   * One location per chunk overlapping {@code [start, start + len)}: its offset, length and the
   * hosts of its live replicas, so schedulers can place tasks beside the data.
   */
  @Override
  public BlockLocation[] getFileBlockLocations(FileStatus file, long start, long len)
      throws IOException {
    if (file == null) {
      return null;
    }
    if (start < 0 || len < 0) {
      throw new IllegalArgumentException("Invalid start or len parameter: start " + start
          + ", len " + len);
    }
    if (file.isDirectory() || file.getLen() <= start) {
      return new BlockLocation[0];
    }
    String p = remote(file.getPath());
    FileInfo info;
    try {
      info = client.statWithChunks(p);
    } catch (GranaryException e) {
      throw Errors.translate(e, p);
    }
    return BlockLocations.of(info, start, len);
  }

  /**
   * The cluster's chunk size and replication; checksums are CRC32C per 64 KiB block; data
   * transfer is encrypted when the cluster runs TLS (this client has credentials).
   */
  @Override
  public FsServerDefaults getServerDefaults(Path p) throws IOException {
    WriteOptions d = clusterDefaults();
    return new FsServerDefaults(d.chunkSize(), BLOCK, BLOCK, (short) d.replication(),
        getConf().getInt("io.file.buffer.size", 4096), client.credentials() != null, 0L,
        DataChecksum.Type.CRC32C);
  }

  @Override
  @SuppressWarnings("deprecation")
  public FsServerDefaults getServerDefaults() throws IOException {
    return getServerDefaults(workingDir);
  }

  /** The cluster's chunk size (Hadoop's configured default if the master cannot be asked). */
  @Override
  public long getDefaultBlockSize(Path f) {
    WriteOptions d = clusterDefaultsOrNull();
    return d == null ? super.getDefaultBlockSize(f) : d.chunkSize();
  }

  @Override
  @SuppressWarnings("deprecation")
  public long getDefaultBlockSize() {
    return getDefaultBlockSize(workingDir);
  }

  /** The cluster's replication (Hadoop's configured default if the master cannot be asked). */
  @Override
  public short getDefaultReplication(Path f) {
    WriteOptions d = clusterDefaultsOrNull();
    return d == null ? super.getDefaultReplication(f) : (short) d.replication();
  }

  @Override
  @SuppressWarnings("deprecation")
  public short getDefaultReplication() {
    return getDefaultReplication(workingDir);
  }

  /** The cluster's defaults, or null (logged) for callers that cannot throw. */
  private WriteOptions clusterDefaultsOrNull() {
    try {
      return clusterDefaults();
    } catch (IOException e) {
      LOG.warn("{}: cluster defaults unavailable, using Hadoop's configured ones: {}", uri,
          e.getMessage());
      return null;
    }
  }

  private WriteOptions clusterDefaults() throws IOException {
    try {
      return client.clusterDefaults();
    } catch (GranaryException e) {
      throw Errors.translate(e, "/");
    }
  }

  /** Capacity, use and free space summed over the live chunkservers. */
  @Override
  public FsStatus getStatus(Path p) throws IOException {
    long capacity = 0;
    long used = 0;
    long free = 0;
    try {
      for (NodeStatus n : client.clusterStatus().nodes()) {
        if (n.state().equals("LIVE")) {
          capacity += n.capacityBytes();
          used += n.usedBytes();
          free += n.freeBytes();
        }
      }
    } catch (GranaryException e) {
      throw Errors.translate(e, "/");
    }
    return new FsStatus(capacity, used, free);
  }

  /**
   * True for permissions (Granary has owners, groups and mode bits) and for what Hadoop's base
   * class implements for every file system (bulk delete, one path per page); false for append,
   * concat, truncate, symlinks, extended attributes, ACLs, snapshots through Hadoop, checksums and
   * path handles, which this file system does not offer.
   */
  @Override
  public boolean hasPathCapability(Path path, String capability) throws IOException {
    return switch (capability.toLowerCase(Locale.ROOT)) {
      case CommonPathCapabilities.FS_PERMISSIONS -> {
        makeQualified(path);
        yield true;
      }
      default -> super.hasPathCapability(path, capability);
    };
  }

  // ---------------------------------------------------------------- lifecycle

  /** Runs Hadoop's close (delete-on-exit paths, the cache entry), then closes the client. */
  @Override
  public void close() throws IOException {
    try {
      super.close();
    } finally {
      if (client != null) {
        client.close();
      }
    }
  }

  @Override
  public String toString() {
    return "GranaryFileSystem[" + uri + ", user=" + user + "]";
  }

  // ---------------------------------------------------------------- helpers

  /**
   * The Granary path of {@code f}: qualified against the working directory (a path of another
   * file system is an {@link IllegalArgumentException}, as Hadoop's {@code checkPath} has it).
   */
  private String remote(Path f) {
    String p = makeQualified(f).toUri().getPath();
    return p.isEmpty() ? "/" : p;
  }

  private static String parentOf(String p) {
    int slash = p.lastIndexOf('/');
    return slash <= 0 ? "/" : p.substring(0, slash);
  }

  /** The entry at {@code p}, or null if there is none (nothing is below a file either). */
  private dev.granary.client.FileStatus statOrNull(String p) throws IOException {
    try {
      return client.stat(p);
    } catch (NotFoundException e) {
      return null;
    } catch (GranaryException e) {
      if (Errors.isUnderFile(e)) {
        return null;
      }
      throw Errors.translate(e, p);
    }
  }

  /** A Granary status as Hadoop's; a client-side encrypted file says so ({@code isEncrypted}). */
  private FileStatus toHadoop(dev.granary.client.FileStatus s) {
    return new FileStatus(s.size(), s.directory(), s.replication(),
        s.directory() ? 0 : s.chunkSize(), s.modifiedMillis(), 0,
        new FsPermission((short) Integer.parseInt(s.permission(), 8)), s.owner(), s.group(),
        null, new Path(uri.getScheme(), uri.getAuthority(), s.path()), false, s.encrypted(),
        false);
  }
}
