package dev.granary.wire.msg;

import dev.granary.wire.Limits;
import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * The versions of file {@code path}, newest first: the current contents are the first entry, then
 * the replaced versions its directory policy keeps ({@code keepVersions}). A file without kept
 * versions has exactly one.
 */
public record VersionsResponse(String path, List<FileVersion> versions) implements Message {
  /** Most versions one reply carries: the current contents and the most a policy keeps. */
  public static final int MAX_VERSIONS = Limits.MAX_KEEP_VERSIONS + 1;

  /**
   * One version of a file: its number ({@code >= 1}, growing by one with each replacement), size in
   * bytes and modification time in epoch milliseconds.
   */
  public record FileVersion(long version, long size, long modified) {
    static final int BYTES = 8 + 8 + 8;

    void encode(ByteBuf out) {
      out.writeLong(version);
      out.writeLong(size);
      out.writeLong(modified);
    }

    static FileVersion decode(ByteBuf in) {
      return new FileVersion(Codec.readPositiveLong(in, "file version"),
          Codec.readNonNegativeLong(in, "version size"),
          Codec.readLong(in));
    }
  }

  public VersionsResponse {
    versions = List.copyOf(versions);
  }

  @Override
  public MessageType type() {
    return MessageType.VERSIONS_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, path);
    Codec.writeList(out, versions, (o, v) -> v.encode(o));
  }

  public static VersionsResponse decode(ByteBuf in) {
    return new VersionsResponse(Codec.readString(in), Codec.readList(in, FileVersion.BYTES,
        MAX_VERSIONS, "file version", FileVersion::decode));
  }
}
