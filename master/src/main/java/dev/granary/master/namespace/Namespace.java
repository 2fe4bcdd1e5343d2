package dev.granary.master.namespace;

import dev.granary.master.security.Caller;
import dev.granary.master.security.Permissions;
import dev.granary.wire.Limits;
import dev.granary.wire.PathLimits;
import dev.granary.wire.Sha256;
import dev.granary.wire.Status;
import dev.granary.wire.msg.FileEncoding;
import dev.granary.wire.msg.FileEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * The directory tree and the chunk handles its files reference: the persistent half of the master's
 * metadata (GFS §2.6: namespace and file-to-chunk mapping; replica locations are soft state kept
 * elsewhere). Every mutation is validated completely before anything changes, so a refused operation
 * leaves no trace, and is deterministic given its arguments (time included): replaying the
 * operation log reproduces the same tree and the same answers.
 *
 * <p>Permissions: every entry has an owner, a group and nine POSIX permission bits, and every
 * operation takes the {@link Caller} it acts for and checks it as POSIX (and HDFS) do before
 * anything changes: execute on every directory a path passes through; read on a directory to list
 * it and on a file to read it; write and execute on the directory whose entries change. New entries
 * belong to the caller's user and group, directories {@code 755}, files {@code 644}. The superuser
 * passes every check; replaying the log acts as a superuser with the logged owner, since every
 * logged operation was checked when it ran.
 *
 * <p>Not thread-safe: the owner serializes mutations and excludes them from readers.
 */
public final class Namespace {
  /** Owner and group of the root, and of every entry written before entries had owners. */
  public static final String DEFAULT_OWNER = Caller.ADMIN;
  public static final String DEFAULT_GROUP = Caller.ADMIN_GROUP;
  public static final int DIRECTORY_PERMISSION = FileEntry.DEFAULT_DIRECTORY_PERMISSION;
  public static final int FILE_PERMISSION = FileEntry.DEFAULT_FILE_PERMISSION;
  private static final int WRITE_EXECUTE = Permissions.WRITE | Permissions.EXECUTE;
  private static final int ALL = Permissions.READ | WRITE_EXECUTE;
  /**
   * The master itself: walking the tree for its own purposes, restoring an image, replaying the
   * log (every logged operation passed its checks when it ran). A superuser, so nothing is checked.
   */
  public static final Caller SYSTEM = new Caller(DEFAULT_OWNER, DEFAULT_GROUP, true);

  /** One string instance per distinct owner or group name, shared by every entry. */
  private final Map<String, String> names = new HashMap<>();
  private DirNode root = new DirNode(new byte[0], 0, DEFAULT_OWNER, DEFAULT_GROUP,
      DIRECTORY_PERMISSION);
  private ChunkTable chunkTable = new ChunkTable();
  private Versions versions = new Versions(this);
  private TrashBin trash = new TrashBin();
  /** Chunks by (owner, length, SHA-256) when {@code master.dedup} is on, else null. */
  private DedupIndex dedupIndex;
  private long files;
  private long directories;

  /**
   * What a commit did: the new entry and the chunks that are no longer referenced, as pairs of
   * (handle, version).
   */
  public record CommitResult(FileEntry entry, long[] garbage) {}

  /**
   * What a delete did: counts, the chunks nothing holds any more as (handle, version) pairs, and
   * when the removed entry leaves the trash (0: it was removed outright).
   */
  public record DeleteResult(long files, long directories, long[] garbage, long trashExpires) {}

  /** The name under every directory that reaches its snapshots; reserved, read-only. */
  public static final String SNAPSHOT_DIR = ".snapshot";
  /** The most snapshots one directory may have. */
  public static final int MAX_SNAPSHOTS = Limits.MAX_SNAPSHOTS;

  /** One version of a file: its number, size and time, and the file. */
  public record VersionView(long number, long size, long modified) {}

  /** A snapshot: its name, the path that reads it and when it was taken. */
  public record SnapshotView(String name, String path, long created) {}

  /** An entry of a user's trash: where it was, what it is and when it was removed and expires. */
  public record TrashView(String path, boolean directory, long size, long files, long deleted,
      long expires) {}

  /** What a trash operation did: the entries and the chunks it freed. */
  public record TrashResult(List<TrashView> entries, long[] garbage) {}

  /** A resolved file and its normalized path. */
  public record ResolvedFile(String path, FileNode file, FileEntry entry) {}

  /** One page of a directory listing. */
  public record Listing(List<FileEntry> entries, boolean more) {}

  /**
   * Receives the tree in pre-order (parents before children, children in name order). A file's
   * owner, group and permission are on its {@link FileNode}.
   */
  public interface EntryVisitor {
    void directory(String path, long modified, String owner, String group, int permission);

    /** A directory with its own policy (null: none); by default the policy is ignored. */
    default void directory(String path, long modified, String owner, String group, int permission,
        Policy policy) {
      directory(path, modified, owner, group, permission);
    }

    void file(String path, FileNode file);
  }

  /** Modification time of the root directory (kept in checkpoints). */
  public long rootModified() {
    return root.modified;
  }

  public void setRootModified(long modified) {
    root.modified = modified;
  }

  /** The root's entry (its owner, group and permission are kept in checkpoints). */
  public FileEntry rootEntry() {
    return entry("/", root);
  }

  /** Sets the root's owner, group and permission (loading a checkpoint). */
  public void setRootAttributes(String owner, String group, int permission) {
    root.owner = intern(owner);
    root.group = intern(group);
    root.permission = (short) permission;
  }

  /** The one shared instance of the owner or group name {@code name}. */
  String intern(String name) {
    String had = names.putIfAbsent(name, name);
    return had == null ? name : had;
  }

  public long fileCount() {
    return files;
  }

  public long directoryCount() {
    return directories;
  }

  public long chunkCount() {
    return chunkTable.size();
  }

  // ---------------------------------------------------------------- reads

  /**
   * One entry; {@code caller} needs to traverse every directory on the way.
   *
   * @throws MetadataException NOT_FOUND, NOT_A_DIRECTORY, INVALID_ARGUMENT or DENIED
   */
  public FileEntry stat(String path, Caller caller) {
    String[] parts = Paths.parse(path);
    Inode node = resolve(parts, parts.length, path, caller);
    if (node == null) {
      throw notFound(path);
    }
    return entry(Paths.join(parts, parts.length), node);
  }

  /**
   * A file for reading: {@code caller} needs read on it.
   *
   * @throws MetadataException NOT_FOUND, IS_A_DIRECTORY, INVALID_ARGUMENT or DENIED
   */
  public ResolvedFile file(String path, Caller caller) {
    String[] parts = Paths.parse(path);
    Inode node = resolve(parts, parts.length, path, caller);
    String p = Paths.join(parts, parts.length);
    if (node == null) {
      throw notFound(path);
    }
    if (node instanceof FileNode f) {
      check(caller, f, Permissions.READ, "read", p);
      return new ResolvedFile(p, f, entry(p, f));
    }
    throw new MetadataException(Status.IS_A_DIRECTORY, "'" + p + "' is a directory");
  }

  /**
   * Lists a directory in name order after {@code startAfter} (empty: from the start), at most
   * {@code limit} entries (capped by {@link Limits#MAX_LIST_ENTRIES} and the control frame size).
   * Listing a file gives that file. {@code caller} needs read on a directory it lists.
   */
  public Listing list(String path, String startAfter, int limit, Caller caller) {
    String[] parts = Paths.parse(path);
    Inode node = resolve(parts, parts.length, path, caller);
    String p = Paths.join(parts, parts.length);
    if (node == null) {
      throw notFound(path);
    }
    if (node instanceof FileNode) {
      return new Listing(List.of(entry(p, node)), false);
    }
    DirNode dir = (DirNode) node;
    check(caller, dir, Permissions.READ, "list", p);
    int max = Math.max(1, Math.min(limit, Limits.MAX_LIST_ENTRIES));
    byte[] after = startAfter == null || startAfter.isEmpty() ? null
        : startAfter.getBytes(StandardCharsets.UTF_8);
    List<FileEntry> out = new ArrayList<>(Math.min(max, dir.size()));
    // Stay well inside the 1 MiB control frame: each entry costs its path, owner and group
    // plus 41 bytes.
    long budget = Limits.MAX_CONTROL_PAYLOAD - 4096;
    String prefix = p.equals("/") ? "/" : p + "/";
    for (Inode child : dir.childrenAfter(after)) {
      String childPath = prefix + child.nameString();
      long cost = 48 + (childPath.length() + child.owner.length() + child.group.length()) * 3L
          + encodingBytes(child);
      if (out.size() >= max || budget < cost) {
        return new Listing(out, true);
      }
      budget -= cost;
      out.add(entry(childPath, child));
    }
    return new Listing(out, false);
  }

  /** Bytes an entry's encoding adds to a reply beyond the one byte of a plain one. */
  private static long encodingBytes(Inode node) {
    if (!(node instanceof EncodedFileNode f)) {
      return 0;
    }
    FileEncoding e = f.encoding();
    return 16 + e.fileId().length() + e.keyId().length() + e.wrappedKey().length();
  }

  /** Whether anything in the image (a file, version, snapshot or trash entry) holds {@code handle}. */
  public boolean isReferenced(long handle) {
    return chunkTable.find(handle) >= 0;
  }

  /** The chunk's facts, or null when nothing holds it. */
  public ChunkRecord chunk(long handle) {
    int slot = chunkTable.find(handle);
    return slot < 0 ? null : chunkTable.record(slot);
  }

