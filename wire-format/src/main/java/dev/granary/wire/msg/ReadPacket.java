package dev.granary.wire.msg;

import dev.granary.wire.Limits;
import dev.granary.wire.MessageType;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * One block of a read answer: the block at {@code offset} (block-aligned) of the replica and the
 * CRC32C stored for it on the chunkserver, which the reader verifies. The record owns one reference
 * to {@code data}. A chunkserver may send the data bytes straight from the file (zero copy): the
 * fields are written with {@link #encodeFields} and the bytes follow.
 */
public record ReadPacket(long offset, int crc, boolean last, ByteBuf data)
    implements Message, ReferenceCounted {
  /** @throws IllegalArgumentException if the data exceed one checksum block */
  public ReadPacket {
    if (data.readableBytes() > Limits.BLOCK_SIZE) {
      throw new IllegalArgumentException("packet of " + data.readableBytes()
          + " bytes exceeds the block size " + Limits.BLOCK_SIZE);
    }
  }

  /** Bytes of the fields before the data. */
  public static final int FIELDS_LENGTH = 8 + 4 + 1;

  @Override
  public MessageType type() {
    return MessageType.READ_PACKET;
  }

  @Override
  public void encode(ByteBuf out) {
    encodeFields(out, offset, crc, last);
  }

  public static void encodeFields(ByteBuf out, long offset, int crc, boolean last) {
    out.writeLong(offset);
    out.writeInt(crc);
    Codec.writeBoolean(out, last);
  }

  @Override
  public ByteBuf bulk() {
    return data;
  }

  public static ReadPacket decode(ByteBuf in) {
    long offset = Codec.readNonNegativeLong(in, "offset");
    if (offset % Limits.BLOCK_SIZE != 0) {
      throw new ProtocolException("read packet offset " + offset + " is not block-aligned");
    }
    int crc = Codec.readInt(in);
    boolean last = Codec.readBoolean(in);
    int n = in.readableBytes();
    if (n > Limits.BLOCK_SIZE) {
      throw new ProtocolException("read packet of " + n + " bytes exceeds the block size "
          + Limits.BLOCK_SIZE);
    }
    return new ReadPacket(offset, crc, last, in.readRetainedSlice(n));
  }

  @Override
  public int refCnt() {
    return data.refCnt();
  }

  @Override
  public ReadPacket retain() {
    data.retain();
    return this;
  }

  @Override
  public ReadPacket retain(int increment) {
    data.retain(increment);
    return this;
  }

  @Override
  public ReadPacket touch() {
    data.touch();
    return this;
  }

  @Override
  public ReadPacket touch(Object hint) {
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
    return "ReadPacket[offset=" + offset + ", crc=" + Integer.toHexString(crc) + ", last=" + last
        + ", bytes=" + data.readableBytes() + "]";
  }
}
