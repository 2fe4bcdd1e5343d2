package dev.granary.master.namespace;

import dev.granary.wire.msg.FileEncoding;
import java.util.Arrays;
import java.util.List;

/**
 * Rebuilds a namespace from a checkpoint's entries, which come in pre-order (a directory before
 * its children). Keeps the directories on the path of the last directory loaded, so an entry's
 * parent is found by comparing its path with that one rather than by a walk from the root: loading
 * costs the bytes of the checkpoint, even for a tree thousands of directories deep. An entry out of
 * that order still loads, by a walk from the root. Paths are checked for structure, not for the
 * namespace limits, so a checkpoint written before a limit existed still loads.
 *
 * @throws IllegalStateException from each method for a duplicate entry, a missing parent or a
 *     chunk referenced twice (the checkpoint is corrupt)
 */
public final class NamespaceLoader {
  private final Namespace namespace;
  /** Whether entries count as live files and directories (not a snapshot's or trash's tree). */
  private final boolean live;
  private final Runnable onFinish;
  /** dirs[d] is the directory at depth d on the path {@code open}; dirs[0] is the root. */
  private DirNode[] dirs = new DirNode[16];
  /** lengths[d] is the length of dirs[d]'s path, a prefix of {@code open} (0 for the root). */
  private int[] lengths = new int[16];
  private int depth;
  /** The path of dirs[depth], "" for the root. */
  private String open = "";

  NamespaceLoader(Namespace namespace) {
    this(namespace, namespace.root(), true, () -> {});
  }

  /**
   * A loader of the detached tree under {@code root} (a snapshot's, a trash entry's): its files
   * hold their chunks but are not counted as live files; {@code onFinish} runs at {@link #finish}.
   */
  NamespaceLoader(Namespace namespace, DirNode root, boolean live, Runnable onFinish) {
    this.namespace = namespace;
    this.live = live;
    this.onFinish = onFinish;
    this.dirs[0] = root;
  }

  /** The tree is complete (a section of the checkpoint ended). */
  public void finish() {
    onFinish.run();
  }

  /** A directory written before entries had owners: admin's, 755. */
  public void directory(String path, long modified) {
    directory(path, modified, Namespace.DEFAULT_OWNER, Namespace.DEFAULT_GROUP,
        Namespace.DIRECTORY_PERMISSION);
  }

  public void directory(String path, long modified, String owner, String group, int permission) {
    directory(path, modified, owner, group, permission, null);
  }

  /** A directory with its own policy (null: none). */
  public void directory(String path, long modified, String owner, String group, int permission,
      Policy policy) {
    Located at = locate(path);
    DirNode d = new DirNode(Namespace.bytes(at.name()), modified, namespace.intern(owner),
        namespace.intern(group), permission);
    d.policy = policy;
    add(at.parent(), d, path);
    push(at.depth(), d, at.path());
  }

  /** A file written before entries had owners: admin's, 644. */
  public void file(String path, long modified, int replication, long chunkSize,
      List<ChunkRecord> chunks) {
    file(path, modified, replication, chunkSize, chunks, Namespace.DEFAULT_OWNER,
        Namespace.DEFAULT_GROUP, Namespace.FILE_PERMISSION);
  }

  public void file(String path, long modified, int replication, long chunkSize,
      List<ChunkRecord> chunks, String owner, String group, int permission) {
    file(path, modified, replication, chunkSize, chunks, owner, group, permission,
        FileEncoding.PLAIN, -1);
  }

  /**
   * A file stored with {@code encoding} (plain with size -1, or compressed/encrypted with the
   * logical {@code size}).
   */
  public void file(String path, long modified, int replication, long chunkSize,
      List<ChunkRecord> chunks, String owner, String group, int permission,
      FileEncoding encoding, long size) {
    Located at = locate(path);
    FileNode f = FileNode.of(Namespace.bytes(at.name()), modified, replication, chunkSize,
        FileNode.handlesOf(chunks), namespace.intern(owner), namespace.intern(group), permission,
        encoding, size);
    if (at.parent().get(f.name) != null) {
      throw new IllegalStateException("duplicate entry " + path);
    }
    namespace.adopt(at.parent(), f, chunks, live);
    lastFile = f;
    lastFilePath = path;
  }

