package dev.granary.wire.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Limits;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The shape rules of a multi-block read packet, on decode and on construction. */
class ReadPacketTest {
  private static ByteBuf encoded(int blocks, int dataBytes) {
    ByteBuf b = Unpooled.buffer();
    b.writeLong(3L * Limits.BLOCK_SIZE);
    b.writeBoolean(false);
    b.writeByte(blocks);
    for (int i = 0; i < blocks; i++) {
      b.writeInt(i);
    }
    b.writeZero(dataBytes);
    return b;
  }

  @Test
  void blocksAreSlicedInOrderWithTheirCrcs() {
    ByteBuf data = Unpooled.buffer();
    for (int i = 0; i < 3; i++) {
      data.writeBytes(new byte[i == 2 ? 100 : Limits.BLOCK_SIZE]).setByte(data.writerIndex() - 1,
          i + 1);
    }
    ByteBuf in = Unpooled.buffer().writeLong(0).writeBoolean(true).writeByte(3).writeInt(10)
        .writeInt(11).writeInt(12).writeBytes(data);
    ReadPacket p = ReadPacket.decode(in);
    assertEquals(3, p.blocks());
    assertEquals(Limits.BLOCK_SIZE, p.block(0).readableBytes());
    assertEquals(100, p.block(2).readableBytes());
    assertEquals(2, p.block(1).getByte(Limits.BLOCK_SIZE - 1));
    assertEquals(3, p.block(2).getByte(99));
    assertEquals(12, p.crc(2));
    p.release();
  }

  @Test
  void malformedPacketsAreProtocolErrors() {
    // More blocks than the limit.
    assertThrows(ProtocolException.class, () -> ReadPacket.decode(
        encoded(Limits.READ_PACKET_BLOCKS + 1, Limits.BLOCK_SIZE)));
    // Data that do not fill every block but the last, or overflow the blocks.
    assertThrows(ProtocolException.class, () -> ReadPacket.decode(
        encoded(2, Limits.BLOCK_SIZE)));
    assertThrows(ProtocolException.class, () -> ReadPacket.decode(
        encoded(1, Limits.BLOCK_SIZE + 1)));
    assertThrows(ProtocolException.class, () -> ReadPacket.decode(encoded(0, 1)));
    assertThrows(ProtocolException.class, () -> ReadPacket.decode(encoded(1, 0)));
    // Fields cut short.
    ProtocolException e = assertThrows(ProtocolException.class, () -> ReadPacket.decode(
        encoded(4, 0).writerIndex(8 + 1 + 1 + 7)));
    assertTrue(e.getMessage() != null);
    // The limits are the payload limit's reason.
    assertTrue(ReadPacket.fieldsLength(Limits.READ_PACKET_BLOCKS)
        + (long) Limits.READ_PACKET_BLOCKS * Limits.BLOCK_SIZE <= Limits.MAX_READ_PACKET_PAYLOAD);
  }

  @Test
  void constructionRefusesTheSameShapes() {
    assertThrows(IllegalArgumentException.class, () -> new ReadPacket(0, new int[2], true,
        Unpooled.wrappedBuffer(new byte[10])));
    assertEquals(2 * Limits.BLOCK_SIZE, new ReadPacket(0, new int[2], true,
        Unpooled.wrappedBuffer(new byte[2 * Limits.BLOCK_SIZE])).data().readableBytes());
  }
}
