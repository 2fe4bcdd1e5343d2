package dev.granary.wire.msg;

import dev.granary.wire.Sha256;
import dev.granary.wire.security.ChunkToken;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Chunk {@code index} of a file: its handle, version, length, the live replicas that hold it, the
 * READ token to show them ({@link ChunkToken#NONE} in a cluster without security), and the SHA-256
 * of its bytes the master recorded at commit ({@link Sha256#NONE} for a chunk written before chunks
 * had one).
 */
public record ChunkLocation(int index, long handle, long version, long length,
    List<NodeAddress> replicas, ChunkToken token, Sha256 sha256) {
  /** The smallest encoding: no replicas, the empty token. */
  static final int MIN_BYTES = 4 + 8 + 8 + 8 + 4 + 2 + Sha256.BYTES;

  public ChunkLocation {
    replicas = List.copyOf(replicas);
  }

  /** A location without a token. */
  public ChunkLocation(int index, long handle, long version, long length,
      List<NodeAddress> replicas, Sha256 sha256) {
    this(index, handle, version, length, replicas, ChunkToken.NONE, sha256);
  }

  /** This location with {@code t} as its token. */
  public ChunkLocation withToken(ChunkToken t) {
    return new ChunkLocation(index, handle, version, length, replicas, t, sha256);
  }

  public void encode(ByteBuf out) {
    out.writeInt(index);
    out.writeLong(handle);
    out.writeLong(version);
    out.writeLong(length);
    Codec.writeList(out, replicas, (b, n) -> n.encode(b));
    token.encode(out);
    Codec.writeSha256(out, sha256);
  }

  public static ChunkLocation decode(ByteBuf in) {
    return new ChunkLocation(Codec.readInt(in, 0, Integer.MAX_VALUE, "chunk index"),
        Codec.readLong(in), Codec.readLong(in), Codec.readNonNegativeLong(in, "chunk length"),
        Codec.readList(in, NodeAddress.MIN_BYTES, NodeAddress::decode), ChunkToken.decode(in),
        Codec.readSha256(in));
  }
}
