package dev.granary.wire.msg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Limits;
import dev.granary.wire.ProtocolException;
import dev.granary.wire.Sha256;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The replica's SHA-256 rides on the last packet of a write stream, and only there. */
class WritePacketTest {
  private static final byte[] DATA = "the last block".getBytes(StandardCharsets.US_ASCII);
  private static final Sha256 SHA = Sha256.of(Sha256.newDigest().digest(DATA));

  @Test
  void theLastPacketCarriesTheSha256BetweenItsFieldsAndItsData() {
    ByteBuf payload = encode(new WritePacket(3, 3L * Limits.BLOCK_SIZE, 9, true, SHA,
        Unpooled.wrappedBuffer(DATA)));
    try {
      assertEquals(17 + Sha256.BYTES + DATA.length, payload.readableBytes());
      assertArrayEquals(SHA.bytes(), ByteBufUtil.getBytes(payload, 17, Sha256.BYTES));
      WritePacket p = WritePacket.decode(payload);
      try {
        assertEquals(SHA, p.sha256());
        assertArrayEquals(DATA, ByteBufUtil.getBytes(p.data()));
      } finally {
        p.release();
      }
    } finally {
      payload.release();
    }
  }

  @Test
  void aPacketThatIsNotTheLastSendsNoSha256AndCannotCarryOne() {
    ByteBuf payload = encode(new WritePacket(0, 0, 9, false,
        Unpooled.wrappedBuffer(new byte[Limits.BLOCK_SIZE])));
    try {
      assertEquals(17 + Limits.BLOCK_SIZE, payload.readableBytes());
      WritePacket p = WritePacket.decode(payload);
      assertEquals(Sha256.NONE, p.sha256());
      p.release();
    } finally {
      payload.release();
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new WritePacket(0, 0, 9, false, SHA, Unpooled.EMPTY_BUFFER));
    assertTrue(e.getMessage().contains("not the last"), e.getMessage());
  }

  @Test
  void aLastPacketCutShortInsideItsSha256IsRefused() {
    ByteBuf payload = Unpooled.buffer();
    payload.writeInt(0).writeLong(0).writeInt(0).writeByte(1).writeBytes(new byte[31]);
    try {
      ProtocolException e = assertThrows(ProtocolException.class,
          () -> WritePacket.decode(payload));
      assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    } finally {
      payload.release();
    }
  }

  /** The payload as the frame encoder lays it out: the fields, then the bulk data. */
  private static ByteBuf encode(WritePacket p) {
    ByteBuf out = Unpooled.buffer();
    p.encode(out);
    out.writeBytes(p.data());
    p.release();
    return out;
  }
}
