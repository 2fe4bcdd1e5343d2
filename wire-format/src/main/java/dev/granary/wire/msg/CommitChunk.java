package dev.granary.wire.msg;

import dev.granary.wire.Sha256;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * A chunk a client has stored, as it tells the master when it commits the file: {@code sha256} is
 * the SHA-256 of its bytes, which every replica's chunkserver checked before committing.
 */
public record CommitChunk(long handle, long version, long length, long digest,
    List<String> replicaIds, Sha256 sha256) {
  /** The smallest encoding: no replica ids. */
  static final int MIN_BYTES = 8 + 8 + 8 + 8 + 4 + Sha256.BYTES;

  public CommitChunk {
    replicaIds = List.copyOf(replicaIds);
  }

  public void encode(ByteBuf out) {
    out.writeLong(handle);
    out.writeLong(version);
    out.writeLong(length);
    out.writeLong(digest);
    Codec.writeStrings(out, replicaIds);
    Codec.writeSha256(out, sha256);
  }

  public static CommitChunk decode(ByteBuf in) {
    return new CommitChunk(Codec.readLong(in), Codec.readLong(in),
        Codec.readNonNegativeLong(in, "chunk length"), Codec.readLong(in), Codec.readStrings(in),
        Codec.readSha256(in));
  }
}
