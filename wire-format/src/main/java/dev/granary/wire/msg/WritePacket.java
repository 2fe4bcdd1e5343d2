package dev.granary.wire.msg;

import dev.granary.wire.Limits;
import dev.granary.wire.MessageType;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * One packet of a write stream: exactly one checksum block of the replica (all packets but the last
 * carry {@link Limits#BLOCK_SIZE} bytes at a block-aligned offset) with the writer's CRC32C of it. The
 * record owns one reference to {@code data}; whoever consumes it releases it once.
 */
public record WritePacket(int seq, long offset, int crc, boolean last, ByteBuf data)
    implements Message, ReferenceCounted {
  /** @throws IllegalArgumentException if the data exceed one checksum block */
  public WritePacket {
    if (data.readableBytes() > Limits.BLOCK_SIZE) {
      throw new IllegalArgumentException("packet of " + data.readableBytes()
          + " bytes exceeds the block size " + Limits.BLOCK_SIZE);
    }
  }

  /** Bytes of the fields before the data. */
  public static final int FIELDS_LENGTH = 4 + 8 + 4 + 1;

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
    int n = in.readableBytes();
    if (n > Limits.BLOCK_SIZE || (!last && n != Limits.BLOCK_SIZE)) {
      throw new ProtocolException("write packet of " + n + " bytes; expected " + Limits.BLOCK_SIZE
          + (last ? " or fewer" : ""));
    }
    return new WritePacket(seq, offset, crc, last, in.readRetainedSlice(n));
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
        + ", last=" + last + ", bytes=" + data.readableBytes() + "]";
  }
}
