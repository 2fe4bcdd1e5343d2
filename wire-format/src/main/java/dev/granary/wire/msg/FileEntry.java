package dev.granary.wire.msg;

import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * A namespace entry: absolute path, whether it is a directory, size in bytes (0 for directories),
 * modification time in epoch milliseconds, replication goal, chunk size and chunk count (files
 * only), and its owner, group and permission bits (the nine POSIX bits, {@code 0..0777}), and how
 * its bytes are stored ({@link FileEncoding}: {@code size} is what a reader gets, the chunks hold
 * {@link #storedSize()} bytes).
 */
public record FileEntry(String path, boolean directory, long size, long modifiedMillis,
    int replication, long chunkSize, int chunkCount, String owner, String group, int permission,
    FileEncoding encoding) {
  static final int MIN_BYTES = 2 + 1 + 8 + 8 + 4 + 8 + 4 + 2 + 2 + 2 + 1;
  /** The owner and group of every entry of a cluster without identities. */
  public static final String DEFAULT_OWNER = "admin";
  /** Permission bits of a new directory. */
  public static final int DEFAULT_DIRECTORY_PERMISSION = 0755;
  /** Permission bits of a new file. */
  public static final int DEFAULT_FILE_PERMISSION = 0644;
  /** The largest permission value: rwx for owner, group and others (no setuid, setgid, sticky). */
  public static final int MAX_PERMISSION = 0777;

  public FileEntry {
    if (encoding == null) {
      throw new IllegalArgumentException("encoding is null (use FileEncoding.PLAIN)");
    }
    if (permission < 0 || permission > MAX_PERMISSION) {
      throw new IllegalArgumentException("permission " + Integer.toOctalString(permission)
          + " is outside 0..777");
    }
  }

  /** A plain entry (verbatim replicas). */
  public FileEntry(String path, boolean directory, long size, long modifiedMillis,
      int replication, long chunkSize, int chunkCount, String owner, String group,
      int permission) {
    this(path, directory, size, modifiedMillis, replication, chunkSize, chunkCount, owner, group,
        permission, FileEncoding.PLAIN);
  }

  /** Bytes the file's chunks hold: its size, unless it is compressed or encrypted. */
  public long storedSize() {
    return encoding.isPlain() || encoding.storedSize() < 0 ? size : encoding.storedSize();
  }

  /** This entry with {@code e} as its encoding. */
  public FileEntry withEncoding(FileEncoding e) {
    return new FileEntry(path, directory, size, modifiedMillis, replication, chunkSize,
        chunkCount, owner, group, permission, e);
  }

  /**
   * An entry owned by {@link #DEFAULT_OWNER} with the default permission of its kind: what every
   * entry of a cluster without identities looks like.
   */
  public FileEntry(String path, boolean directory, long size, long modifiedMillis,
      int replication, long chunkSize, int chunkCount) {
    this(path, directory, size, modifiedMillis, replication, chunkSize, chunkCount,
        DEFAULT_OWNER, DEFAULT_OWNER,
        directory ? DEFAULT_DIRECTORY_PERMISSION : DEFAULT_FILE_PERMISSION);
  }

  /** The last path component; "/" for the root. */
  public String name() {
    if (path.equals("/")) {
      return "/";
    }
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The permission as three octal digits, e.g. {@code "644"}. */
  public String permissionOctal() {
    return octal(permission);
  }

  /** {@code bits} as three octal digits, e.g. {@code "644"}, {@code "007"}. */
  public static String octal(int bits) {
    String s = Integer.toOctalString(bits);
    return "000".substring(Math.min(3, s.length())) + s;
  }

  public void encode(ByteBuf out) {
    Codec.writeString(out, path);
    Codec.writeBoolean(out, directory);
    out.writeLong(size);
    out.writeLong(modifiedMillis);
    out.writeInt(replication);
    out.writeLong(chunkSize);
    out.writeInt(chunkCount);
    Codec.writeString(out, owner);
    Codec.writeString(out, group);
    out.writeShort(permission);
    encoding.encode(out);
  }

  public static FileEntry decode(ByteBuf in) {
    String path = Codec.readString(in);
    if (path.isEmpty()) {
      throw new ProtocolException("file entry with an empty path");
    }
    boolean directory = Codec.readBoolean(in);
    long size = Codec.readNonNegativeLong(in, "size");
    long modified = Codec.readLong(in);
    int replication = Codec.readInt(in, 0, 255, "replication");
    long chunkSize = Codec.readNonNegativeLong(in, "chunk size");
    int chunkCount = Codec.readInt(in, 0, Integer.MAX_VALUE, "chunk count");
    String owner = Codec.readString(in);
    String group = Codec.readString(in);
    int permission = Codec.readUnsignedShort(in);
    if (permission > MAX_PERMISSION) {
      throw new ProtocolException("file entry permission " + Integer.toOctalString(permission)
          + " is outside 0..777");
    }
    FileEncoding encoding = FileEncoding.decode(in);
    return new FileEntry(path, directory, size, modified, replication, chunkSize, chunkCount,
        owner, group, permission, encoding);
  }
}
