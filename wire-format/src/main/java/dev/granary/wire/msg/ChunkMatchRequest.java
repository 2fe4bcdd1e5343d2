package dev.granary.wire.msg;

import dev.granary.wire.Limits;
import dev.granary.wire.MessageType;
import dev.granary.wire.Sha256;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Before it writes {@code path}, a writer tells the master the length and SHA-256 of each chunk it
 * is about to send (chunks {@code firstIndex} onward) and asks which the master already holds for
 * it: chunks of the file it replaces and its kept versions (a delta update), and with
 * {@code master.dedup} chunks of the caller's own files. Answered by {@link ChunkMatchResponse}:
 * advice, not a reservation (a commit that names a chunk freed meanwhile is refused with
 * CHUNK_GONE and the writer sends it).
 */
public record ChunkMatchRequest(String path, int firstIndex, List<ChunkDigest> chunks)
    implements Message {
  /** A chunk's length and SHA-256. */
  public record ChunkDigest(long length, Sha256 sha256) {
    static final int BYTES = 8 + Sha256.BYTES;

    void encode(ByteBuf out) {
      out.writeLong(length);
      Codec.writeSha256(out, sha256);
    }

    static ChunkDigest decode(ByteBuf in) {
      return new ChunkDigest(Codec.readPositiveLong(in, "chunk length"), Codec.readSha256(in));
    }
  }

  public ChunkMatchRequest {
    chunks = List.copyOf(chunks);
  }

  @Override
  public MessageType type() {
    return MessageType.CHUNK_MATCH_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, path);
    out.writeInt(firstIndex);
    Codec.writeList(out, chunks, (o, c) -> c.encode(o));
  }

  public static ChunkMatchRequest decode(ByteBuf in) {
    return new ChunkMatchRequest(Codec.readString(in),
        Codec.readInt(in, 0, Integer.MAX_VALUE, "first chunk index"),
        Codec.readList(in, ChunkDigest.BYTES, Limits.MAX_MATCH_CHUNKS, "chunk digest",
            ChunkDigest::decode));
  }
}
