package dev.granary.client;

import dev.granary.client.internal.DefaultGranaryClient;
import dev.granary.config.ClientConfig;
import dev.granary.config.Credentials;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The entry point an application holds for its lifetime: files as streams and channels, transfers
 * between local paths and Granary, and the namespace and cluster operations.
 *
 * <p>{@link #open(ClientConfig)} gives the library's implementation. Thread-safe: one client is
 * meant to be shared by all of an application's threads. It connects lazily: nothing is dialled
 * until the first operation. One multiplexed connection per server (the master and each
 * chunkserver) is shared by all threads and re-dialled after a failure. Transient failures (a
 * server down or restarting, a chunkserver dying mid-transfer, locations not yet reported) are
 * retried with exponential backoff (50 ms doubling to 1 s, with jitter) within the configured
 * timeout, after which {@link UnavailableException} is thrown. One exception to waiting the whole
 * timeout: if this client has never reached the master, it gives up after its dial attempts have
 * failed for about 3 seconds, so a mistyped address or a master that is down is reported promptly.
 * Retries of a mutation reuse its operation id, so the master answers a retry as it answered the
 * original.
 *
 * <p>Remote paths are absolute and {@code /}-separated. Every failure is a typed
 * {@link GranaryException} ({@link NotFoundException}, {@link AlreadyExistsException},
 * {@link DeniedException}, ...); streams and channels wrap it in a {@link GranaryIOException}, a
 * {@link DirectoryListing} in an {@link UncheckedGranaryException}.
 *
 * <p>An interface so that code using Granary can be tested against a fake: {@link #list} and
 * {@link #listing} are built on {@link #listPage}, so a fake needs only that to list.
 */
public interface GranaryClient extends AutoCloseable {
  /** The version number that means a file's current contents ({@link #open(String, long)}). */
  long CURRENT = 0;

  /**
   * A client for {@code config}'s master; connects on first use. With a credentials file in
   * {@code config} (a cluster with {@code security: tls}), every connection is TLS trusting only
   * the file's {@code caCert}, and every connection to the master authenticates with its user
   * and token first; a refusal is a {@link DeniedException} carrying the one line of the refusal.
   *
   * @throws dev.granary.config.ConfigException naming the credentials file if it is missing or
   *     malformed
   */
  static GranaryClient open(ClientConfig config) {
    return DefaultGranaryClient.open(config, config.readCredentials());
  }

  /**
   * A client for {@code config}'s master that authenticates with {@code credentials} as given
   * ({@code config}'s credentials file is not read). A credentials' user may be empty: the master
   * then authenticates the connection as whoever the token belongs to, for a caller that holds
   * only a token (a REST request's {@code Bearer} token). Null credentials: none (a cluster with
   * {@code security: none}).
   *
   * @throws dev.granary.config.ConfigException if the credentials' {@code caCert} is not one PEM
   *     certificate
   */
  static GranaryClient open(ClientConfig config, Credentials credentials) {
    return DefaultGranaryClient.open(config, credentials);
  }

  /** The credentials this client authenticates with, or null (a cluster without security). */
  Credentials credentials();

  /**
   * Authenticates again and says who this client acts for: a round trip to the master, for a
   * caller that must tell "these credentials are no longer valid" from "this user may not".
   *
   * @throws DeniedException if the credentials are not (or no longer) valid
   */
  Identity whoAmI() throws GranaryException;

  /** The random id this client sends with its mutations. */
  String clientId();

  // ---------------------------------------------------------------- writing

  /**
   * Creates a file; its bytes become visible atomically when the stream is closed (closing
   * commits). Missing parent directories are created. An existing file (without overwrite) or a
   * directory at {@code path} fails the stream's {@code close()} — or, for a file of more than one
   * chunk, the write that fills its first chunk — with a {@link GranaryIOException} whose cause is
   * an {@link AlreadyExistsException} or {@link InvalidArgumentException}: the commit decides,
   * atomically, so a small file costs no extra round trip.
   *
   * @throws InvalidArgumentException the path is not absolute
   */
  GranaryOutputStream create(String path, WriteOptions options) throws GranaryException;

  /**
   * Uploads a local file, {@code parallelism} chunks at a time, and commits it. Missing parent
   * directories are created. A chunk retried on a fresh pipeline is re-read from the local file.
   *
   * @throws NotFoundException the local file does not exist
   * @throws AlreadyExistsException the remote path exists and overwrite is off
   */
  default FileStatus put(Path local, String remote, WriteOptions options,
      TransferListener listener) throws GranaryException {
    return upload(local, remote, options, listener).status();
  }

  /**
   * {@link #put}, telling what was sent. Before sending a local file that replaces a file (or
   * any file, when the cluster deduplicates), the client hashes its chunks and asks the master
   * which it already holds: those are named, not sent (a delta update: a 1 GiB file with one
   * changed chunk sends one chunk).
   *
   * @throws NotFoundException the local file does not exist
   * @throws AlreadyExistsException the remote path exists and overwrite is off
   */
  UploadResult upload(Path local, String remote, WriteOptions options, TransferListener listener)
      throws GranaryException;

  /**
   * The cluster's default replication and chunk size (the master's {@code replication} and
   * {@code chunkSize}) as write options without overwrite; asked of the master once per client.
   */
  WriteOptions clusterDefaults() throws GranaryException;

  // ---------------------------------------------------------------- reading

  /** Opens a file for sequential reading with read-ahead. */
  default InputStream open(String path) throws GranaryException {
    return open(path, CURRENT);
  }

  /**
   * Opens version {@code version} of a file ({@link #versions}; {@link #CURRENT} for its current
   * contents) for sequential reading with read-ahead.
   *
   * @throws NotFoundException if the file does not exist or does not keep that version
   */
  InputStream open(String path, long version) throws GranaryException;

  /** Opens a file for random reads (read-only). */
  default SeekableByteChannel openChannel(String path) throws GranaryException {
    return openChannel(path, CURRENT);
  }

  /**
   * Opens version {@code version} of a file ({@link #CURRENT} for its current contents) for
   * random reads (read-only).
   *
   * @throws NotFoundException if the file does not exist or does not keep that version
   */
  SeekableByteChannel openChannel(String path, long version) throws GranaryException;

  /**
   * Downloads a file into a temporary file beside {@code local}, renamed into place at the end, so
   * {@code local} never holds a partial file.
   *
   * @throws AlreadyExistsException {@code local} exists and {@code overwrite} is false
   * @throws NotFoundException the remote file or the local directory does not exist
   */
  default FileStatus get(String remote, Path local, boolean overwrite, TransferListener listener)
      throws GranaryException {
    return get(remote, CURRENT, local, overwrite, listener);
  }

  /**
   * Downloads version {@code version} of a file ({@link #CURRENT} for its current contents) as
   * {@link #get(String, Path, boolean, TransferListener)} does.
   *
   * @return the file as it is now, but with the size and time of the version downloaded
   * @throws NotFoundException if the file does not exist or does not keep that version
   */
  FileStatus get(String remote, long version, Path local, boolean overwrite,
      TransferListener listener) throws GranaryException;

  // ---------------------------------------------------------------- namespace

  /**
   * Lists a directory in name order (all pages); listing a file gives that file. Built on
   * {@link #listPage}: a directory that changes meanwhile is listed as {@link #listing} says.
   */
  default List<FileStatus> list(String dir) throws GranaryException {
    List<FileStatus> out = new ArrayList<>();
    String after = "";
    while (true) {
      DirectoryPage page = listPage(dir, after, DirectoryPage.MAX_ENTRIES);
      out.addAll(page.entries());
      if (!page.more()) {
        return out;
      }
      after = DirectoryListing.continuation(dir, page);
    }
  }

  /**
   * One page of a directory in name order (by the bytes of the UTF-8 names): the entries after
   * {@code startAfter} (exclusive; {@code ""} or null: from the start), at most {@code limit} of
   * them, and never more than {@link DirectoryPage#MAX_ENTRIES} whatever {@code limit} asks.
   * Listing a file gives that file. Pass {@link DirectoryPage#nextStartAfter()} to get the next
   * page: {@code startAfter} need not exist any more, so entries added or removed between pages
   * neither repeat nor hide the entries that stay.
   *
   * @throws NotFoundException if {@code dir} does not exist
   * @throws InvalidArgumentException if {@code limit} is below 1 or {@code startAfter} is longer
   *     than a name can be
   */
  DirectoryPage listPage(String dir, String startAfter, int limit) throws GranaryException;

  /**
   * The entries of a directory in name order, fetched a page ({@link DirectoryPage#MAX_ENTRIES})
   * at a time as the iterator reaches them, so a huge directory costs one page of memory. Nothing
   * is fetched until the first {@code hasNext()}; a failed fetch throws
   * {@link UncheckedGranaryException} from {@code hasNext()} or {@code next()}. Each page continues
   * after the last name seen: an entry present throughout the iteration is returned exactly once,
   * in order; entries added or removed meanwhile may or may not appear. Not thread-safe.
   */
  default DirectoryListing listing(String dir) {
    return new DirectoryListing(this, dir, DirectoryPage.MAX_ENTRIES);
  }

  /** The entry at {@code path}. */
  FileStatus stat(String path) throws GranaryException;

  /** The entry at {@code path} with every chunk and its replicas (fresh from the master). */
  FileInfo statWithChunks(String path) throws GranaryException;

  /**
   * Creates a directory. Without {@code parents} a missing parent is {@link NotFoundException} and
   * an existing path {@link AlreadyExistsException}; with it, parents are created and an existing
   * directory is fine.
   */
  FileStatus mkdirs(String path, boolean parents) throws GranaryException;

  /**
   * Deletes a file, an empty directory or (recursive) a tree.
   *
   * @throws InvalidArgumentException a non-empty directory without {@code recursive}
   *     ({@link InvalidArgumentException.Kind#NOT_EMPTY})
   */
  default DeleteResult delete(String path, boolean recursive) throws GranaryException {
    return delete(path, recursive, false);
  }

  /**
   * Deletes a file (with every version it keeps), an empty directory or (recursive) a tree. Under
   * a directory policy with a trash duration, what is deleted moves into the caller's trash for
   * that long ({@link DeleteResult#trashed()}), unless {@code skipTrash}.
   *
   * @throws InvalidArgumentException a non-empty directory without {@code recursive}
   *     ({@link InvalidArgumentException.Kind#NOT_EMPTY})
   * @throws DeniedException for a path inside a snapshot ({@code .snapshot})
   */
  DeleteResult delete(String path, boolean recursive, boolean skipTrash)
      throws GranaryException;

  /** Moves {@code source} to {@code destination} (into it, if it is a directory), atomically. */
  FileStatus rename(String source, String destination) throws GranaryException;

  // ---------------------------------------------------------------- versions, snapshots, trash

  /**
   * The effective policy of directory {@code dir}: what new files and deletes under it take.
   *
   * @throws NotFoundException if {@code dir} does not exist
   * @throws InvalidArgumentException if {@code dir} is a file
   *     ({@link InvalidArgumentException.Kind#NOT_A_DIRECTORY})
   */
  default DirectoryPolicy policy(String dir) throws GranaryException {
    return setPolicy(dir, PolicyChange.none());
  }

  /**
   * Makes the settings of {@code change} on directory {@code dir}, all or none (for the
   * directory's owner or the superuser), and returns the effective policy after it. Files that
   * exist keep their replication; new files, replacements and deletes under {@code dir} follow
   * the new policy.
   *
   * @throws NotFoundException if {@code dir} does not exist
   * @throws DeniedException if the caller may not change the directory
   */
  DirectoryPolicy setPolicy(String dir, PolicyChange change) throws GranaryException;

  /**
   * The versions of file {@code path}, newest first: its current contents first, then the
   * replaced versions its directory's policy keeps.
   *
   * @throws NotFoundException if {@code path} does not exist
   * @throws InvalidArgumentException if {@code path} is a directory
   */
  List<FileVersion> versions(String path) throws GranaryException;

  /**
   * Makes kept version {@code version} of file {@code path} its current contents again; the
   * contents it replaces are kept as a version, as any replacement's are.
   *
   * @return the file after the restore
   * @throws NotFoundException if the file does not exist or does not keep that version
   */
  FileStatus restore(String path, long version) throws GranaryException;

  /**
   * Key rotation: wraps the data key of every encrypted file at {@code path} (with
   * {@code recursive}, every file under it), and of each version it keeps, with {@code newKey}
   * instead of {@code oldKey}. No data is read or rewritten: only the wrapped keys on the master
   * change, each in one journaled step. Afterwards the files read with {@code newKey} alone.
   * Files already wrapped with {@code newKey} are counted and left alone, so a rotation that was
   * interrupted is finished by running it again. Snapshots keep the wrapping they were taken with.
   *
   * @throws DeniedException a file is wrapped with neither key, or the caller may not write it
   * @throws InvalidArgumentException {@code path} is a directory and {@code recursive} is false
   */
  KeyRotation rotateKey(String path, boolean recursive, EncryptionKey oldKey,
      EncryptionKey newKey) throws GranaryException;

  /**
   * The key this client encrypts new files with and decrypts with ({@code client.keyFile}), or
   * null if it has none.
   */
  EncryptionKey encryptionKey();

  /**
   * Snapshots directory {@code dir} as {@code name}: a read-only view of it as it is now, read at
   * {@code dir/.snapshot/name} (get, open, list and stat work; writes are denied). Costs metadata
   * only; later changes under {@code dir} do not change what the snapshot shows.
   *
   * @throws AlreadyExistsException if {@code dir} has a snapshot of that name
   * @throws DeniedException if the caller does not own {@code dir} (nor is the superuser)
   */
  SnapshotInfo createSnapshot(String dir, String name) throws GranaryException;

  /**
   * Deletes snapshot {@code name} of {@code dir}; the chunks only it held are freed.
   *
   * @return the snapshot deleted
   * @throws NotFoundException if {@code dir} has no snapshot of that name
   */
  SnapshotInfo deleteSnapshot(String dir, String name) throws GranaryException;

  /** The snapshots of directory {@code dir}, oldest first. */
  List<SnapshotInfo> snapshots(String dir) throws GranaryException;

  /** What the caller's trash holds, soonest to expire first. */
  List<TrashEntry> trash() throws GranaryException;

  /**
   * Puts what was deleted from {@code path} (of several, the latest) back at {@code path}.
   *
   * @return the entry restored (it has left the trash)
   * @throws NotFoundException if the caller's trash holds nothing deleted from {@code path}
   * @throws AlreadyExistsException if something is at {@code path} now
   */
  TrashEntry restoreFromTrash(String path) throws GranaryException;

  /**
   * Empties the caller's trash: everything in it is freed now.
   *
   * @return the entries that were in it
   */
  List<TrashEntry> emptyTrash() throws GranaryException;

  // ---------------------------------------------------------------- permissions

  /**
   * Sets the permission bits of {@code path} ({@code 0..0777}), with {@code recursive} of
   * everything under it too, all or nothing: for the owner of each entry or the superuser.
   *
   * @return how many entries were changed
   * @throws DeniedException naming the entry the caller does not own
   * @throws InvalidArgumentException if {@code mode} is outside 0..0777
   */
  long setPermission(String path, int mode, boolean recursive) throws GranaryException;

  /**
   * Sets the owner and/or group of {@code path} ({@code ""} or null leaves one unchanged), with
   * {@code recursive} of everything under it too, all or nothing: for the superuser only.
   *
   * @return how many entries were changed
   * @throws DeniedException unless the caller is the superuser
   */
  long setOwner(String path, String owner, String group, boolean recursive)
      throws GranaryException;

  // ---------------------------------------------------------------- cluster

  /** The cluster as the master sees it. */
  ClusterStatus clusterStatus() throws GranaryException;

  /**
   * Adds user {@code name} (superuser only) and returns its new credentials: the master keeps
   * only a hash of the token, so this is the one chance to store them.
   *
   * @param group the user's group, or {@code ""} for a group named as the user
   * @throws DeniedException if this client is not a superuser
   * @throws AlreadyExistsException if {@code name} is an active user
   * @throws InvalidArgumentException for a name or group outside the rules, or a master without
   *     security
   */
  Credentials addUser(String name, String group, boolean superuser) throws GranaryException;

  /**
   * Revokes user {@code name} (superuser only): its token fails from then on, on connections
   * already open too.
   *
   * @throws DeniedException if this client is not a superuser
   * @throws NotFoundException if {@code name} is not an active user
   * @throws InvalidArgumentException for the superuser {@code admin}
   */
  void revokeUser(String name) throws GranaryException;

  /**
   * Releases (carries out) or discards (keeps the replicas of) the replica deletions the master
   * holds because a report would have made most of a chunkserver's replicas garbage at once.
   *
   * @param node a chunkserver id or host:port, or {@code ""} for every node
   * @return how many held deletions were acted on
   * @throws NotFoundException if no chunkserver is called {@code node}
   */
  long actOnHeldDeletions(boolean release, String node) throws GranaryException;

  /**
   * Takes chunkserver {@code node} out of service (superuser only): it gets no new chunks, and
   * every replica it holds is copied until its chunk has its goal on other nodes; it keeps serving
   * reads meanwhile. Its state is DECOMMISSIONING, then DECOMMISSIONED once it can be switched off
   * ({@link #clusterStatus} shows the progress). The master keeps the request across restarts.
   * Decommissioning a node that already is changes nothing.
   *
   * @param node a chunkserver id or host:port
   * @throws DeniedException if this client is not a superuser
   * @throws NotFoundException if no chunkserver is called {@code node}
   */
  DecommissionResult decommission(String node) throws GranaryException;

  /**
   * Puts chunkserver {@code node} back in service (superuser only), undoing {@link
   * #decommission}: it is LIVE again and chunks above their goal are trimmed as usual. A node in
   * service is left as it is.
   *
   * @param node a chunkserver id or host:port
   * @throws DeniedException if this client is not a superuser
   * @throws NotFoundException if no chunkserver is called {@code node}
   */
  DecommissionResult recommission(String node) throws GranaryException;

  /**
   * How even the chunkservers' disk usage is; with {@code start}, a balancing pass begins now
   * (superuser only), with {@code thresholdPct} percentage points until every node is within it
   * (0: the master's configured threshold).
   *
   * @throws DeniedException if {@code start} and the caller is not a superuser
   * @throws IllegalArgumentException if {@code thresholdPct} is outside 0..100
   */
  BalanceStatus balance(int thresholdPct, boolean start) throws GranaryException;

  /**
   * Replaces the cluster's join token (superuser only) and returns the new one; the old token
   * fails from now on. Nodes that have joined keep their certificates.
   *
   * @throws DeniedException if the caller is not a superuser
   */
  String rotateJoinToken() throws GranaryException;

  /** Health of the chunks of the files under {@code path}. */
  FsckReport fsck(String path) throws GranaryException;

  /** Counters of the block and location caches since this client was opened. */
  CacheStats cacheStats();

  /** Closes every connection and stops the client's threads; in-flight operations fail. */
  @Override
  void close();
}
