package dev.granary.master.namespace;

import dev.granary.master.security.Caller;
import dev.granary.master.security.Permissions;
import dev.granary.wire.Limits;
import dev.granary.wire.PathLimits;
import dev.granary.wire.Status;
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
  private final DirNode root = new DirNode(new byte[0], 0, DEFAULT_OWNER, DEFAULT_GROUP,
      DIRECTORY_PERMISSION);
  private final ChunkTable chunkTable = new ChunkTable();
  private long files;
  private long directories;

  /**
   * What a commit did: the new entry and the chunks that are no longer referenced, as pairs of
   * (handle, version).
   */
  public record CommitResult(FileEntry entry, long[] garbage) {}

  /** What a delete did: counts and the chunks of the removed files as (handle, version) pairs. */
  public record DeleteResult(long files, long directories, long[] garbage) {}

  /** A resolved file and its normalized path. */
  public record ResolvedFile(String path, FileNode file) {
    /** The file's entry, as STAT answers it. */
    public FileEntry entry() {
      return Namespace.entry(path, file);
    }
  }

  /** One page of a directory listing. */
  public record Listing(List<FileEntry> entries, boolean more) {}

  /**
   * Receives the tree in pre-order (parents before children, children in name order). A file's
   * owner, group and permission are on its {@link FileNode}.
   */
  public interface EntryVisitor {
    void directory(String path, long modified, String owner, String group, int permission);

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
      return new ResolvedFile(p, f);
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
      long cost = 48 + (childPath.length() + child.owner.length() + child.group.length()) * 3L;
      if (out.size() >= max || budget < cost) {
        return new Listing(out, true);
      }
      budget -= cost;
      out.add(entry(childPath, child));
    }
    return new Listing(out, false);
  }

  /** The file referencing {@code handle}, or null. */
  public FileNode fileOf(long handle) {
    return chunkTable.file(handle);
  }

  /** The index of {@code handle} in {@link #fileOf}, or -1. */
  public int indexOf(long handle) {
    return chunkTable.index(handle);
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
      visitor.directory(path, node.modified, node.owner, node.group, node.permission);
    }
    TreeWalk.PathBuffer paths = new TreeWalk.PathBuffer(path);
    TreeWalk.preOrder((DirNode) node, (child, depth) -> {
      String p = paths.enter(child, depth);
      if (child instanceof FileNode f) {
        visitor.file(p, f);
      } else {
        visitor.directory(p, child.modified, child.owner, child.group, child.permission);
      }
      return true;
    });
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
    long[] chunks = ChunkRecord.pack(chunkList);
    String[] parts = Paths.parse(path);
    String p = Paths.join(parts, parts.length);
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
    for (int i = 0; i < chunks.length; i += FileNode.STRIDE) {
      long h = chunks[i];
      FileNode owner = chunkTable.file(h);
      if (owner != null && owner != old) {
        throw new MetadataException(Status.INVALID_ARGUMENT, "chunk " + handleText(h)
            + " of '" + p + "' already belongs to another file");
      }
      for (int j = 0; j < i; j += FileNode.STRIDE) {
        if (chunks[j] == h) {
          throw new MetadataException(Status.INVALID_ARGUMENT, "chunk " + handleText(h)
              + " appears twice in '" + p + "'");
        }
      }
    }
    // Apply.
    for (int i = existing; i < parts.length - 1; i++) {
      DirNode created = newDirectory(bytes(parts[i]), time, caller);
      dir.put(created);
      dir.modified = time;
      directories++;
      dir = created;
    }
    FileNode file = new FileNode(name, time, replication, chunkSize, chunks, intern(caller.user()),
        intern(caller.group()), FILE_PERMISSION);
    long[] garbage = FileNode.NO_CHUNKS;
    if (old != null) {
      garbage = removeHandles(old, chunks);
      files--;
    }
    dir.put(file);
    dir.modified = time;
    files++;
    for (int i = 0; i < file.chunkCount(); i++) {
      chunkTable.put(file.handle(i), file, i);
    }
    return new CommitResult(entry(p, file), garbage);
  }

  /**
   * Deletes a file or directory (a non-empty one only with {@code recursive}). The caller needs
   * write and execute on the parent and, with {@code recursive}, read, write and execute on every
   * directory it removes (as HDFS asks); one it lacks refuses the whole delete.
   */
  public DeleteResult delete(String path, boolean recursive, long time, Caller caller) {
    String[] parts = Paths.parse(path);
    String p = Paths.join(parts, parts.length);
    if (parts.length == 0) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "cannot delete the root directory '/'");
    }
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
    parent.remove(name);
    parent.modified = time;
    long[] counts = new long[2];
    LongList garbage = new LongList();
    removeSubtree(target, counts, garbage);
    files -= counts[0];
    directories -= counts[1];
    return new DeleteResult(counts[0], counts[1], garbage.toArray());
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

  /** Counts a removed node; a file's chunks leave the chunk table and become garbage. */
  private void removeOne(Inode node, long[] counts, LongList garbage) {
    if (node instanceof FileNode f) {
      counts[0]++;
      for (int i = 0; i < f.chunkCount(); i++) {
        chunkTable.remove(f.handle(i));
        garbage.add(f.handle(i));
        garbage.add(f.version(i));
      }
    } else {
      counts[1]++;
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
    FileNode f = chunkTable.file(handle);
    if (f == null) {
      return false;
    }
    f.setChunk(chunkTable.index(handle), length, digest);
    return true;
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

  /** Adds a loaded entry under {@code parent}; see {@link NamespaceLoader}. */
  void adopt(DirNode parent, Inode node) {
    if (node instanceof FileNode f) {
      for (int i = 0; i < f.chunkCount(); i++) {
        if (chunkTable.file(f.handle(i)) != null) {
          throw new IllegalStateException("chunk " + handleText(f.handle(i))
              + " belongs to two files");
        }
        chunkTable.put(f.handle(i), f, i);
      }
      files++;
    } else {
      directories++;
    }
    parent.put(node);
  }

  DirNode root() {
    return root;
  }

  // ---------------------------------------------------------------- helpers

  private long[] removeHandles(FileNode old, long[] keep) {
    LongList garbage = new LongList();
    outer:
    for (int i = 0; i < old.chunkCount(); i++) {
      long h = old.handle(i);
      for (int j = 0; j < keep.length; j += FileNode.STRIDE) {
        if (keep[j] == h) {
          continue outer;
        }
      }
      chunkTable.remove(h);
      garbage.add(h);
      garbage.add(old.version(i));
    }
    return garbage.toArray();
  }

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

  static FileEntry entry(String path, Inode node) {
    if (node instanceof FileNode f) {
      return new FileEntry(path, false, f.size(), f.modified, f.replication(), f.chunkSize(),
          f.chunkCount(), f.owner, f.group, f.permission);
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
