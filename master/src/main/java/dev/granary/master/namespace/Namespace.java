package dev.granary.master.namespace;

import dev.granary.wire.Limits;
import dev.granary.wire.PathLimits;
import dev.granary.wire.Status;
import dev.granary.wire.msg.FileEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * The directory tree and the chunk handles its files reference: the persistent half of the master's
 * metadata (GFS §2.6: namespace and file-to-chunk mapping; replica locations are soft state kept
 * elsewhere). Every mutation is validated completely before anything changes, so a refused operation
 * leaves no trace, and is deterministic given its arguments (time included): replaying the
 * operation log reproduces the same tree and the same answers.
 *
 * <p>Not thread-safe: the owner serializes mutations and excludes them from readers.
 */
public final class Namespace {
  private final DirNode root = new DirNode(new byte[0], 0);
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
  public record ResolvedFile(String path, FileNode file) {}

  /** One page of a directory listing. */
  public record Listing(List<FileEntry> entries, boolean more) {}

  /** Receives the tree in pre-order (parents before children, children in name order). */
  public interface EntryVisitor {
    void directory(String path, long modified);

    void file(String path, FileNode file);
  }

  /** Modification time of the root directory (kept in checkpoints). */
  public long rootModified() {
    return root.modified;
  }

  public void setRootModified(long modified) {
    root.modified = modified;
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

  /** @throws MetadataException NOT_FOUND, NOT_A_DIRECTORY or INVALID_ARGUMENT */
  public FileEntry stat(String path) {
    String[] parts = Paths.parse(path);
    Inode node = resolve(parts, parts.length, path);
    if (node == null) {
      throw notFound(path);
    }
    return entry(Paths.join(parts, parts.length), node);
  }

  /** A file for reading. @throws MetadataException NOT_FOUND, IS_A_DIRECTORY, INVALID_ARGUMENT */
  public ResolvedFile file(String path) {
    String[] parts = Paths.parse(path);
    Inode node = resolve(parts, parts.length, path);
    String p = Paths.join(parts, parts.length);
    if (node == null) {
      throw notFound(path);
    }
    if (node instanceof FileNode f) {
      return new ResolvedFile(p, f);
    }
    throw new MetadataException(Status.IS_A_DIRECTORY, "'" + p + "' is a directory");
  }

  /**
   * Lists a directory in name order after {@code startAfter} (empty: from the start), at most
   * {@code limit} entries (capped by {@link Limits#MAX_LIST_ENTRIES} and the control frame size).
   * Listing a file gives that file.
   */
  public Listing list(String path, String startAfter, int limit) {
    String[] parts = Paths.parse(path);
    Inode node = resolve(parts, parts.length, path);
    String p = Paths.join(parts, parts.length);
    if (node == null) {
      throw notFound(path);
    }
    if (node instanceof FileNode) {
      return new Listing(List.of(entry(p, node)), false);
    }
    DirNode dir = (DirNode) node;
    int max = Math.max(1, Math.min(limit, Limits.MAX_LIST_ENTRIES));
    byte[] after = startAfter == null || startAfter.isEmpty() ? null
        : startAfter.getBytes(StandardCharsets.UTF_8);
    List<FileEntry> out = new ArrayList<>(Math.min(max, dir.size()));
    // Stay well inside the 1 MiB control frame: each entry costs its path plus 35 bytes.
    long budget = Limits.MAX_CONTROL_PAYLOAD - 4096;
    String prefix = p.equals("/") ? "/" : p + "/";
    for (Inode child : dir.childrenAfter(after)) {
      String childPath = prefix + child.nameString();
      long cost = 40 + childPath.length() * 3L;
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
    Inode node = resolve(parts, parts.length, path);
    if (node == null) {
      throw notFound(path);
    }
    walk(Paths.join(parts, parts.length), node, new EntryVisitor() {
      @Override
      public void directory(String p, long modified) {}

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
      visitor.directory(path, node.modified);
    }
    TreeWalk.PathBuffer paths = new TreeWalk.PathBuffer(path);
    TreeWalk.preOrder((DirNode) node, (child, depth) -> {
      String p = paths.enter(child, depth);
      if (child instanceof FileNode f) {
        visitor.file(p, f);
      } else {
        visitor.directory(p, child.modified);
      }
      return true;
    });
  }

  // ---------------------------------------------------------------- mutations

  /** Creates a directory (with {@code parents}: and its missing parents; existing ones are fine). */
  public FileEntry mkdir(String path, boolean parents, long time) {
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
      byte[] name = bytes(parts[i]);
      Inode child = dir.get(name);
      boolean last = i == parts.length - 1;
      if (child == null) {
        if (!last && !parents) {
          throw new MetadataException(Status.NOT_FOUND, "cannot create '" + p + "': parent '"
              + Paths.join(parts, i + 1) + "' does not exist (use -p to create parents)");
        }
        DirNode created = new DirNode(name, time);
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
   * replaces an existing file with {@code chunks}, in file order.
   */
  public CommitResult commit(String path, boolean overwrite, int replication, long chunkSize,
      List<ChunkRecord> chunkList, long time) {
    long[] chunks = ChunkRecord.pack(chunkList);
    String[] parts = Paths.parse(path);
    String p = Paths.join(parts, parts.length);
    if (parts.length == 0) {
      throw new MetadataException(Status.IS_A_DIRECTORY, "'/' is a directory");
    }
    // Validate everything first: a refused commit must change nothing.
    DirNode dir = root;
    int existing = 0;
    for (; existing < parts.length - 1; existing++) {
      Inode child = dir.get(bytes(parts[existing]));
      if (child == null) {
        break;
      }
      if (child instanceof FileNode) {
        throw notADirectory(Paths.join(parts, existing + 1), p);
      }
      dir = (DirNode) child;
    }
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
      DirNode created = new DirNode(bytes(parts[i]), time);
      dir.put(created);
      dir.modified = time;
      directories++;
      dir = created;
    }
    FileNode file = new FileNode(name, time, replication, chunkSize, chunks);
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

  /** Deletes a file or directory (a non-empty one only with {@code recursive}). */
  public DeleteResult delete(String path, boolean recursive, long time) {
    String[] parts = Paths.parse(path);
    String p = Paths.join(parts, parts.length);
    if (parts.length == 0) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "cannot delete the root directory '/'");
    }
    Inode parentNode = resolve(parts, parts.length - 1, path);
    if (!(parentNode instanceof DirNode parent)) {
      throw notFound(path);
    }
    byte[] name = bytes(parts[parts.length - 1]);
    Inode target = parent.get(name);
    if (target == null) {
      throw notFound(path);
    }
    if (target instanceof DirNode d && !d.isEmpty() && !recursive) {
      throw new MetadataException(Status.NOT_EMPTY, "directory '" + p
          + "' is not empty (use -r to delete it and everything under it)");
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
   * Returns the entry at its final path.
   */
  public FileEntry rename(String source, String destination, long time) {
    String[] src = Paths.parse(source);
    String[] dst = Paths.parse(destination);
    String srcPath = Paths.join(src, src.length);
    if (src.length == 0) {
      throw new MetadataException(Status.INVALID_ARGUMENT, "cannot move the root directory '/'");
    }
    Inode srcParentNode = resolve(src, src.length - 1, source);
    Inode node = srcParentNode instanceof DirNode sp ? sp.get(bytes(src[src.length - 1])) : null;
    if (node == null) {
      throw notFound(source);
    }
    DirNode srcParent = (DirNode) srcParentNode;
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
    Inode finParentNode = resolveForRename(fin, finPath);
    DirNode finParent = (DirNode) finParentNode;
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

  private Inode resolveForRename(String[] fin, String finPath) {
    DirNode dir = root;
    for (int i = 0; i < fin.length - 1; i++) {
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

  /** Walks {@code count} components; null if one is missing; NOT_A_DIRECTORY for a file inside. */
  private Inode resolve(String[] parts, int count, String path) {
    Inode node = root;
    for (int i = 0; i < count; i++) {
      if (!(node instanceof DirNode dir)) {
        throw notADirectory(Paths.join(parts, i), path);
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

  static FileEntry entry(String path, Inode node) {
    if (node instanceof FileNode f) {
      return new FileEntry(path, false, f.size(), f.modified, f.replication(), f.chunkSize(),
          f.chunkCount());
    }
    return new FileEntry(path, true, 0, node.modified, 0, 0, 0);
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