  /** The chunk's version, or -1 when nothing holds it. */
  public long chunkVersion(long handle) {
    int slot = chunkTable.find(handle);
    return slot < 0 ? -1 : chunkTable.version(slot);
  }

  /** The chunk's length, or -1 when nothing holds it. */
  public long chunkLength(long handle) {
    int slot = chunkTable.find(handle);
    return slot < 0 ? -1 : chunkTable.length(slot);
  }

  /**
   * The chunk's replication goal: the highest replication any holder asked for (a chunk shared by
   * a 2-replica and a 3-replica file keeps 3), or 0 when nothing holds it.
   */
  public int goal(long handle) {
    int slot = chunkTable.find(handle);
    return slot < 0 ? 0 : chunkTable.goal(slot);
  }

  /** How many places hold the chunk (files, kept versions, snapshot copies, trash), or 0. */
  public int holders(long handle) {
    int slot = chunkTable.find(handle);
    return slot < 0 ? 0 : chunkTable.holders(slot);
  }

  /** The chunks of {@code file} in order, with their facts. */
  public List<ChunkRecord> chunks(FileNode file) {
    ChunkRecord[] out = new ChunkRecord[file.chunkCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = chunkTable.record(chunkTable.find(file.handle(i)));
    }
    return List.of(out);
  }

  /**
   * The size of {@code file}, what a reader gets: the sum of its chunks' lengths for a plain file,
   * the logical size its commit named for a compressed or encrypted one.
   */
  public long size(FileNode file) {
    return file instanceof EncodedFileNode e ? e.size() : storedSize(file);
  }

  /**
   * How {@code file}'s chunks hold its bytes: {@link FileEncoding#PLAIN}, or its encoding with the
   * stored size, the sum of its chunks' lengths.
   */
  public FileEncoding encoding(FileNode file) {
    FileEncoding e = file.encoding();
    return e.isPlain() ? e : e.withStoredSize(storedSize(file));
  }

  /** The bytes {@code file}'s chunks hold: the sum of their lengths. */
  public long storedSize(FileNode file) {
    long s = 0;
    for (int ci = 0; ci < file.chunkCount(); ci++) {
      long h = file.handle(ci);
      s += chunkTable.length(chunkTable.find(h));
    }
    return s;
  }

  /** Calls {@code visitor} with every referenced chunk handle; the visitor must not mutate. */
  public void forEachHandle(LongConsumer visitor) {
    chunkTable.forEach(visitor);
  }

  /** Calls {@code visitor} for every file at or under {@code path}, in pre-order. */
  public void forEachFile(String path, BiConsumer<String, FileNode> visitor) {
    String[] parts = Paths.parse(path);
    Inode node = resolve(parts, parts.length, path, SYSTEM);
    if (node == null) {
      throw notFound(path);
    }
    walk(Paths.join(parts, parts.length), node, new EntryVisitor() {
      @Override
      public void directory(String p, long modified, String owner, String group, int perm) {}

      @Override
      public void file(String p, FileNode file) {
        visitor.accept(p, file);
      }
    });
  }

  /** The whole tree in pre-order, root excluded (for checkpoints). */
  public void forEachEntry(EntryVisitor visitor) {
    walk("/", root, visitor);
  }

  /** {@code node} (unless it is the root) and everything below it, in pre-order, iteratively. */
  private static void walk(String path, Inode node, EntryVisitor visitor) {
    if (node instanceof FileNode f) {
      visitor.file(path, f);
      return;
    }
    if (!path.equals("/")) {
      visitor.directory(path, node.modified, node.owner, node.group, node.permission,
          ((DirNode) node).policy);
    }
    TreeWalk.PathBuffer paths = new TreeWalk.PathBuffer(path);
    TreeWalk.preOrder((DirNode) node, (child, depth) -> {
      visit(paths.enter(child, depth), child, visitor);
      return true;
    });
  }

  private static void visit(String p, Inode child, EntryVisitor visitor) {
    if (child instanceof FileNode f) {
      visitor.file(p, f);
    } else {
      visitor.directory(p, child.modified, child.owner, child.group, child.permission,
          ((DirNode) child).policy);
    }
  }

  // ---------------------------------------------------------------- mutations

  /**
   * Creates a directory (with {@code parents}: and its missing parents; existing ones are fine),
   * owned by {@code caller}'s user and group with permission 755. The caller needs write and
   * execute on the directory that gets the first new entry.
   */
  public FileEntry mkdir(String path, boolean parents, long time, Caller caller) {
    String[] parts = Paths.parse(path);
    String p = Paths.join(parts, parts.length);
    checkWritable(parts, p);
    if (parts.length == 0) {
      if (parents) {
        return entry("/", root);
      }
      throw new MetadataException(Status.ALREADY_EXISTS, "'/' already exists");
    }
    DirNode dir = root;
    for (int i = 0; i < parts.length; i++) {
      check(caller, dir, Permissions.EXECUTE, "traverse", parts, i);
      byte[] name = bytes(parts[i]);
      Inode child = dir.get(name);
      boolean last = i == parts.length - 1;
      if (child == null) {
        if (!last && !parents) {
          throw new MetadataException(Status.NOT_FOUND, "cannot create '" + p + "': parent '"
              + Paths.join(parts, i + 1) + "' does not exist (use -p to create parents)");
        }
        // Checked before the first change; the directories created below it are the caller's.
        check(caller, dir, WRITE_EXECUTE, "write", parts, i);
        DirNode created = newDirectory(name, time, caller);
        dir.put(created);
        dir.modified = time;
        directories++;
        child = created;
      } else if (child instanceof FileNode) {
        if (last) {
          throw new MetadataException(Status.ALREADY_EXISTS, "'" + p + "' already exists as a file");
        }
        throw notADirectory(Paths.join(parts, i + 1), p);
      } else if (last && !parents) {
        throw new MetadataException(Status.ALREADY_EXISTS, "'" + p + "' already exists");
      }
      dir = (DirNode) child;
    }
    return entry(p, dir);
  }

  /**
   * Creates the file at {@code path} (and missing parent directories) or, with {@code overwrite},
   * replaces an existing file with {@code chunks}, in file order. The new file (a replacement too)
   * belongs to {@code caller} with permission 644; the caller needs write and execute on the
   * directory that gets the new entry (see {@link #checkCreate}).
   */
  public CommitResult commit(String path, boolean overwrite, int replication, long chunkSize,
      List<ChunkRecord> chunkList, long time, Caller caller) {
    return commit(path, overwrite, replication, chunkSize, chunkList, java.util.Set.of(),
        java.util.Set.of(), time, caller);
  }

  /**
   * As {@link #commit(String, boolean, int, long, List, long, Caller)}, where the chunks in
   * {@code reused} are named as already held (CHUNK_GONE if nothing holds one any more) and those
   * in {@code dedup} were matched among the caller's own chunks by the master (deduplication).
   */
  public CommitResult commit(String path, boolean overwrite, int replication, long chunkSize,
      List<ChunkRecord> chunkList, java.util.Set<Long> reused, java.util.Set<Long> dedup,
      long time, Caller caller) {
    return commit(path, overwrite, replication, chunkSize, chunkList, reused, dedup,
        FileEncoding.PLAIN, -1, time, caller);
  }

  /**
   * As {@link #commit(String, boolean, int, long, List, java.util.Set, java.util.Set, long,
   * Caller)}, of a file stored with {@code encoding} ({@link FileEncoding#PLAIN} with size -1, or
   * a compressed or encrypted file whose readers get {@code size} bytes): see {@link
   * #checkEncoding}. Under an effective {@code encrypt} policy, an unencrypted file is DENIED.
   */
  public CommitResult commit(String path, boolean overwrite, int replication, long chunkSize,
      List<ChunkRecord> chunkList, java.util.Set<Long> reused, java.util.Set<Long> dedup,
      FileEncoding encoding, long size, long time, Caller caller) {
    String[] parts = Paths.parse(path);
    String p = Paths.join(parts, parts.length);
    checkWritable(parts, p);
    if (parts.length == 0) {
      throw new MetadataException(Status.IS_A_DIRECTORY, "'/' is a directory");
    }
    // Validate everything first: a refused commit must change nothing.
    Deepest deepest = deepestDirectory(parts, p, caller);
    DirNode dir = deepest.dir();
    int existing = deepest.depth();
    byte[] name = bytes(parts[parts.length - 1]);
    FileNode old = null;
    if (existing == parts.length - 1) {
      Inode target = dir.get(name);
      if (target instanceof DirNode) {
        throw new MetadataException(Status.IS_A_DIRECTORY, "cannot write '" + p
            + "': it is a directory");
      }
      if (target != null && !overwrite) {
        throw new MetadataException(Status.ALREADY_EXISTS, "'" + p
            + "' already exists (use --force to replace it)");
      }
      old = (FileNode) target;
    }
    long stored = 0;
    for (ChunkRecord c : chunkList) {
      stored += c.length();
    }
    checkEncoding(p, chunkSize, chunkList.size(), stored, encoding, size);
    checkEncryptPolicy(parts, p, encoding);
    checkNewChunks(p, chunkList, old, reused, dedup);
    // Apply: the new file's holders first, so a chunk it shares with the file it replaces never
    // drops to zero holders on the way.
    for (int i = existing; i < parts.length - 1; i++) {
      DirNode created = newDirectory(bytes(parts[i]), time, caller);
      dir.put(created);
      dir.modified = time;
      directories++;
      dir = created;
    }
    FileNode file = FileNode.of(name, time, replication, chunkSize,
        FileNode.handlesOf(chunkList), intern(caller.user()), intern(caller.group()),
        FILE_PERMISSION, encoding, size);
    for (ChunkRecord c : chunkList) {
      chunkTable.addHolder(c, replication);
      if (dedupIndex != null) {
        dedupIndex.add(file.owner, chunkTable.record(chunkTable.find(c.handle())));
      }
    }
    LongList garbage = new LongList();
    if (old != null) {
      versions.replace(old, file, keepVersions(parts), garbage);
      files--;
    }
    dir.put(file);
    dir.modified = time;
    files++;
    return new CommitResult(entry(p, file), garbage.toArray());
  }

