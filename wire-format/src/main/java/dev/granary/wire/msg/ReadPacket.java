package dev.granary.wire.msg;

import dev.granary.wire.Limits;
import dev.granary.wire.MessageType;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.util.Arrays;

/**
 * Consecutive blocks of a read answer: up to {@link Limits#READ_PACKET_BLOCKS} checksum blocks
 * starting at {@code offset} (block-aligned) of the replica, with the CRC32C stored for each on the
 * chunkserver, which the reader verifies block by block. Every block but the last of the packet is
 * whole (64 KiB); only the replica's final block can be short. An empty read is answered by one
 * packet of no blocks. The record owns one reference to {@code data}. A chunkserver may send the
 * data bytes straight from the file (zero copy): the fields are written with
 * {@link #encodeFields} and the bytes follow.
 */
public record ReadPacket(long offset, int[] crcs, boolean last, ByteBuf data)
    implements Message, ReferenceCounted {
  /**
   * @throws IllegalArgumentException if there are more than {@link Limits#READ_PACKET_BLOCKS}
   *     blocks or the data do not fill all blocks but the last
   */
  public ReadPacket {
    String bad = shapeError(crcs.length, data.readableBytes());
    if (bad != null) {
      throw new IllegalArgumentException(bad);
    }
  }

  /** A packet of one block. */
  public static ReadPacket ofBlock(long offset, int crc, boolean last, ByteBuf data) {
    return new ReadPacket(offset, new int[] {crc}, last, data);
  }

  /** Bytes of the fields before the data of a packet of {@code blocks} blocks. */
  public static int fieldsLength(int blocks) {
    return 8 + 1 + 1 + 4 * blocks;
  }

  private static String shapeError(int blocks, int bytes) {
    if (blocks > Limits.READ_PACKET_BLOCKS) {
      return "read packet of " + blocks + " blocks; at most " + Limits.READ_PACKET_BLOCKS;
    }
    long max = (long) blocks * Limits.BLOCK_SIZE;
    long min = blocks == 0 ? 0 : max - Limits.BLOCK_SIZE + 1;
    if (bytes > max || bytes < min) {
      return "read packet of " + blocks + " blocks carries " + bytes + " bytes; expected "
          + (blocks == 0 ? "0" : min + " to " + max);
    }
    return null;
  }

  /** Blocks in this packet. */
  public int blocks() {
    return crcs.length;
  }

  /** The stored CRC32C of block {@code i} of this packet. */
  public int crc(int i) {
    return crcs[i];
  }

  /** The bytes of block {@code i} of this packet: a slice of {@link #data}, not retained. */
  public ByteBuf block(int i) {
    int from = i * Limits.BLOCK_SIZE;
    return data.slice(data.readerIndex() + from,
        Math.min(Limits.BLOCK_SIZE, data.readableBytes() - from));
  }

  @Override
  public MessageType type() {
    return MessageType.READ_PACKET;
  }

  @Override
  public void encode(ByteBuf out) {
    encodeFields(out, offset, crcs, 0, crcs.length, last);
  }

  /** Writes the fields of a packet of blocks {@code crcs[from .. from + count)}. */
  public static void encodeFields(ByteBuf out, long offset, int[] crcs, int from, int count,
      boolean last) {
    out.writeLong(offset);
    Codec.writeBoolean(out, last);
    out.writeByte(count);
    for (int i = from; i < from + count; i++) {
      out.writeInt(crcs[i]);
    }
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
    boolean last = Codec.readBoolean(in);
    int blocks = Codec.readUnsignedByte(in);
    if (blocks > Limits.READ_PACKET_BLOCKS) {
      throw new ProtocolException("read packet of " + blocks + " blocks; at most "
          + Limits.READ_PACKET_BLOCKS);
    }
    int[] crcs = new int[blocks];
    for (int i = 0; i < blocks; i++) {
      crcs[i] = Codec.readInt(in);
    }
    String bad = shapeError(blocks, in.readableBytes());
    if (bad != null) {
      throw new ProtocolException(bad);
    }
    return new ReadPacket(offset, crcs, last, in.readRetainedSlice(in.readableBytes()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReadPacket p && p.offset == offset && p.last == last
        && Arrays.equals(p.crcs, crcs) && p.data.equals(data);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(offset) * 31 + Arrays.hashCode(crcs);
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
    StringBuilder b = new StringBuilder("ReadPacket[offset=").append(offset).append(", crcs=[");
    for (int i = 0; i < crcs.length; i++) {
      b.append(i == 0 ? "" : ", ").append(Integer.toHexString(crcs[i]));
    }
    return b.append("], last=").append(last).append(", bytes=").append(data.readableBytes())
        .append(']').toString();
  }
}
