package dev.granary.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.ListResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.ReadPacket;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.WritePacket;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every message survives FrameEncoder -> bytes -> FrameDecoder unchanged. */
class RoundTripTest {
  private static final int SAMPLES_PER_TYPE = 100;

  @ParameterizedTest
  @EnumSource(MessageType.class)
  void everyMessageTypeRoundTrips(MessageType type) {
    Random r = new Random(type.code() * 7919L);
    for (int i = 0; i < SAMPLES_PER_TYPE; i++) {
      Message m = SampleMessages.random(type, r);
      long requestId = r.nextLong();
      int flags = r.nextBoolean() ? Frames.FLAG_RESPONSE : 0;
      roundTrip(requestId, flags, m);
    }
  }

  /** A message type without a round-trip case fails here (and SampleMessages fails to compile). */
  @Test
  void everyMessageTypeHasARoundTripCase() {
    Random r = new Random(1);
    Set<MessageType> covered = EnumSet.noneOf(MessageType.class);
    for (MessageType t : MessageType.values()) {
      Message m = SampleMessages.random(t, r);
      assertNotNull(m, "no sample for " + t);
      assertEquals(t, m.type(), "sample for " + t + " has the wrong type");
      covered.add(m.type());
      ReferenceCountUtil.release(m);
    }
    assertEquals(EnumSet.allOf(MessageType.class), covered);
  }

  /** The sealed hierarchy and the registry agree: one record per type code, both ways. */
  @Test
  void sealedHierarchyMatchesRegistry() {
    Set<Class<?>> permitted = new HashSet<>(List.of(Message.class.getPermittedSubclasses()));
    Set<Class<?>> registered = new HashSet<>();
    Random r = new Random(2);
    for (MessageType t : MessageType.values()) {
      Message m = SampleMessages.random(t, r);
      registered.add(m.getClass());
      ReferenceCountUtil.release(m);
    }
    assertEquals(permitted, registered);
    assertEquals(MessageType.values().length, permitted.size());
  }

  @Test
  void codesAreUniqueAndLookedUpByCode() {
    Set<Integer> codes = new HashSet<>();
    for (MessageType t : MessageType.values()) {
      assertTrue(codes.add(t.code()), "code " + t.code() + " used twice");
      assertTrue(t.code() > 0 && t.code() <= 0xFFFF);
      assertEquals(t, MessageType.forCode(t.code()));
    }
    for (int code : new int[] {0, 7, 27, 31, 53, 70, 255, 256, 0xFFFF, -1}) {
      assertEquals(null, MessageType.forCode(code), "code " + code);
    }
  }

  @Test
  void edgeValuesRoundTrip() {
    String maxAscii = "x".repeat(Limits.MAX_STRING_BYTES);
    roundTrip(1, 0, new StatRequest(maxAscii));
    // 2730 three-byte characters: 8190 bytes of UTF-8, just inside the limit.
    roundTrip(2, 0, new StatRequest("\u4e2d".repeat(Limits.MAX_STRING_BYTES / 3)));
    roundTrip(3, Frames.FLAG_RESPONSE, new ErrorReply(Status.TOO_LARGE, "", ""));
    roundTrip(4, Frames.FLAG_RESPONSE, new ErrorReply(Status.READ_ONLY, "master is read-only", ""));
    List<FileEntry> many = new ArrayList<>();
    for (int i = 0; i < Limits.MAX_LIST_ENTRIES; i++) {
      many.add(new FileEntry("/d/f" + i, false, i, Long.MIN_VALUE, 255, Long.MAX_VALUE,
          Integer.MAX_VALUE));
    }
    roundTrip(Long.MAX_VALUE, Frames.FLAG_RESPONSE, new ListResponse(many, true));
    roundTrip(-1L, 0, new WritePacket(Integer.MAX_VALUE, (1L << 40) * Limits.BLOCK_SIZE,
        0xFFFFFFFF, false, Unpooled.wrappedBuffer(new byte[Limits.BLOCK_SIZE])));
    roundTrip(0, 0, new ReadPacket(0, new int[0], true, Unpooled.EMPTY_BUFFER));
    int[] crcs = new int[Limits.READ_PACKET_BLOCKS];
    Arrays.fill(crcs, 0x80000001);
    roundTrip(5, Frames.FLAG_RESPONSE, new ReadPacket(7L * Limits.BLOCK_SIZE, crcs, false,
        Unpooled.wrappedBuffer(new byte[Limits.READ_PACKET_BLOCKS * Limits.BLOCK_SIZE])));
    roundTrip(6, Frames.FLAG_RESPONSE, new ReadPacket(0, new int[] {1, 2, 3}, true,
        Unpooled.wrappedBuffer(new byte[2 * Limits.BLOCK_SIZE + 1])));
  }

  /** Encodes and decodes {@code m} in a frame and asserts the result equals it; releases both. */
  static void roundTrip(long requestId, int flags, Message m) {
    byte[] expectedData = m.bulk() == null ? null : ByteBufUtil.getBytes(m.bulk());
    String expected = m.toString();
    // The encoder takes the packets' data; their fields stay readable for the comparison.
    byte[] bytes = Wire.encode(requestId, flags, m);
    assertEquals(readLength(bytes), bytes.length - Frames.HEADER_LENGTH, "length field");
    Frame f = Wire.decodeOne(bytes);
    try {
      assertEquals(requestId, f.requestId());
      assertEquals(flags, f.flags());
      Message got = f.message();
      assertEquals(m.type(), got.type());
      if (m instanceof WritePacket w) {
        WritePacket g = (WritePacket) got;
        assertEquals(List.of(w.seq(), w.offset(), w.crc(), w.last()),
            List.of(g.seq(), g.offset(), g.crc(), g.last()), expected);
        assertArrayEquals(expectedData, ByteBufUtil.getBytes(g.data()));
      } else if (m instanceof ReadPacket p) {
        ReadPacket g = (ReadPacket) got;
        assertEquals(List.of(p.offset(), p.last()), List.of(g.offset(), g.last()), expected);
        assertArrayEquals(p.crcs(), g.crcs(), expected);
        assertArrayEquals(expectedData, ByteBufUtil.getBytes(g.data()));
      } else {
        assertEquals(m, got);
      }
    } finally {
      f.release();
    }
  }

  private static long readLength(byte[] b) {
    return Unpooled.wrappedBuffer(b).getUnsignedInt(16);
  }
}