  /**
   * Checks how a commit says its chunks hold the file ({@code chunks} chunks of {@code stored}
   * bytes in all): a plain file has size -1 (its size is what its chunks hold); any other has a
   * size of its own, a chunk per started {@code chunkSize} of it (none iff it is empty), and a
   * stored size of -1 or the chunks' sum. Its key fields are all set or all empty (checked by
   * {@link FileEncoding} itself).
   *
   * @throws MetadataException INVALID_ARGUMENT naming the file and what does not fit
   */
  public static void checkEncoding(String path, long chunkSize, int chunks, long stored,
      FileEncoding encoding, long size) {
    String problem = null;
    if (encoding.isPlain()) {
      problem = size == -1 ? null : "a plain file's size is -1 (its chunks' sum), not " + size;
    } else if (size < 0) {
      problem = "size " + size + " is negative";
    } else if (size > 0 && chunkSize <= 0) {
      problem = "chunk size " + chunkSize + " must be positive";
    } else if (chunks != (size == 0 ? 0 : (size - 1) / chunkSize + 1)) {
      problem = chunks + " chunks do not fit size " + size + " in chunks of " + chunkSize
          + " (expected " + (size == 0 ? 0 : (size - 1) / chunkSize + 1) + ")";
    } else if (encoding.storedSize() != -1 && encoding.storedSize() != stored) {
      problem = "stored size " + encoding.storedSize() + " is not the chunks' " + stored
          + " bytes (or -1)";
    }
    if (problem != null) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "cannot commit " + PathLimits.quote(path)
          + ": " + problem);
    }
  }

  /**
   * Refuses an unencrypted file at {@code path} where the nearest {@code encrypt} policy says 1
   * (checked before a commit waits for its chunks' reports, and again when it applies).
   *
   * @throws MetadataException DENIED naming the directory whose policy requires encryption
   */
  public void checkEncryptPolicy(String path, FileEncoding encoding) {
    String[] parts = Paths.parse(path);
    checkEncryptPolicy(parts, Paths.join(parts, parts.length), encoding);
  }

  private void checkEncryptPolicy(String[] parts, String p, FileEncoding encoding) {
    if (encoding.encrypted()) {
      return;
    }
    String from = null;
    Inode node = root;
    for (int i = 0; node instanceof DirNode d; i++) {
      if (d.policy != null && d.policy.encrypt() >= 0) {
        from = d.policy.encrypt() == 1 ? Paths.join(parts, i) : null;
      }
      if (i >= parts.length - 1) {
        break;
      }
      node = d.get(bytes(parts[i]));
    }
    if (from != null) {
      throw new MetadataException(Status.DENIED, "cannot write " + PathLimits.quote(p)
          + " unencrypted: the policy of " + PathLimits.quote(from)
          + " requires encryption (encrypt 1); write it with --encrypt and a key file");
    }
  }

  /**
   * Checks the chunks a commit names: no handle twice, and a handle that something already holds
   * only if it is a chunk of the file being replaced or of its kept versions (a delta update
   * reuses them) with the same length and SHA-256. Any other held handle is refused, so a client
   * cannot make its file refer to chunks it does not own; a handle nothing holds any longer (its
   * holders were dropped and its replicas may be being deleted) is refused too: it is not in the
   * table, and it is not new either, which only the allocation the commit confirmed can vouch for.
   */
  private void checkNewChunks(String p, List<ChunkRecord> chunks, FileNode old,
      java.util.Set<Long> claimed, java.util.Set<Long> dedup) {
    java.util.Set<Long> reusable = null;
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (ChunkRecord c : chunks) {
      long h = c.handle();
      if (!seen.add(h) && !claimed.contains(h)) {
        // A new chunk is written once; a held one may repeat (a file with two equal regions).
        throw new MetadataException(Status.INVALID_ARGUMENT, "chunk " + handleText(h)
            + " appears twice in '" + p + "'");
      }
      int slot = chunkTable.find(h);
      if (slot < 0) {
        if (claimed.contains(h)) {
          throw new MetadataException(Status.CHUNK_GONE, "chunk " + handleText(h) + " of '" + p
              + "' is no longer held by anything; send its bytes");
        }
        continue;
      }
      if (reusable == null) {
        reusable = old == null ? java.util.Set.of() : versions.handlesOf(old);
      }
      if (!reusable.contains(h) && !dedup.contains(h)) {
        throw new MetadataException(Status.INVALID_ARGUMENT, "chunk " + handleText(h)
            + " of '" + p + "' already belongs to another file");
      }
      if (chunkTable.length(slot) != c.length() || !chunkTable.sha256(slot).equals(c.sha256())) {
        throw new MetadataException(Status.INVALID_ARGUMENT, "chunk " + handleText(h)
            + " of '" + p + "' does not have the content the commit claims for it");
      }
    }
  }

  /**
   * Deletes a file or directory (a non-empty one only with {@code recursive}). The caller needs
   * write and execute on the parent and, with {@code recursive}, read, write and execute on every
   * directory it removes (as HDFS asks); one it lacks refuses the whole delete. Removes outright,
   * whatever the trash policy: see {@link #delete(String, boolean, boolean, long, Caller)}.
   */
  public DeleteResult delete(String path, boolean recursive, long time, Caller caller) {
    return delete(path, recursive, true, time, caller);
  }

  /**
   * Deletes as {@link #delete(String, boolean, long, Caller)} does, except that under a trash
   * policy (the nearest one of the entry or its ancestors) and without {@code skipTrash} the entry
   * moves into the caller's trash instead, still holding its chunks, until {@code time} plus the
   * policy's trash time. A directory holding snapshots, or containing one that does, is refused
   * either way: delete its snapshots first.
   */
  public DeleteResult delete(String path, boolean recursive, boolean skipTrash, long time,
      Caller caller) {
    String[] parts = Paths.parse(path);
    String p = Paths.join(parts, parts.length);
    if (parts.length == 0) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "cannot delete the root directory '/'");
    }
    checkWritable(parts, p);
    Inode parentNode = resolve(parts, parts.length - 1, path, caller);
    if (!(parentNode instanceof DirNode parent)) {
      throw notFound(path);
    }
    check(caller, parent, Permissions.EXECUTE, "traverse", parts, parts.length - 1);
    byte[] name = bytes(parts[parts.length - 1]);
    Inode target = parent.get(name);
    if (target == null) {
      throw notFound(path);
    }
    check(caller, parent, WRITE_EXECUTE, "write", parts, parts.length - 1);
    if (target instanceof DirNode d && !d.isEmpty() && !recursive) {
      throw new MetadataException(Status.NOT_EMPTY, "directory '" + p
          + "' is not empty (use -r to delete it and everything under it)");
    }
    if (recursive && target instanceof DirNode d) {
      checkSubtree(caller, d, p, ALL, "delete");
    }
    if (target instanceof DirNode d) {
      refuseSnapshots(d, p);
    }
    long trashMillis = skipTrash ? 0 : policyOf(parts, parts.length).trashMillis();
    parent.remove(name);
    parent.modified = time;
    long[] counts = new long[2];
    LongList garbage = new LongList();
    long expires = 0;
    if (trashMillis > 0) {
      countSubtree(target, counts);
      expires = time + trashMillis;
      trash.add(new TrashBin.Entry(caller.user(), p, time, expires, target));
    } else {
      removeSubtree(target, counts, garbage);
    }
    files -= counts[0];
    directories -= counts[1];
    return new DeleteResult(counts[0], counts[1], garbage.toArray(), expires);
  }

  /** Refuses to remove {@code dir} when it or a directory under it has snapshots. */
  private static void refuseSnapshots(DirNode dir, String path) {
    TreeWalk.PathBuffer paths = new TreeWalk.PathBuffer(path);
    String[] found = {dir.snapshots != null ? path : null};
    if (found[0] == null) {
      TreeWalk.preOrder(dir, (child, depth) -> {
        String p = paths.enter(child, depth);
        if (child instanceof DirNode d && d.snapshots != null) {
          found[0] = p;
          return false;
        }
        return found[0] == null;
      });
    }
    if (found[0] != null) {
      throw new MetadataException(Status.NOT_EMPTY, "cannot delete '" + path + "': '" + found[0]
          + "' has snapshots (delete them first: granary snapshot list " + found[0] + ")");
    }
  }

  /** Counts the files and directories of a subtree ({@code counts[0]}, {@code counts[1]}). */
  private static void countSubtree(Inode node, long[] counts) {
    counts[node instanceof FileNode ? 0 : 1]++;
    if (node instanceof DirNode d) {
      TreeWalk.preOrder(d, (child, depth) -> {
        counts[child instanceof FileNode ? 0 : 1]++;
        return true;
      });
    }
  }

  private void removeSubtree(Inode node, long[] counts, LongList garbage) {
    removeOne(node, counts, garbage);
    if (node instanceof DirNode d) {
      TreeWalk.preOrder(d, (child, depth) -> {
        removeOne(child, counts, garbage);
        return true;
      });
    }
  }

  /**
   * Counts a removed node; a file and its kept versions stop holding their chunks, and a chunk
   * nothing holds any longer becomes garbage.
   */
  private void removeOne(Inode node, long[] counts, LongList garbage) {
    if (node instanceof FileNode f) {
      counts[0]++;
      versions.dropAll(f, garbage);
    } else {
      counts[1]++;
    }
  }

  /** {@code file} stops holding its chunks; the ones nothing holds any more go to {@code garbage}. */
  void dropHolders(FileNode file, LongList garbage) {
    for (int ci = 0; ci < file.chunkCount(); ci++) {
      long h = file.handle(ci);
      long version = chunkTable.dropHolder(h);
      if (version >= 0) {
        garbage.add(h);
        garbage.add(version);
        if (dedupIndex != null) {
          dedupIndex.remove(h);
        }
      }
    }
  }

  // ---------------------------------------------------------------- delta updates, dedup

  /**
   * Turns deduplication on: an index of every held chunk by (owner, length, SHA-256), built from
   * the image now and kept as holders come and go (never persisted; a restart builds it again).
   * A chunk is indexed under the owner of the file that first held it.
   */
  public void enableDedup() {
    DedupIndex index = new DedupIndex();
    forEachHolder(f -> {
      for (int ci = 0; ci < f.chunkCount(); ci++) {
        index.add(f.owner, chunkTable.record(chunkTable.find(f.handle(ci))));
      }
    });
    dedupIndex = index;
  }

  /**
   * The held chunks a writer of {@code path} may name instead of sending chunks {@code
   * firstIndex}... (given as length and SHA-256): chunks of the file there now and its kept
   * versions, if {@code caller} may read it, and with deduplication on, chunks of {@code caller}'s
   * own files. Index in the file to the held chunk; chunks without a known SHA-256 never match.
   */
  public Map<Integer, ChunkRecord> matchChunks(String path, int firstIndex, List<Long> lengths,
      List<Sha256> digests, Caller caller) {
    Map<String, Long> held = new HashMap<>();
    String[] parts = Paths.parse(path);
    if (resolveOrNull(parts, parts.length) instanceof FileNode) {
      try {
        FileNode current = file(path, caller).file();
        for (long h : versions.handlesOf(current)) {
          ChunkRecord c = chunkTable.record(chunkTable.find(h));
          if (!c.sha256().isNone()) {
            held.putIfAbsent(DedupIndex.key(c.length(), c.sha256()), h);
          }
        }
      } catch (MetadataException e) {
        if (e.status() != Status.DENIED) {
          throw e;
        }
        // A writer that may not read the file it replaces gets no match from it.
      }
    }
    Map<Integer, ChunkRecord> out = new java.util.TreeMap<>();
    for (int i = 0; i < digests.size(); i++) {
      if (digests.get(i).isNone()) {
        continue;
      }
      String key = DedupIndex.key(lengths.get(i), digests.get(i));
      Long h = held.get(key);
      if (h == null && dedupIndex != null) {
        h = dedupIndex.find(caller.user(), key);
      }
      if (h != null) {
        out.put(firstIndex + i, chunkTable.record(chunkTable.find(h)));
      }
    }
    return out;
  }

  /** Whether deduplication would let {@code owner} name held chunk {@code c} (same content). */
  public boolean dedupMatches(String owner, ChunkRecord c) {
    if (dedupIndex == null || c.sha256().isNone()) {
      return false;
    }
    Long h = dedupIndex.find(owner, DedupIndex.key(c.length(), c.sha256()));
    return h != null && h == c.handle();
  }

  /** {@code file} holds its chunks (again): a snapshot copy, a restored version. */
  void addHolders(FileNode file) {
    for (int ci = 0; ci < file.chunkCount(); ci++) {
      long h = file.handle(ci);
      chunkTable.addHolder(h, file.replication());
    }
  }

  /**
   * Moves {@code source} to {@code destination}, or into it if it is an existing directory.
   * Returns the entry at its final path, which keeps its owner, group and permission. The caller
   * needs write and execute on the source's parent and on the destination's parent.
   */
  public FileEntry rename(String source, String destination, long time, Caller caller) {
    String[] src = Paths.parse(source);
    String[] dst = Paths.parse(destination);
    String srcPath = Paths.join(src, src.length);
    checkWritable(src, srcPath);
    checkWritable(dst, Paths.join(dst, dst.length));
    if (src.length == 0) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "cannot move the root directory '/'");
    }
    Inode srcParentNode = resolve(src, src.length - 1, source, caller);
    if (srcParentNode instanceof DirNode sp) {
      check(caller, sp, Permissions.EXECUTE, "traverse", src, src.length - 1);
    }
    Inode node = srcParentNode instanceof DirNode sp ? sp.get(bytes(src[src.length - 1])) : null;
    if (node == null) {
      throw notFound(source);
    }
    DirNode srcParent = (DirNode) srcParentNode;
    check(caller, srcParent, WRITE_EXECUTE, "write", src, src.length - 1);
    // What the destination is may only be learned by a caller that may traverse to it.
    traverse(dst, dst.length, caller);
    String[] fin;
    Inode dstNode = resolveOrNull(dst, dst.length);
    if (dstNode instanceof DirNode) {
      fin = java.util.Arrays.copyOf(dst, dst.length + 1);
      fin[dst.length] = src[src.length - 1];
    } else if (dstNode != null) {
      throw new MetadataException(Status.ALREADY_EXISTS, "cannot move '" + srcPath + "' to '"
          + Paths.join(dst, dst.length) + "': it already exists");
    } else {
      fin = dst;
    }
    String finPath = Paths.join(fin, fin.length);
    if (node instanceof DirNode && fin.length > src.length
        && java.util.Arrays.equals(src, 0, src.length, fin, 0, src.length)) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "cannot move directory '" + srcPath
          + "' into itself ('" + finPath + "')");
    }
    Inode finParentNode = resolveForRename(fin, finPath, caller);
    DirNode finParent = (DirNode) finParentNode;
    check(caller, finParent, WRITE_EXECUTE, "write", fin, fin.length - 1);
    byte[] finName = bytes(fin[fin.length - 1]);
    Inode clash = finParent.get(finName);
    if (clash != null) {
      throw new MetadataException(Status.ALREADY_EXISTS, "cannot move '" + srcPath + "' to '"
          + finPath + "': it already exists");
    }
    checkMovedPaths(srcPath, finPath, node);
    srcParent.remove(node.name);
    srcParent.modified = time;
    node.name = finName;
    finParent.put(node);
    finParent.modified = time;
    return entry(finPath, node);
  }

  /**
   * Refuses a move that would give {@code node} or anything below it a path over {@link
   * Limits#MAX_PATH_BYTES}: the limit holds for every path in the tree, not only for the paths
   * clients send, so every entry stays addressable and every path a reply or a checkpoint line
   * carries stays bounded. Walks the moved subtree only when its path gets longer.
   */
  private static void checkMovedPaths(String srcPath, String finPath, Inode node) {
    int finBytes = PathLimits.utf8Length(finPath);
    if (finBytes > Limits.MAX_PATH_BYTES) {
      throw movedPathTooLong(srcPath, finPath, finPath, finBytes);
    }
    if (node instanceof DirNode dir && finBytes > PathLimits.utf8Length(srcPath)) {
      TreeWalk.preOrder(dir, new TreeWalk.Visitor() {
        private int[] bytes = {finBytes};
        private Inode[] chain = new Inode[1];

        @Override
        public boolean visit(Inode child, int depth) {
          if (depth >= bytes.length) {
            bytes = java.util.Arrays.copyOf(bytes, bytes.length * 2);
            chain = java.util.Arrays.copyOf(chain, bytes.length);
          }
          chain[depth] = child;
          bytes[depth] = bytes[depth - 1] + 1 + child.name.length;
          if (bytes[depth] > Limits.MAX_PATH_BYTES) {
            StringBuilder deep = new StringBuilder(finPath);
            for (int i = 1; i <= depth; i++) {
              deep.append('/').append(chain[i].nameString());
            }
            throw movedPathTooLong(srcPath, finPath, deep.toString(), bytes[depth]);
          }
          return true;
        }
      });
    }
  }

  private static MetadataException movedPathTooLong(String srcPath, String finPath, String path,
      int bytes) {
    return new MetadataException(Status.INVALID_ARGUMENT, "cannot move "
        + PathLimits.quote(srcPath) + " to " + PathLimits.quote(finPath) + ": "
        + (path.equals(finPath) ? "it" : PathLimits.quote(path)) + " would be " + bytes
        + " bytes of UTF-8, over the path limit of " + Limits.MAX_PATH_BYTES);
  }

  private Inode resolveForRename(String[] fin, String finPath, Caller caller) {
    DirNode dir = root;
    for (int i = 0; i < fin.length - 1; i++) {
      check(caller, dir, Permissions.EXECUTE, "traverse", fin, i);
      Inode child = dir.get(bytes(fin[i]));
      if (child == null) {
        throw new MetadataException(Status.NOT_FOUND, "cannot move to '" + finPath
            + "': directory '" + Paths.join(fin, i + 1) + "' does not exist");
      }
      if (child instanceof FileNode) {
        throw notADirectory(Paths.join(fin, i + 1), finPath);
      }
      dir = (DirNode) child;
    }
    return dir;
  }

  /** Records the outcome of a majority vote: the chunk's agreed length and digest. */
  public boolean setChunkDigest(long handle, long length, long digest) {
    return chunkTable.setContent(handle, length, digest);
  }

  // ---------------------------------------------------------------- policies

  /** The policy in effect for entries under {@code parts[0..count)}: each setting from the nearest. */
  private Policy policyOf(String[] parts, int count) {
    int replication = 0;
    int keep = -1;
    long trashMillis = -1;
    int compress = -1;
    int encrypt = -1;
    Inode node = root;
    for (int i = 0; ; i++) {
      if (node instanceof DirNode d && d.policy != null) {
        Policy q = d.policy;
        replication = q.replication() > 0 ? q.replication() : replication;
        keep = q.keepVersions() >= 0 ? q.keepVersions() : keep;
        trashMillis = q.trashMillis() >= 0 ? q.trashMillis() : trashMillis;
        compress = q.compress() >= 0 ? q.compress() : compress;
        encrypt = q.encrypt() >= 0 ? q.encrypt() : encrypt;
      }
      if (i >= count || !(node instanceof DirNode d)) {
        break;
      }
      node = d.get(bytes(parts[i]));
      if (node == null) {
        break;
      }
    }
    return new Policy(replication, keep, trashMillis, compress, encrypt);
  }

  /** How many versions a file replaced at {@code parts} keeps (0: none). */
  private int keepVersions(String[] parts) {
    return Math.max(0, policyOf(parts, parts.length - 1).keepVersions());
  }

  /**
   * The replication new files at {@code path} take from the nearest policy, or 0 when no
   * directory on the way sets one (the cluster's default applies).
   */
  public int policyReplication(String path) {
    String[] parts = Paths.parse(path);
    return policyOf(parts, Math.max(0, parts.length - 1)).replication();
  }

  /**
   * The settings new files at {@code path} take, each from the nearest directory on the way that
   * sets it (unset: -1, replication 0); a missing parent takes its nearest existing ancestor's.
   */
  public Policy newFilePolicy(String path) {
    String[] parts = Paths.parse(path);
    return policyOf(parts, Math.max(0, parts.length - 1));
  }

  /**
   * The entry at {@code path}, or null if there is none (a missing parent too): what a writer
   * checks before it writes. {@code caller} needs what {@link #stat} needs.
   *
   * @throws MetadataException NOT_A_DIRECTORY, INVALID_ARGUMENT or DENIED
   */
  public FileEntry statOrNull(String path, Caller caller) {
    String[] parts = Paths.parse(path);
    Inode node = resolve(parts, parts.length, path, caller);
    return node == null ? null : entry(Paths.join(parts, parts.length), node);
  }

  /**
   * The settings in effect at directory {@code path}, each with the directory that makes it.
   * {@code caller} needs to traverse to it.
   */
  public List<Policy.Setting> effectivePolicy(String path, Caller caller) {
    String[] parts = Paths.parse(path);
    Inode target = resolve(parts, parts.length, path, caller);
    if (target == null) {
      throw notFound(path);
    }
    if (!(target instanceof DirNode)) {
      throw notADirectory(Paths.join(parts, parts.length), Paths.join(parts, parts.length));
    }
    Map<String, Policy.Setting> out = new java.util.LinkedHashMap<>();
    Inode node = root;
    for (int i = 0; node instanceof DirNode d; i++) {
      if (d.policy != null) {
        String from = Paths.join(parts, i);
        d.policy.settings().forEach((k, v) -> out.put(k, new Policy.Setting(k, v, from)));
      }
      if (i >= parts.length) {
        break;
      }
      node = d.get(bytes(parts[i]));
    }
    List<Policy.Setting> sorted = new ArrayList<>();
    for (String key : dev.granary.wire.PolicyKeys.ALL) {
      if (out.containsKey(key)) {
        sorted.add(out.get(key));
      }
    }
    return sorted;
  }

  /**
   * Changes directory {@code path}'s own policy ({@code settings}: key to value, "" clears).
   * For the directory's owner or the superuser, as chmod is.
   */
  public List<Policy.Setting> setPolicy(String path, Map<String, String> settings, Caller caller) {
    String[] parts = Paths.parse(path);
    String p = Paths.join(parts, parts.length);
    checkWritable(parts, p);
    Inode target = resolve(parts, parts.length, path, caller);
    if (target == null) {
      throw notFound(path);
    }
    if (!(target instanceof DirNode d)) {
      throw new MetadataException(Status.NOT_A_DIRECTORY, "'" + p
          + "' is a file; policies are set on directories");
    }
    checkOwner(caller, d, "set the policy of", p);
    Policy q = d.policy == null ? Policy.NONE : d.policy;
    for (Map.Entry<String, String> e : settings.entrySet()) {
      q = q.with(e.getKey(), e.getValue());
    }
    d.policy = q.isEmpty() ? null : q;
    return effectivePolicy(path, SYSTEM);
  }

  private static void checkOwner(Caller caller, Inode node, String action, String path) {
    if (!caller.superuser() && !caller.user().equals(node.owner)) {
      throw new MetadataException(Status.DENIED, "permission denied: " + Permissions.who(caller)
          + " may not " + action + " " + path + " (only its owner " + node.owner
          + " or the superuser may)");
    }
  }

  // ---------------------------------------------------------------- versions

  /** The versions of file {@code path}, newest first, the current contents first. */
  public List<VersionView> versions(String path, Caller caller) {
    ResolvedFile r = file(path, caller);
    List<VersionView> out = new ArrayList<>();
    for (Versions.Version v : versions.list(r.file())) {
      out.add(new VersionView(v.number(), size(v.file()), v.file().modified));
    }
    return out;
  }

  /** Version {@code number} of file {@code path} (0: the current contents), for reading. */
  public ResolvedFile fileVersion(String path, long number, Caller caller) {
    ResolvedFile r = file(path, caller);
    if (number == 0) {
      return r;
    }
    FileNode v = versions.version(r.file(), number, r.path());
    return new ResolvedFile(r.path(), v, entry(r.path(), v));
  }

  /**
   * Makes version {@code number} of {@code path} its current contents again, as a new version:
   * the current contents become a kept version (the directory's policy keeps at least one here,
   * or there could be nothing to restore). The caller needs write on the file's directory, as for
   * a {@code put --force}.
   */
  public CommitResult restore(String path, long number, long time, Caller caller) {
    String[] parts = Paths.parse(path);
    String p = Paths.join(parts, parts.length);
    checkWritable(parts, p);
    ResolvedFile r = file(path, caller);
    FileNode current = r.file();
    FileNode v = versions.version(current, number, p);
    if (v == current) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "version " + number + " of '" + p
          + "' is already its current contents");
    }
    Deepest deepest = deepestDirectory(parts, p, caller);
    FileNode restored = v.withChunksOf(current.name, time, intern(caller.user()),
        intern(caller.group()), FILE_PERMISSION);
    addHolders(restored);
    LongList garbage = new LongList();
    versions.replace(current, restored, Math.max(1, keepVersions(parts)), garbage);
    deepest.dir().put(restored);
    deepest.dir().modified = time;
    return new CommitResult(entry(p, restored), garbage.toArray());
  }

  /**
   * Key rotation: the data key of file {@code path} (its kept version {@code version}; 0 is the
   * current contents) is wrapped anew as {@code newWrappedKey} by key {@code newKeyId}, if it is
   * still {@code oldWrappedKey}. Nothing else changes; a snapshot's copy keeps its key (snapshots
   * are read-only). The caller needs write on the file.
   *
   * @throws MetadataException DENIED (a snapshot path, no write permission), NOT_FOUND (no such
   *     file or version), IS_A_DIRECTORY, INVALID_ARGUMENT (not encrypted, a bad key field) or
   *     STALE_VERSION (the wrapped key is not {@code oldWrappedKey} any more)
   */
  public FileEntry rekey(String path, long version, String oldWrappedKey, String newKeyId,
      String newWrappedKey, Caller caller) {
    String[] parts = Paths.parse(path);
    String p = Paths.join(parts, parts.length);
    checkWritable(parts, p);
    Inode node = resolve(parts, parts.length, path, caller);
    if (node == null) {
      throw notFound(path);
    }
    if (!(node instanceof FileNode f)) {
      throw new MetadataException(Status.IS_A_DIRECTORY, "'" + p
          + "' is a directory; only files have keys");
    }
    check(caller, f, Permissions.WRITE, "rotate the key of", p);
    FileNode target = version == 0 ? f : versions.version(f, version, p);
    String which = version == 0 ? "'" + p + "'" : "version " + version + " of '" + p + "'";
    if (!(target instanceof EncodedFileNode e) || !e.encoding().encrypted()) {
      throw new MetadataException(Status.INVALID_ARGUMENT, which
          + " is not encrypted; it has no key to rotate");
    }
    if (!e.encoding().wrappedKey().equals(oldWrappedKey)) {
      throw new MetadataException(Status.STALE_VERSION, "the key of " + which
          + " changed since it was read (rotated meanwhile, or the file was replaced); read it"
          + " again");
    }
    try {
      e.encoding().withKey(newKeyId, newWrappedKey);
    } catch (IllegalArgumentException x) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "new key of " + which + ": "
          + x.getMessage());
    }
    e.rekey(newKeyId, newWrappedKey);
    return entry(p, target);
  }

  /** The number of the current version of file {@code path}. */
  public long currentVersion(String path) {
    ResolvedFile r = file(path, SYSTEM);
    return versions.list(r.file()).get(0).number();
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * Takes a snapshot of directory {@code dir} named {@code name}: a copy of its tree's metadata
   * whose files hold the same chunks (no chunk is copied or touched). For the directory's owner
   * or the superuser.
   */
  public SnapshotView createSnapshot(String dir, String name, long time, Caller caller) {
    String[] parts = Paths.parse(dir);
    String p = Paths.join(parts, parts.length);
    checkWritable(parts, p);
    DirNode d = snapshotDirectory(parts, dir, p, caller);
    checkSnapshotName(name);
    if (findSnapshot(d, name) != null) {
      throw new MetadataException(Status.ALREADY_EXISTS, "'" + p + "' already has a snapshot '"
          + name + "'");
    }
    int had = d.snapshots == null ? 0 : d.snapshots.length;
    if (had >= MAX_SNAPSHOTS) {
      throw new MetadataException(Status.TOO_LARGE, "'" + p + "' has " + had
          + " snapshots, the most a directory may have; delete some first");
    }
    Snapshot s = new Snapshot(name, time, copyTree(d, bytes(name)));
    Snapshot[] next = had == 0 ? new Snapshot[1] : java.util.Arrays.copyOf(d.snapshots, had + 1);
    next[had] = s;
    d.snapshots = next;
    return view(p, s);
  }

  /** Deletes snapshot {@code name} of {@code dir}; the chunks only it held become garbage. */
  public SnapshotDeleted deleteSnapshot(String dir, String name, Caller caller) {
    String[] parts = Paths.parse(dir);
    String p = Paths.join(parts, parts.length);
    checkWritable(parts, p);
    DirNode d = snapshotDirectory(parts, dir, p, caller);
    Snapshot s = findSnapshot(d, name);
    if (s == null) {
      throw new MetadataException(Status.NOT_FOUND, "'" + p + "' has no snapshot '" + name + "'");
    }
    Snapshot[] rest = java.util.Arrays.stream(d.snapshots).filter(x -> x != s)
        .toArray(Snapshot[]::new);
    d.snapshots = rest.length == 0 ? null : rest;
    LongList garbage = new LongList();
    dropTree(s.root, garbage);
    return new SnapshotDeleted(view(p, s), garbage.toArray());
  }

  /** What deleting a snapshot did: the snapshot and the chunks only it held. */
  public record SnapshotDeleted(SnapshotView snapshot, long[] garbage) {}

  /** The snapshots of {@code dir}, oldest first; the caller needs read on it. */
  public List<SnapshotView> snapshots(String dir, Caller caller) {
    String[] parts = Paths.parse(dir);
    Inode node = resolve(parts, parts.length, dir, caller);
    String p = Paths.join(parts, parts.length);
    if (node == null) {
      throw notFound(dir);
    }
    if (!(node instanceof DirNode d)) {
      throw notADirectory(p, p);
    }
    check(caller, d, Permissions.READ, "list the snapshots of", p);
    List<SnapshotView> out = new ArrayList<>();
    if (d.snapshots != null) {
      for (Snapshot s : d.snapshots) {
        out.add(view(p, s));
      }
    }
    return out;
  }

  private DirNode snapshotDirectory(String[] parts, String dir, String p, Caller caller) {
    Inode node = resolve(parts, parts.length, dir, caller);
    if (node == null) {
      throw notFound(dir);
    }
    if (!(node instanceof DirNode d)) {
      throw new MetadataException(Status.NOT_A_DIRECTORY, "'" + p
          + "' is a file; snapshots are taken of directories");
    }
    checkOwner(caller, d, "take or delete snapshots of", p);
    return d;
  }

  private static SnapshotView view(String dir, Snapshot s) {
    return new SnapshotView(s.name, (dir.equals("/") ? "" : dir) + "/" + SNAPSHOT_DIR + "/"
        + s.name, s.created);
  }

  private static Snapshot findSnapshot(DirNode d, String name) {
    if (d.snapshots != null) {
      for (Snapshot s : d.snapshots) {
        if (s.name.equals(name)) {
          return s;
        }
      }
    }
    return null;
  }

  private static void checkSnapshotName(String name) {
    if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
        || name.indexOf('\0') >= 0 || PathLimits.utf8Length(name) > Limits.MAX_NAME_BYTES) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "'" + name
          + "' is not a snapshot name (one path component, no '/', at most "
          + Limits.MAX_NAME_BYTES + " bytes)");
    }
  }

  /**
   * A copy of {@code dir}'s tree named {@code name}: new directory and file nodes (files share
   * their handle arrays), each copied file one more holder of its chunks. Iterative: a tree may be
   * deeper than a thread's stack.
   */
  private DirNode copyTree(DirNode dir, byte[] name) {
    DirNode top = dir.copyEmpty(name);
    java.util.ArrayDeque<DirNode[]> open = new java.util.ArrayDeque<>();
    open.push(new DirNode[] {dir, top});
    while (!open.isEmpty()) {
      DirNode[] pair = open.pop();
      for (Inode child : pair[0].childrenAfter(null)) {
        if (child instanceof FileNode f) {
          FileNode c = f.copy(f.name);
          addHolders(c);
          pair[1].append(c);
        } else {
          DirNode d = (DirNode) child;
          DirNode c = d.copyEmpty(d.name);
          pair[1].append(c);
          open.push(new DirNode[] {d, c});
        }
      }
    }
    return top;
  }

  /** Every file of a detached tree (a snapshot, a trash entry) stops holding its chunks. */
  private void dropTree(Inode node, LongList garbage) {
    removeSubtree(node, new long[2], garbage);
  }

  /**
   * Refuses a change at {@code parts}: a path through a snapshot is read-only, and
   * {@value #SNAPSHOT_DIR} is a reserved name.
   */
  private static void checkWritable(String[] parts, String p) {
    for (String part : parts) {
      if (part.equals(SNAPSHOT_DIR)) {
        throw new MetadataException(Status.DENIED, "'" + p + "' is read-only: '" + SNAPSHOT_DIR
            + "' is reserved for snapshots, which cannot be changed");
      }
    }
  }

  /** The view {@code DIR/.snapshot}: a read-only directory whose children are the snapshots. */
  private static DirNode snapshotListing(DirNode dir) {
    DirNode view = new DirNode(bytes(SNAPSHOT_DIR), dir.modified, dir.owner, dir.group,
        dir.permission & 0555);
    if (dir.snapshots != null) {
      Snapshot[] sorted = dir.snapshots.clone();
      java.util.Arrays.sort(sorted, (a, b) -> java.util.Arrays.compareUnsigned(a.root.name,
          b.root.name));
      for (Snapshot s : sorted) {
        view.append(s.root);
      }
    }
    return view;
  }

  // ---------------------------------------------------------------- trash

  /** {@code user}'s trash, soonest to expire first. */
  public List<TrashView> trash(String user) {
    List<TrashView> out = new ArrayList<>();
    for (TrashBin.Entry e : trash.of(user)) {
      out.add(trashView(e));
    }
    out.sort(java.util.Comparator.comparingLong(TrashView::expires));
    return out;
  }

  /**
   * Puts {@code user}'s newest trash entry for {@code path} back where it was, creating missing
   * parent directories as a put would; refused if something is there now.
   */
  public TrashResult restoreTrash(String path, long time, Caller caller) {
    String[] parts = Paths.parse(path);
    String p = Paths.join(parts, parts.length);
    checkWritable(parts, p);
    if (parts.length == 0) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "'/' is never in the trash");
    }
    boolean found = trash.of(caller.user()).stream().anyMatch(e -> e.path.equals(p));
    if (!found) {
      throw new MetadataException(Status.NOT_FOUND, "'" + p + "' is not in the trash of "
          + caller.user() + " (see granary trash list)");
    }
    Deepest deepest = deepestDirectory(parts, p, caller);
    DirNode dir = deepest.dir();
    byte[] name = bytes(parts[parts.length - 1]);
    if (deepest.depth() == parts.length - 1 && dir.get(name) != null) {
      throw new MetadataException(Status.ALREADY_EXISTS, "cannot restore '" + p
          + "' from the trash: something is there now (move it away first)");
    }
    TrashBin.Entry e = trash.takeNewest(caller.user(), p);
    for (int i = deepest.depth(); i < parts.length - 1; i++) {
      DirNode created = newDirectory(bytes(parts[i]), time, caller);
      dir.put(created);
      dir.modified = time;
      directories++;
      dir = created;
    }
    dir.put(e.node);
    dir.modified = time;
    long[] counts = new long[2];
    countSubtree(e.node, counts);
    files += counts[0];
    directories += counts[1];
    return new TrashResult(List.of(trashView(e)), new long[0]);
  }

  /** Empties {@code user}'s trash: everything in it is removed for good. */
  public TrashResult emptyTrash(String user) {
    return drop(trash.takeAll(user));
  }

  /** Removes for good every trash entry that expires at or before {@code time}. */
  public TrashResult expireTrash(long time) {
    return drop(trash.takeExpired(time));
  }

  /** When the next trash entry expires, or {@code Long.MAX_VALUE}. */
  public long nextTrashExpiry() {
    return trash.nextExpiry();
  }

  private TrashResult drop(List<TrashBin.Entry> entries) {
    List<TrashView> views = new ArrayList<>();
    LongList garbage = new LongList();
    for (TrashBin.Entry e : entries) {
      views.add(trashView(e));
      dropTree(e.node, garbage);
    }
    return new TrashResult(views, garbage.toArray());
  }

  private TrashView trashView(TrashBin.Entry e) {
    long[] counts = new long[2];
    countSubtree(e.node, counts);
    long[] bytes = {0};
    if (e.node instanceof FileNode f) {
      bytes[0] = size(f);
    } else {
      TreeWalk.preOrder((DirNode) e.node, (child, depth) -> {
        if (child instanceof FileNode f) {
          bytes[0] += size(f);
        }
        return true;
      });
    }
    return new TrashView(e.path, e.node instanceof DirNode, bytes[0], counts[0], e.deleted,
        e.expires);
  }

  // ---------------------------------------------------------------- permissions

  /**
   * Checks that {@code caller} may create {@code path} (a file being written): traverse on the
   * directories on the way and write and execute on the deepest existing one, which gets the new
   * entry (or its first missing parent). A chunk allocation for a path is checked so, so a caller
   * cannot consume space under a directory it may not write.
   *
   * @throws MetadataException DENIED, NOT_A_DIRECTORY or INVALID_ARGUMENT
   */
  public void checkCreate(String path, Caller caller) {
    String[] parts = Paths.parse(path);
    checkWritable(parts, Paths.join(parts, parts.length));
    if (parts.length == 0) {
      throw new MetadataException(Status.IS_A_DIRECTORY, "'/' is a directory");
    }
    deepestDirectory(parts, Paths.join(parts, parts.length), caller);
  }

  /**
   * Checks that {@code caller} may traverse to {@code path} and read and traverse every directory
   * at or under it: what a scan of the whole subtree (fsck) shows.
   *
   * @throws MetadataException DENIED, NOT_FOUND, NOT_A_DIRECTORY or INVALID_ARGUMENT
   */
  public void checkReadableTree(String path, Caller caller) {
    String[] parts = Paths.parse(path);
    Inode node = resolve(parts, parts.length, path, caller);
    if (node == null) {
      throw notFound(path);
    }
    if (node instanceof DirNode d) {
      checkSubtree(caller, d, Paths.join(parts, parts.length),
          Permissions.READ | Permissions.EXECUTE, "read");
    }
  }

  /**
   * Sets the permission (unless {@code permission} is -1) and the owner and group (unless empty)
   * of {@code path}, with {@code recursive} of everything under it too. Changing the permission is
   * for each entry's owner or the superuser, the owner or group for the superuser only. Every entry
   * is checked before any changes. Returns how many entries were changed.
   *
   * @throws MetadataException DENIED, NOT_FOUND, NOT_A_DIRECTORY or INVALID_ARGUMENT
   */
  public long setAttributes(String path, int permission, String owner, String group,
      boolean recursive, Caller caller) {
    if (permission < -1 || permission > FileEntry.MAX_PERMISSION) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "permission "
          + Integer.toOctalString(permission) + " of '" + path + "' is outside 000..777");
    }
    boolean chown = !owner.isEmpty() || !group.isEmpty();
    if (permission < 0 && !chown) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "nothing to change on '" + path
          + "': give a permission, an owner or a group");
    }
    checkName("owner", owner);
    checkName("group", group);
    String[] parts = Paths.parse(path);
    String p = Paths.join(parts, parts.length);
    checkWritable(parts, p);
    Inode node = resolve(parts, parts.length, path, caller);
    if (node == null) {
      throw notFound(path);
    }
    if (chown && !caller.superuser()) {
      throw new MetadataException(Status.DENIED, "permission denied: "
          + Permissions.who(caller) + " may not change the owner or group of " + p
          + " (only the superuser may)");
    }
    if (permission >= 0 && !caller.superuser()) {
      forEachIn(node, p, recursive, (entryPath, entry) -> {
        if (!caller.user().equals(entry.owner)) {
          throw new MetadataException(Status.DENIED, Permissions.denial(caller,
              "change the permission of", entryPath, entry.owner, entry.group, entry.permission));
        }
      });
    }
    String o = owner.isEmpty() ? null : intern(owner);
    String g = group.isEmpty() ? null : intern(group);
    long[] changed = {0};
    forEachIn(node, p, recursive, (entryPath, entry) -> {
      if (permission >= 0) {
        entry.permission = (short) permission;
      }
      if (o != null) {
        entry.owner = o;
      }
      if (g != null) {
        entry.group = g;
      }
      changed[0]++;
    });
    return changed[0];
  }

  /** An owner or group name: not empty once given, no ':' or '/', no whitespace or controls. */
  private static void checkName(String kind, String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == ':' || c == '/' || Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new MetadataException(Status.INVALID_ARGUMENT, kind + " '" + name
            + "' may not contain ':', '/', whitespace or control characters");
      }
    }
    if (PathLimits.utf8Length(name) > Limits.MAX_NAME_BYTES) {
      throw new MetadataException(Status.INVALID_ARGUMENT, kind + " name is "
          + PathLimits.utf8Length(name) + " bytes, over the limit of " + Limits.MAX_NAME_BYTES);
    }
  }

  /** Visits {@code node} and, with {@code recursive}, everything below it, with their paths. */
  private static void forEachIn(Inode node, String path, boolean recursive,
      BiConsumer<String, Inode> visitor) {
    visitor.accept(path, node);
    if (recursive && node instanceof DirNode d) {
      TreeWalk.PathBuffer paths = new TreeWalk.PathBuffer(path);
      TreeWalk.preOrder(d, (child, depth) -> {
        visitor.accept(paths.enter(child, depth), child);
        return true;
      });
    }
  }

  /** {@code access} on {@code dir} and every directory below it, for the superuser: nothing. */
  private static void checkSubtree(Caller caller, DirNode dir, String path, int access,
      String action) {
    if (caller.superuser()) {
      return;
    }
    forEachIn(dir, path, true, (p, node) -> {
      if (node instanceof DirNode) {
        check(caller, node, access, action, p);
      }
    });
  }

  /** The deepest existing directory on the way to {@code parts}' parent, and its depth. */
  private record Deepest(DirNode dir, int depth) {}

  /**
   * Walks to the parent of {@code parts} as far as it exists, checking traverse on the way and
   * write and execute on the deepest directory reached: the one that gets a new entry.
   */
  private Deepest deepestDirectory(String[] parts, String p, Caller caller) {
    DirNode dir = root;
    int existing = 0;
    for (; existing < parts.length - 1; existing++) {
      check(caller, dir, Permissions.EXECUTE, "traverse", parts, existing);
      Inode child = dir.get(bytes(parts[existing]));
      if (child == null) {
        break;
      }
      if (child instanceof FileNode) {
        throw notADirectory(Paths.join(parts, existing + 1), p);
      }
      dir = (DirNode) child;
    }
    check(caller, dir, WRITE_EXECUTE, "write", parts, existing);
    return new Deepest(dir, existing);
  }

  /** Checks traverse on the existing directories on the way to {@code parts[count - 1]}. */
  private void traverse(String[] parts, int count, Caller caller) {
    Inode node = root;
    for (int i = 0; i < count && node instanceof DirNode dir; i++) {
      check(caller, dir, Permissions.EXECUTE, "traverse", parts, i);
      node = dir.get(bytes(parts[i]));
    }
  }

  private DirNode newDirectory(byte[] name, long time, Caller caller) {
    return new DirNode(name, time, intern(caller.user()), intern(caller.group()),
        DIRECTORY_PERMISSION);
  }

  /**
   * {@link #check(Caller, Inode, int, String, String)} of the entry at the first {@code count}
   * components of {@code parts}, whose path is only built for a denial.
   */
  private static void check(Caller caller, Inode node, int access, String action, String[] parts,
      int count) {
    if (!Permissions.allows(caller, node.owner, node.group, node.permission, access)) {
      check(caller, node, access, action, Paths.join(parts, count));
    }
  }

  /** @throws MetadataException DENIED naming {@code path} unless {@code caller} may */
  private static void check(Caller caller, Inode node, int access, String action, String path) {
    if (!Permissions.allows(caller, node.owner, node.group, node.permission, access)) {
      throw new MetadataException(Status.DENIED, Permissions.denial(caller, action, path,
          node.owner, node.group, node.permission));
    }
  }

  /** A loader that adds checkpointed entries to this (empty) namespace. */
  public NamespaceLoader loader() {
    return new NamespaceLoader(this);
  }

  /**
   * Adds a loaded entry under {@code parent}; see {@link NamespaceLoader}. A loaded file adds
   * itself as a holder of its chunks: the first holder of a handle brings its facts, later ones
   * (a snapshot's copy, a kept version) only count.
   */
  void adopt(DirNode parent, Inode node, List<ChunkRecord> chunks, boolean live) {
    if (node instanceof FileNode f) {
      adoptHolder(f, chunks);
      files += live ? 1 : 0;
    } else {
      directories += live ? 1 : 0;
    }
    parent.put(node);
  }

  /** Loading a checkpoint: {@code v} is version {@code number} of {@code file}, newest first. */
  void adoptVersion(FileNode file, long current, long number, FileNode v) {
    Versions.History h = versions.history(file);
    if (h == null) {
      versions.adopt(file, new Versions.History(current, new FileNode[] {v}, new long[] {number}));
      return;
    }
    int n = h.older.length;
    h.older = java.util.Arrays.copyOf(h.older, n + 1);
    h.numbers = java.util.Arrays.copyOf(h.numbers, n + 1);
    h.older[n] = v;
    h.numbers[n] = number;
  }

  /** A loader of snapshot {@code name} of directory {@code dir} (loading a checkpoint). */
  public NamespaceLoader snapshotLoader(String dir, String name, long created) {
    String[] parts = Paths.parseStored(dir);
    if (!(resolveOrNull(parts, parts.length) instanceof DirNode d)) {
      throw new IllegalStateException("snapshot " + name + " of " + dir
          + ": no such directory");
    }
    if (findSnapshot(d, name) != null) {
      throw new IllegalStateException("snapshot " + name + " of " + dir + " twice");
    }
    DirNode top = new DirNode(bytes(name), d.modified, d.owner, d.group, d.permission);
    Snapshot s = new Snapshot(name, created, top);
    int had = d.snapshots == null ? 0 : d.snapshots.length;
    Snapshot[] next = had == 0 ? new Snapshot[1] : java.util.Arrays.copyOf(d.snapshots, had + 1);
    next[had] = s;
    d.snapshots = next;
    return new NamespaceLoader(this, top, false, () -> {});
  }

  /**
   * A loader of one trash entry of {@code user} (loading a checkpoint): the entry's node is the
   * one entry the section loads under its root.
   */
  public NamespaceLoader trashLoader(String user, String path, long deleted, long expires) {
    DirNode holder = new DirNode(new byte[0], 0, DEFAULT_OWNER, DEFAULT_GROUP, 0);
    return new NamespaceLoader(this, holder, false, () -> {
      if (holder.size() != 1) {
        throw new IllegalStateException("trash entry " + path + " of " + user + " holds "
            + holder.size() + " entries, not one");
      }
      trash.add(new TrashBin.Entry(intern(user), path, deleted, expires,
          holder.childrenAfter(null).iterator().next()));
    });
  }

  /** Receives a detached tree (a snapshot's, a trash entry's) with the visitor that walks it. */
  public interface TreeVisitor {
    void snapshot(String dir, String name, long created, java.util.function.Consumer<EntryVisitor> walk);

    void trash(String user, String path, long deleted, long expires,
        java.util.function.Consumer<EntryVisitor> walk);
  }

  /** Every snapshot and trash entry, for checkpoints: paths in their trees start at "/". */
  public void forEachDetached(TreeVisitor visitor) {
    List<Object[]> withSnapshots = new ArrayList<>();
    if (root.snapshots != null) {
      withSnapshots.add(new Object[] {"/", root});
    }
    TreeWalk.PathBuffer paths = new TreeWalk.PathBuffer("/");
    TreeWalk.preOrder(root, (child, depth) -> {
      String p = paths.enter(child, depth);
      if (child instanceof DirNode d && d.snapshots != null) {
        withSnapshots.add(new Object[] {p, d});
      }
      return true;
    });
    for (Object[] pair : withSnapshots) {
      for (Snapshot s : ((DirNode) pair[1]).snapshots) {
        visitor.snapshot((String) pair[0], s.name, s.created, v -> walkChildren(s.root, v));
      }
    }
    trash.forEach(e -> visitor.trash(e.user, e.path, e.deleted, e.expires, v -> {
      DirNode holder = new DirNode(new byte[0], 0, DEFAULT_OWNER, DEFAULT_GROUP, 0);
      holder.append(e.node);
      walkChildren(holder, v);
    }));
  }

  /** Everything below {@code top} in pre-order, with paths from "/" (top itself excluded). */
  private static void walkChildren(DirNode top, EntryVisitor visitor) {
    TreeWalk.PathBuffer paths = new TreeWalk.PathBuffer("/");
    TreeWalk.preOrder(top, (child, depth) -> {
      visit(paths.enter(child, depth), child, visitor);
      return true;
    });
  }

  /** {@code file}'s kept versions, newest first, without the current one (for checkpoints). */
  public List<Map.Entry<Long, FileNode>> olderVersions(FileNode file) {
    List<Map.Entry<Long, FileNode>> out = new ArrayList<>();
    List<Versions.Version> all = versions.list(file);
    for (int i = 1; i < all.size(); i++) {
      out.add(Map.entry(all.get(i).number(), all.get(i).file()));
    }
    return out;
  }

  /** The number of {@code file}'s current version. */
  public long versionNumber(FileNode file) {
    return versions.list(file).get(0).number();
  }

  /**
   * The holder count of every chunk, recounted by walking every holder in the image (live files,
   * their kept versions, snapshots and trash entries): the check of the counts the chunk table
   * keeps as operations apply (SHARED_CHUNKS.md §2). Costs a walk of the whole image.
   */
  public Map<Long, Integer> recountHolders() {
    Map<Long, Integer> out = new HashMap<>();
    forEachHolder(f -> {
      for (int ci = 0; ci < f.chunkCount(); ci++) {
        out.merge(f.handle(ci), 1, Integer::sum);
      }
    });
    return out;
  }

  /**
   * Calls {@code visitor} with every file that holds chunks: the live tree's files and their kept
   * versions, the files of snapshots and of trash entries (and theirs).
   */
  private void forEachHolder(java.util.function.Consumer<FileNode> visitor) {
    EntryVisitor each = new EntryVisitor() {
      @Override
      public void directory(String path, long modified, String owner, String group, int perm) {}

      @Override
      public void file(String path, FileNode f) {
        for (Versions.Version v : versions.list(f)) {
          visitor.accept(v.file());
        }
      }
    };
    forEachEntry(each);
    forEachDetached(new TreeVisitor() {
      @Override
      public void snapshot(String dir, String name, long created,
          java.util.function.Consumer<EntryVisitor> walk) {
        walk.accept(each);
      }

      @Override
      public void trash(String user, String path, long deleted, long expires,
          java.util.function.Consumer<EntryVisitor> walk) {
        walk.accept(each);
      }
    });
  }

  /** The holder count the chunk table keeps for every referenced chunk. */
  public Map<Long, Integer> holderCounts() {
    Map<Long, Integer> out = new HashMap<>();
    chunkTable.forEach(h -> out.put(h, chunkTable.holders(chunkTable.find(h))));
    return out;
  }

  /** A directory's own policy at {@code path} (null: none), for checkpoints. */
  public Policy ownPolicy(String path) {
    String[] parts = Paths.parseStored(path);
    Inode n = parts.length == 0 ? root : resolveOrNull(parts, parts.length);
    return n instanceof DirNode d ? d.policy : null;
  }

  /** Sets the root's own policy (loading a checkpoint). */
  public void setRootPolicy(Policy policy) {
    root.policy = policy;
  }

  /**
   * Makes this namespace hold what {@code durable} holds (after the operation log failed: the
   * image goes back to what the disk has). {@code durable} must not be used afterwards.
   */
  public void restoreFrom(Namespace durable) {
    this.root = durable.root;
    this.chunkTable = durable.chunkTable;
    this.versions = durable.versions.rebind(this);
    this.trash = durable.trash;
    if (dedupIndex != null) {
      enableDedup();
    }
    this.files = durable.files;
    this.directories = durable.directories;
    this.names.clear();
    this.names.putAll(durable.names);
  }

  /** {@code f} holds {@code chunks} (its own, in order), loading a checkpoint. */
  void adoptHolder(FileNode f, List<ChunkRecord> chunks) {
    for (ChunkRecord c : chunks) {
      chunkTable.addHolder(c, f.replication());
    }
  }

  DirNode root() {
    return root;
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Walks {@code count} components, checking that {@code caller} may traverse every directory it
   * passes through; null if one is missing; NOT_A_DIRECTORY for a file inside.
   */
  private Inode resolve(String[] parts, int count, String path, Caller caller) {
    Inode node = root;
    for (int i = 0; i < count; i++) {
      if (!(node instanceof DirNode dir)) {
        throw notADirectory(Paths.join(parts, i), path);
      }
      check(caller, dir, Permissions.EXECUTE, "traverse", parts, i);
      if (parts[i].equals(SNAPSHOT_DIR)) {
        // DIR/.snapshot lists DIR's snapshots; DIR/.snapshot/NAME/... reads inside one.
        if (i + 1 == count) {
          return snapshotListing(dir);
        }
        Snapshot s = findSnapshot(dir, parts[++i]);
        if (s == null) {
          return null;
        }
        node = s.root;
        continue;
      }
      node = dir.get(bytes(parts[i]));
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  Inode resolveOrNull(String[] parts, int count) {
    Inode node = root;
    for (int i = 0; i < count; i++) {
      if (!(node instanceof DirNode dir)) {
        return null;
      }
      node = dir.get(bytes(parts[i]));
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  FileEntry entry(String path, Inode node) {
    if (node instanceof FileNode f) {
      return new FileEntry(path, false, size(f), f.modified, f.replication(), f.chunkSize(),
          f.chunkCount(), f.owner, f.group, f.permission, encoding(f));
    }
    return new FileEntry(path, true, 0, node.modified, 0, 0, 0, node.owner, node.group,
        node.permission);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String handleText(long h) {
    return dev.granary.wire.ChunkHandles.format(h);
  }

  private static MetadataException notFound(String path) {
    return new MetadataException(Status.NOT_FOUND, "'" + path + "' does not exist");
  }

  private static MetadataException notADirectory(String file, String path) {
    return new MetadataException(Status.NOT_A_DIRECTORY, "'" + file + "' is a file, not a directory"
        + (file.equals(path) ? "" : " (in '" + path + "')"));
  }
}
