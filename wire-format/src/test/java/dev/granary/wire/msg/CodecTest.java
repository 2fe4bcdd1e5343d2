package dev.granary.wire.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Limits;
import dev.granary.wire.ProtocolException;
import dev.granary.wire.Sha256;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Field codecs: every reader checks what is present before it reads or allocates. */
class CodecTest {
  private final ByteBuf buf = Unpooled.buffer();

  @AfterEach
  void release() {
    buf.release();
  }

  @Test
  void stringsAreLengthPrefixedUtf8() {
    Codec.writeString(buf, "h\u00e9");
    assertEquals(2 + 3, buf.readableBytes());
    assertEquals(3, buf.getUnsignedShort(0));
    assertEquals("h\u00e9", Codec.readString(buf));
    Codec.writeString(buf, "");
    assertEquals("", Codec.readString(buf));
    assertEquals(0, buf.readableBytes());
  }

  @Test
  void stringAtTheLimitIsFineAboveItIsRefusedOnBothSides() {
    String max = "a".repeat(Limits.MAX_STRING_BYTES);
    Codec.writeString(buf, max);
    assertEquals(max, Codec.readString(buf));
    buf.clear();
    // One multi-byte character too many: the limit counts bytes, not characters.
    String over = "a".repeat(Limits.MAX_STRING_BYTES - 1) + "\u00e9";
    assertThrows(IllegalArgumentException.class, () -> Codec.writeString(buf, over));
    assertEquals(0, buf.writerIndex(), "a refused string leaves nothing behind");
    buf.writeShort(Limits.MAX_STRING_BYTES + 1).writeZero(Limits.MAX_STRING_BYTES + 1);
    assertThrows(ProtocolException.class, () -> Codec.readString(buf));
  }

  @Test
  void truncatedFieldsAreProtocolErrors() {
    buf.writeByte(0);
    assertThrows(ProtocolException.class, () -> Codec.readString(buf));
    buf.clear().writeShort(5).writeBytes(new byte[] {'a', 'b'});
    ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.readString(buf));
    assertTrue(e.getMessage().contains("need 5 bytes, have 2"), e.getMessage());
    buf.clear().writeZero(3);
    assertThrows(ProtocolException.class, () -> Codec.readInt(buf));
    buf.clear().writeZero(7);
    assertThrows(ProtocolException.class, () -> Codec.readLong(buf));
    buf.clear();
    assertThrows(ProtocolException.class, () -> Codec.readBoolean(buf));
    assertThrows(ProtocolException.class, () -> Codec.readUnsignedByte(buf));
    buf.writeByte(1);
    assertThrows(ProtocolException.class, () -> Codec.readUnsignedShort(buf));
  }

  @Test
  void rangesAreChecked() {
    buf.writeInt(0).writeInt(256).writeInt(5);
    assertThrows(ProtocolException.class, () -> Codec.readInt(buf, 1, 255, "replication"));
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> Codec.readInt(buf, 1, 255, "replication"));
    assertEquals("replication 256 out of range [1, 255]", e.getMessage());
    assertEquals(5, Codec.readInt(buf, 1, 255, "replication"));
    buf.writeLong(-1).writeLong(0);
    assertThrows(ProtocolException.class, () -> Codec.readNonNegativeLong(buf, "length"));
    assertEquals(0, Codec.readNonNegativeLong(buf, "length"));
  }

  @Test
  void booleansAreZeroOrOne() {
    buf.writeByte(0).writeByte(1).writeByte(2);
    assertEquals(false, Codec.readBoolean(buf));
    assertEquals(true, Codec.readBoolean(buf));
    assertThrows(ProtocolException.class, () -> Codec.readBoolean(buf));
  }

  @Test
  void listsRoundTrip() {
    Codec.writeStrings(buf, List.of("a", "", "\u4e2d"));
    Codec.writeLongs(buf, List.of(1L, -1L));
    assertEquals(List.of("a", "", "\u4e2d"), Codec.readStrings(buf));
    assertEquals(List.of(1L, -1L), Codec.readLongs(buf));
    Codec.writeStrings(buf, List.of());
    assertEquals(List.of(), Codec.readStrings(buf));
    assertEquals(0, buf.readableBytes());
  }

  @Test
  void listCountsAreCheckedAgainstTheBytesPresentBeforeAllocating() {
    // 1000 longs announced, 8 bytes present: refused before a list is made.
    buf.writeInt(1000).writeLong(1);
    ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.readLongs(buf));
    assertTrue(e.getMessage().contains("list count 1000"), e.getMessage());
    buf.clear().writeInt(-1);
    assertThrows(ProtocolException.class, () -> Codec.readStrings(buf));
    buf.clear().writeInt(Integer.MAX_VALUE).writeZero(64);
    assertThrows(ProtocolException.class, () -> Codec.readLongs(buf));
    // Exactly enough bytes for the minimum element size is accepted.
    buf.clear().writeInt(2).writeShort(0).writeShort(0);
    assertEquals(List.of("", ""), Codec.readStrings(buf));
  }

  @Test
  void declaredMinimumElementSizesAreTheSmallestEncodings() {
    assertMinimum(NodeAddress.MIN_BYTES, b -> new NodeAddress("", "", 0).encode(b));
    assertMinimum(NodeStatus.MIN_BYTES, b -> new NodeStatus("", "", 0, "", 0, 0, 0, 0, 0, 0)
        .encode(b));
    assertMinimum(FileEntry.MIN_BYTES, b -> new FileEntry("", false, 0, 0, 0, 0, 0, "", "", 0)
        .encode(b));
    assertMinimum(ReplicaInfo.BYTES, b -> new ReplicaInfo(0, 0, 0, 0).encode(b));
    assertMinimum(ChunkCommand.MIN_BYTES, b -> new ChunkCommand(ChunkCommand.Kind.DELETE, 0, 0,
        null).encode(b));
    assertMinimum(CommitChunk.MIN_BYTES, b -> new CommitChunk(0, 0, 0, 0, List.of(), Sha256.NONE)
        .encode(b));
    assertMinimum(ChunkLocation.MIN_BYTES, b -> new ChunkLocation(0, 0, 0, 0, List.of(),
        Sha256.NONE).encode(b));
  }

  private static void assertMinimum(int declared, java.util.function.Consumer<ByteBuf> encoder) {
    ByteBuf b = Unpooled.buffer();
    try {
      encoder.accept(b);
      assertEquals(b.readableBytes(), declared);
    } finally {
      b.release();
    }
  }
}
