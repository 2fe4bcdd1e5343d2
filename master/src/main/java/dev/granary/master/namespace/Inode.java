package dev.granary.master.namespace;

import java.nio.charset.StandardCharsets;

/**
 * A namespace entry. Lean on purpose (GFS §2.6.1 keeps all metadata in memory, so every byte per
 * file counts): the name is kept as UTF-8 bytes, shared with the parent's child map key, and there is
 * no parent pointer — operations walk down from the root. Owner and group are references to one
 * interned string per distinct name (see {@link Namespace#intern}) and the nine permission bits a
 * {@code short}: about ten bytes per entry.
 */
abstract class Inode {
  byte[] name;
  long modified;
  String owner;
  String group;
  short permission;

  Inode(byte[] name, long modified, String owner, String group, int permission) {
    this.name = name;
    this.modified = modified;
    this.owner = owner;
    this.group = group;
    this.permission = (short) permission;
  }

  String nameString() {
    return new String(name, StandardCharsets.UTF_8);
  }

  /** The owning user. */
  public final String owner() {
    return owner;
  }

  /** The owning group. */
  public final String group() {
    return group;
  }

  /** The nine POSIX permission bits, {@code 0..0777}. */
  public final int permission() {
    return permission;
  }

  abstract boolean isDirectory();
}
