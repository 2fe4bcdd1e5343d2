package dev.granary.wire.msg;

import dev.granary.wire.Limits;
import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * The chunks of a {@link ChunkMatchRequest} the master already holds for the writer: for each, the
 * chunk's index in the file and the held chunk with that length and SHA-256 (its handle, version
 * and CRC digest, to name in the commit with no replica ids). Chunks not listed must be sent.
 */
public record ChunkMatchResponse(List<ChunkMatch> matches) implements Message {
  /** Chunk {@code index} of the file is held as {@code handle}. */
  public record ChunkMatch(int index, long handle, long version, long length, long digest) {
    static final int BYTES = 4 + 8 + 8 + 8 + 8;

    void encode(ByteBuf out) {
      out.writeInt(index);
      out.writeLong(handle);
      out.writeLong(version);
      out.writeLong(length);
      out.writeLong(digest);
    }

    static ChunkMatch decode(ByteBuf in) {
      return new ChunkMatch(Codec.readInt(in, 0, Integer.MAX_VALUE, "chunk index"),
          Codec.readLong(in), Codec.readLong(in), Codec.readPositiveLong(in, "chunk length"),
          Codec.readLong(in));
    }
  }

  public ChunkMatchResponse {
    matches = List.copyOf(matches);
  }

  @Override
  public MessageType type() {
    return MessageType.CHUNK_MATCH_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeList(out, matches, (o, m) -> m.encode(o));
  }

  public static ChunkMatchResponse decode(ByteBuf in) {
    return new ChunkMatchResponse(Codec.readList(in, ChunkMatch.BYTES, Limits.MAX_MATCH_CHUNKS,
        "chunk match", ChunkMatch::decode));
  }
}
