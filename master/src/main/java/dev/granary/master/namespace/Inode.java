package dev.granary.master.namespace;

import java.nio.charset.StandardCharsets;

/**
 * A namespace entry. Lean on purpose (GFS §2.6.1 keeps all metadata in memory, so every byte per
 * file counts): the name is kept as UTF-8 bytes, shared with the parent's child map key, and there is
 * no parent pointer — operations walk down from the root.
 */
abstract class Inode {
  byte[] name;
  long modified;

  Inode(byte[] name, long modified) {
    this.name = name;
    this.modified = modified;
  }

  String nameString() {
    return new String(name, StandardCharsets.UTF_8);
  }

  abstract boolean isDirectory();
}
