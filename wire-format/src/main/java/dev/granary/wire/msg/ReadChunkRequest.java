package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import dev.granary.wire.security.ChunkToken;
import io.netty.buffer.ByteBuf;

/**
 * Reads {@code length} bytes at {@code offset} of a replica. Answered by {@link ReadPacket}s of up to 16 consecutive checksum blocks covering the range (block-aligned, each block with its stored CRC32C), the last packet flagged; or by ERROR (NO_SUCH_REPLICA, STALE_VERSION, INVALID_ARGUMENT, INTEGRITY, TOKEN_INVALID).
 *
 * <p>{@code token} is the READ token the master handed out with the chunk's location
 * ({@link ChunkToken#NONE} in a cluster without security).
 */
public record ReadChunkRequest(long handle, long version, long offset, long length, ChunkToken token) implements Message {
  /** A request without a token (a cluster without security). */
  public ReadChunkRequest(long handle, long version, long offset, long length) {
    this(handle, version, offset, length, ChunkToken.NONE);
  }

  @Override
  public MessageType type() {
    return MessageType.READ_CHUNK_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(handle);
    out.writeLong(version);
    out.writeLong(offset);
    out.writeLong(length);
    token.encode(out);
  }

  public static ReadChunkRequest decode(ByteBuf in) {
    return new ReadChunkRequest(Codec.readLong(in), Codec.readLong(in),
        Codec.readNonNegativeLong(in, "offset"), Codec.readNonNegativeLong(in, "length"),
        ChunkToken.decode(in));
  }
}