  private FileNode lastFile;
  private String lastFilePath;

  /**
   * A kept version of the file loaded last (at {@code path}), whose current version is
   * {@code current}; versions come newest first.
   */
  public void version(String path, long current, long number, long modified, int replication,
      long chunkSize, List<ChunkRecord> chunks, String owner, String group, int permission) {
    version(path, current, number, modified, replication, chunkSize, chunks, owner, group,
        permission, FileEncoding.PLAIN, -1);
  }

  /** A kept version stored with {@code encoding} (see {@link #file}). */
  public void version(String path, long current, long number, long modified, int replication,
      long chunkSize, List<ChunkRecord> chunks, String owner, String group, int permission,
      FileEncoding encoding, long size) {
    if (lastFile == null || !path.equals(lastFilePath)) {
      throw new IllegalStateException("version " + number + " of " + path
          + " does not follow its file");
    }
    FileNode v = FileNode.of(lastFile.name, modified, replication, chunkSize,
        FileNode.handlesOf(chunks), namespace.intern(owner), namespace.intern(group), permission,
        encoding, size);
    namespace.adoptHolder(v, chunks);
    namespace.adoptVersion(lastFile, current, number, v);
  }

  /** Where an entry goes: its parent, its name, its depth and its normalized path. */
  private record Located(DirNode parent, String name, int depth, String path) {}

  private Located locate(String path) {
    // The common case, a child of the open directory, is found without splitting the path: a
    // deep tree's paths are long, and splitting each would cost a string per ancestor.
    int slash = path.lastIndexOf('/');
    if (slash == open.length() && path.startsWith(open)) {
      String name = path.substring(slash + 1);
      if (!name.isEmpty() && !name.equals(".") && !name.equals("..")) {
        return new Located(dirs[depth], name, depth + 1, path);
      }
    }
    String[] parts = Paths.parseStored(path);
    return new Located(parent(parts, path), parts[parts.length - 1], parts.length,
        Paths.join(parts, parts.length));
  }

  private void add(DirNode parent, Inode node, String path) {
    if (parent.get(node.name) != null) {
      throw new IllegalStateException("duplicate entry " + path);
    }
    namespace.adopt(parent, node, List.of(), live);
  }

  private DirNode parent(String[] parts, String path) {
    if (parts.length == 0) {
      throw new IllegalStateException("the root cannot be loaded as an entry");
    }
    int d = parts.length - 1;
    String parentPath = d == 0 ? "" : Paths.join(parts, d);
    if (d <= depth && lengths[d] == parentPath.length()
        && open.regionMatches(0, parentPath, 0, parentPath.length())) {
      return dirs[d];
    }
    // Not on the open path: walk from the root and open the path of this parent.
    DirNode dir = dirs[0];
    int len = 0;
    for (int i = 0; i < d; i++) {
      Inode child = dir.get(Namespace.bytes(parts[i]));
      if (!(child instanceof DirNode c)) {
        throw new IllegalStateException("parent of " + path + " is missing or not a directory");
      }
      dir = c;
      len += 1 + parts[i].length();
      set(i + 1, c, len);
    }
    depth = d;
    open = parentPath;
    return dir;
  }

  /** Makes {@code dir} the open directory at {@code at}. */
  private void push(int at, DirNode dir, String path) {
    set(at, dir, path.length());
    depth = at;
    open = path;
  }

  private void set(int at, DirNode dir, int length) {
    if (at >= dirs.length) {
      dirs = Arrays.copyOf(dirs, dirs.length * 2);
      lengths = Arrays.copyOf(lengths, dirs.length);
    }
    dirs[at] = dir;
    lengths[at] = length;
  }
}
