package dev.granary.master.namespace;

/**
 * A read-only copy of a directory's tree as it was at {@code created}: its own directory and file
 * nodes (a file's copy shares the original's handle array), holding the same chunks. Files are
 * immutable once committed, so sharing chunks is already copy-on-write for their bytes (GFS §3.4);
 * later deletes and replacements in the live tree drop only the live tree's holders.
 */
final class Snapshot {
  final String name;
  final long created;
  final DirNode root;

  Snapshot(String name, long created, DirNode root) {
    this.name = name;
    this.created = created;
    this.root = root;
  }
}
