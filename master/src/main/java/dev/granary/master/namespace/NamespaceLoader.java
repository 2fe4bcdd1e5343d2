package dev.granary.master.namespace;

/**
 * Rebuilds a namespace from a checkpoint's entries, which come in pre-order (a directory before
 * its children). Remembers the last directory so that the common case (siblings in a row) costs
 * one child-map insert rather than a walk from the root.
 *
 * @throws IllegalStateException from each method for a duplicate entry, a missing parent or a
 *     chunk referenced twice (the checkpoint is corrupt)
 */
public final class NamespaceLoader {
  private final Namespace namespace;
  private String lastDirPath = "/";
  private DirNode lastDir;

  NamespaceLoader(Namespace namespace) {
    this.namespace = namespace;
    this.lastDir = namespace.root();
  }

  public void directory(String path, long modified) {
    String[] parts = Paths.parse(path);
    DirNode parent = parent(parts, path);
    DirNode d = new DirNode(Namespace.bytes(parts[parts.length - 1]), modified);
    add(parent, d, path);
  }

  public void file(String path, long modified, int replication, long chunkSize, long[] chunks) {
    String[] parts = Paths.parse(path);
    DirNode parent = parent(parts, path);
    add(parent, new FileNode(Namespace.bytes(parts[parts.length - 1]), modified, replication,
        chunkSize, chunks), path);
  }

  private void add(DirNode parent, Inode node, String path) {
    if (parent.get(node.name) != null) {
      throw new IllegalStateException("duplicate entry " + path);
    }
    namespace.adopt(parent, node);
  }

  private DirNode parent(String[] parts, String path) {
    if (parts.length == 0) {
      throw new IllegalStateException("the root cannot be loaded as an entry");
    }
    String parentPath = Paths.join(parts, parts.length - 1);
    if (!parentPath.equals(lastDirPath)) {
      Inode p = namespace.resolveOrNull(parts, parts.length - 1);
      if (!(p instanceof DirNode d)) {
        throw new IllegalStateException("parent of " + path + " is missing or not a directory");
      }
      lastDir = d;
      lastDirPath = parentPath;
    }
    return lastDir;
  }
}
