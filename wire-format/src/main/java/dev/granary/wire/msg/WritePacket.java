package dev.granary.wire.msg;

import dev.granary.wire.Limits;
import dev.granary.wire.MessageType;
import dev.granary.wire.ProtocolException;
import dev.granary.wire.Sha256;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * One packet of a write stream: exactly one checksum block of the replica (all packets but the last
 * carry {@link Limits#BLOCK_SIZE} bytes at a block-aligned offset) with the writer's CRC32C of it. The
 * record owns one reference to {@code data}; whoever consumes it releases it once.
 *
 * <p>The last packet also carries {@code sha256}, the SHA-256 the writer expects of the whole
 * replica: a writer that streams its source knows it only once it has read the last block, and
 * every node of the pipeline needs it only then, before it commits. {@link Sha256#NONE} asks for no
 * check (a copy of a replica stored before replicas had one); it is the only value a packet that is
 * not the last may carry, and it is not sent for one.
 */
public record WritePacket(int seq, long offset, int crc, boolean last, Sha256 sha256, ByteBuf data)
    implements Message, ReferenceCounted {
  /**
   * @throws IllegalArgumentException if the data exceed one checksum block, or a packet that is
   *     not the last carries a SHA-256
   */
  public WritePacket {
    if (data.readableBytes() > Limits.BLOCK_SIZE) {
      throw new IllegalArgumentException("packet of " + data.readableBytes()
          + " bytes exceeds the block size " + Limits.BLOCK_SIZE);
    }
    if (!last && !sha256.isNone()) {
      throw new IllegalArgumentException("packet " + seq + " is not the last: it carries no "
          + "SHA-256 of the replica");
    }
  }

  /** A packet asking for no SHA-256 check of the replica. */
  public WritePacket(int seq, long offset, int crc, boolean last, ByteBuf data) {
    this(seq, offset, crc, last, Sha256.NONE, data);
  }

  @Override
  public MessageType type() {
    return MessageType.WRITE_PACKET;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeInt(seq);
    out.writeLong(offset);
    out.writeInt(crc);
    Codec.writeBoolean(out, last);
    if (last) {
      Codec.writeSha256(out, sha256);
    }
  }

  @Override
  public ByteBuf bulk() {
    return data;
  }

  public static WritePacket decode(ByteBuf in) {
    int seq = Codec.readInt(in, 0, Integer.MAX_VALUE, "seq");
    long offset = Codec.readNonNegativeLong(in, "offset");
    if (offset % Limits.BLOCK_SIZE != 0) {
      throw new ProtocolException("write packet offset " + offset + " is not block-aligned");
    }
    int crc = Codec.readInt(in);
    boolean last = Codec.readBoolean(in);
    Sha256 sha256 = last ? Codec.readSha256(in) : Sha256.NONE;
    int n = in.readableBytes();
    if (n > Limits.BLOCK_SIZE || (!last && n != Limits.BLOCK_SIZE)) {
      throw new ProtocolException("write packet of " + n + " bytes; expected " + Limits.BLOCK_SIZE
          + (last ? " or fewer" : ""));
    }
    return new WritePacket(seq, offset, crc, last, sha256, in.readRetainedSlice(n));
  }

  @Override
  public int refCnt() {
    return data.refCnt();
  }

  @Override
  public WritePacket retain() {
    data.retain();
    return this;
  }

  @Override
  public WritePacket retain(int increment) {
    data.retain(increment);
    return this;
  }

  @Override
  public WritePacket touch() {
    data.touch();
    return this;
  }

  @Override
  public WritePacket touch(Object hint) {
    data.touch(hint);
    return this;
  }

  @Override
  public boolean release() {
    return data.release();
  }

  @Override
  public boolean release(int decrement) {
    return data.release(decrement);
  }

  @Override
  public String toString() {
    return "WritePacket[seq=" + seq + ", offset=" + offset + ", crc=" + Integer.toHexString(crc)
        + ", last=" + last + (last ? ", sha256=" + sha256 : "") + ", bytes="
        + data.readableBytes() + "]";
  }
}
