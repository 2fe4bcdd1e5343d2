package dev.granary.wire.msg;

import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * A namespace entry: absolute path, whether it is a directory, size in bytes (0 for directories),
 * modification time in epoch milliseconds, replication goal, chunk size and chunk count (files only).
 */
public record FileEntry(String path, boolean directory, long size, long modifiedMillis,
    int replication, long chunkSize, int chunkCount) {
  static final int MIN_BYTES = 2 + 1 + 8 + 8 + 4 + 8 + 4;

  /** The last path component; "/" for the root. */
  public String name() {
    if (path.equals("/")) {
      return "/";
    }
    return path.substring(path.lastIndexOf('/') + 1);
  }

  public void encode(ByteBuf out) {
    Codec.writeString(out, path);
    Codec.writeBoolean(out, directory);
    out.writeLong(size);
    out.writeLong(modifiedMillis);
    out.writeInt(replication);
    out.writeLong(chunkSize);
    out.writeInt(chunkCount);
  }

  public static FileEntry decode(ByteBuf in) {
    String path = Codec.readString(in);
    if (path.isEmpty()) {
      throw new ProtocolException("file entry with an empty path");
    }
    return new FileEntry(path, Codec.readBoolean(in), Codec.readNonNegativeLong(in, "size"),
        Codec.readLong(in), Codec.readInt(in, 0, 255, "replication"),
        Codec.readNonNegativeLong(in, "chunk size"),
        Codec.readInt(in, 0, Integer.MAX_VALUE, "chunk count"));
  }
}
