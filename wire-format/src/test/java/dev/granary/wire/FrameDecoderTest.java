package dev.granary.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Hello;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.Ping;
import dev.granary.wire.msg.ReadPacket;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.WriteAck;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.msg.WritePacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link FrameDecoder} in an {@link EmbeddedChannel}: framing, header checks, payload checks. */
class FrameDecoderTest {
  private final EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder());

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  // --- framing -----------------------------------------------------------------------------

  /** Small frames of several shapes, and what they decode to. */
  private static List<Frame> sampleFrames() {
    Random r = new Random(42);
    List<Frame> frames = new ArrayList<>();
    frames.add(Frame.request(1, new Hello(Role.CHUNKSERVER, "cs-1", "granary/0.1")));
    frames.add(Frame.request(2, new Ping()));
    frames.add(Frame.response(2, new ErrorReply(Status.BUSY, "too many transfers", "caf\u00e9")));
    frames.add(Frame.response(3, new WriteDone(1, 2, 3, 4, List.of("a", "\u4e2d"),
        new Sha256(5, 6, 7, 8))));
    frames.add(Frame.request(4, new WritePacket(0, 0, 0x1234, true, new Sha256(-1, 0, 1, 2),
        Unpooled.wrappedBuffer(SampleMessages.bytes(r, 100)))));
    frames.add(Frame.response(5, ReadPacket.ofBlock(Limits.BLOCK_SIZE, 7, true,
        Unpooled.wrappedBuffer(SampleMessages.bytes(r, 10)))));
    return frames;
  }

  private static byte[] encodeAll(List<Frame> frames) {
    List<byte[]> parts = new ArrayList<>();
    for (Frame f : frames) {
      parts.add(Wire.encode(f.retain()));
    }
    return Wire.concat(parts.toArray(new byte[0][]));
  }

  @Test
  void streamSplitAtEveryByteBoundary() {
    List<Frame> expected = sampleFrames();
    byte[] stream = encodeAll(expected);
    try {
      for (int split = 0; split <= stream.length; split++) {
        EmbeddedChannel c = new EmbeddedChannel(new FrameDecoder());
        c.writeInbound(Unpooled.wrappedBuffer(stream, 0, split));
        c.writeInbound(Unpooled.wrappedBuffer(stream, split, stream.length - split));
        assertFrames(expected, drain(c), "split at " + split);
        assertFalse(c.finish(), "left over after split at " + split);
      }
    } finally {
      expected.forEach(Frame::release);
    }
  }

  @Test
  void byteAtATimeIncludingAFullBlockPacket() {
    List<Frame> expected = sampleFrames();
    expected.add(Frame.request(9, new WritePacket(3, 3L * Limits.BLOCK_SIZE, 1, false,
        Unpooled.wrappedBuffer(SampleMessages.bytes(new Random(3), Limits.BLOCK_SIZE)))));
    byte[] stream = encodeAll(expected);
    try {
      List<Frame> got = new ArrayList<>();
      for (int i = 0; i < stream.length; i++) {
        ch.writeInbound(Unpooled.wrappedBuffer(stream, i, 1));
        got.addAll(drain(ch));
      }
      assertFrames(expected, got, "byte at a time");
    } finally {
      expected.forEach(Frame::release);
    }
  }

  @Test
  void severalFramesCoalescedInOneBuffer() {
    List<Frame> expected = sampleFrames();
    byte[] stream = encodeAll(expected);
    try {
      assertTrue(ch.writeInbound(Unpooled.wrappedBuffer(stream)));
      assertFrames(expected, drain(ch), "coalesced");
    } finally {
      expected.forEach(Frame::release);
    }
  }

  @Test
  void decodedPacketIsASliceOfTheInputNotACopy() {
    byte[] data = SampleMessages.bytes(new Random(5), 1000);
    ch.writeInbound(Unpooled.wrappedBuffer(Wire.encode(Frame.request(1,
        new WritePacket(0, 0, 0, true, Unpooled.wrappedBuffer(data))))));
    Frame f = ch.readInbound();
    try {
      WritePacket p = (WritePacket) f.message();
      assertArrayEquals(data, ByteBufUtil.getBytes(p.data()));
      assertEquals(1, p.refCnt(), "the packet owns exactly one reference");
    } finally {
      f.release();
    }
  }

  // --- header checks -----------------------------------------------------------------------

  @Test
  void badMagicFailsAfterFourBytes() {
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> ch.writeInbound(Unpooled.copiedBuffer("GET ", StandardCharsets.US_ASCII)));
    assertTrue(e.getMessage().contains("bad magic 0x47455420"), e.getMessage());
  }

  @Test
  void badMagicInAFullHeader() {
    byte[] frame = Wire.encode(Frame.request(1, new Ping()));
    frame[3] ^= 1;
    assertThrows(ProtocolException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(frame)));
  }

  @Test
  void unknownTypeIsRefused() {
    for (int code : new int[] {0, 27, 31, 53, 70, 0xFFFF}) {
      EmbeddedChannel c = new EmbeddedChannel(new FrameDecoder());
      ProtocolException e = assertThrows(ProtocolException.class,
          () -> c.writeInbound(Unpooled.wrappedBuffer(header(Frames.VERSION, 0, code, 1, 0))));
      assertEquals("unknown message type " + code, e.getMessage());
      assertFalse(c.finish());
    }
  }

  @Test
  void wrongVersionIsAVersionMismatch() {
    for (int version : new int[] {0, Frames.VERSION - 1, Frames.VERSION + 1, 255}) {
      EmbeddedChannel c = new EmbeddedChannel(new FrameDecoder());
      VersionMismatchException e = assertThrows(VersionMismatchException.class,
          () -> c.writeInbound(Unpooled.wrappedBuffer(header(version, 0, 1, 1, 0))));
      assertEquals(version, e.peerVersion());
      assertTrue(e.getMessage().contains("protocol version " + version), e.getMessage());
      assertTrue(e.getMessage().contains("version " + Frames.VERSION), e.getMessage());
      assertFalse(c.finish());
    }
  }

  @Test
  void wrongVersionFailsAfterFiveBytes() {
    // Only magic and version are frozen: another version's header may be shorter than ours.
    VersionMismatchException e = assertThrows(VersionMismatchException.class,
        () -> ch.writeInbound(Unpooled.wrappedBuffer(Wire.hex("47524e59 01"))));
    assertEquals(1, e.peerVersion());
  }

  @Test
  void unknownFlagsAreRefused() {
    for (int flags : new int[] {0x02, 0x80, 0xFF}) {
      EmbeddedChannel c = new EmbeddedChannel(new FrameDecoder());
      ProtocolException e = assertThrows(ProtocolException.class,
          () -> c.writeInbound(Unpooled.wrappedBuffer(header(Frames.VERSION, flags, 5, 1, 0))));
      assertTrue(e.getMessage().contains("flags"), e.getMessage());
      assertFalse(c.finish());
    }
  }

  @Test
  void controlFrameAboveTheLimitIsRefusedFromItsHeader() {
    ProtocolException e = assertThrows(ProtocolException.class, () -> ch.writeInbound(
        Unpooled.wrappedBuffer(header(Frames.VERSION, 0, MessageType.STAT_REQUEST.code(), 1,
            Limits.MAX_CONTROL_PAYLOAD + 1L))));
    assertTrue(e.getMessage().contains("limit is " + Limits.MAX_CONTROL_PAYLOAD), e.getMessage());
  }

  @Test
  void packetAboveThePacketLimitIsRefusedFromItsHeader() {
    ProtocolException e = assertThrows(ProtocolException.class, () -> ch.writeInbound(
        Unpooled.wrappedBuffer(header(Frames.VERSION, 0, MessageType.WRITE_PACKET.code(), 1,
            Limits.MAX_PACKET_PAYLOAD + 1L))));
    assertTrue(e.getMessage().contains("limit is " + Limits.MAX_PACKET_PAYLOAD), e.getMessage());
  }

  @Test
  void headerAnnouncingFourGibibytesIsRefusedAtOnce() {
    ProtocolException e = assertThrows(ProtocolException.class, () -> ch.writeInbound(
        Unpooled.wrappedBuffer(header(Frames.VERSION, 0, MessageType.READ_PACKET.code(), 1, 0xFFFFFFFFL))));
    assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
  }

  @Test
  void lengthAtTheLimitIsAwaitedNotRefused() {
    assertFalse(ch.writeInbound(Unpooled.wrappedBuffer(
        header(Frames.VERSION, 0, MessageType.STAT_REQUEST.code(), 1, Limits.MAX_CONTROL_PAYLOAD))));
    ch.checkException();
    assertNull(ch.readInbound());
    // The peer then went away inside that frame.
    assertThrows(ProtocolException.class, ch::finish);
  }

  // --- truncation and payload checks ------------------------------------------------------

  @Test
  void truncatedFrameAtCloseIsAProtocolError() {
    byte[] frame = Wire.encode(Frame.request(1, new StatRequest("/some/path")));
    ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, frame.length - 1));
    assertNull(ch.readInbound());
    ProtocolException e = assertThrows(ProtocolException.class, ch::finish);
    assertTrue(e.getMessage().contains("truncated frame"), e.getMessage());
  }

  @Test
  void truncatedHeaderAtCloseIsAProtocolError() {
    byte[] frame = Wire.encode(Frame.request(1, new Ping()));
    ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, 10));
    assertThrows(ProtocolException.class, ch::finish);
  }

  @Test
  void cleanCloseBetweenFramesIsFine() {
    ch.writeInbound(Unpooled.wrappedBuffer(Wire.encode(Frame.request(1, new Ping()))));
    assertEquals(new Ping(), ch.<Frame>readInbound().message());
    assertFalse(ch.finish());
  }

  @Test
  void trailingBytesInAPayloadAreRefused() {
    byte[] frame = Wire.concat(header(Frames.VERSION, 0, MessageType.PING.code(), 1, 3), new byte[3]);
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> ch.writeInbound(Unpooled.wrappedBuffer(frame)));
    assertTrue(e.getMessage().contains("3 trailing bytes"), e.getMessage());
  }

  @Test
  void trailingBytesAfterAListAreRefused() {
    byte[] frame = Wire.encode(Frame.response(1, new WriteAck(3)));
    byte[] longer = withPayload(frame, Wire.concat(payloadOf(frame), new byte[] {0}));
    assertThrows(ProtocolException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(longer)));
  }

  @Test
  void listCountLargerThanThePayloadIsRefused() {
    // WriteDone: 4 longs, then a string list claiming 1000 entries with only one present.
    byte[] payload = Wire.hex("0000000000000001 0000000000000002 0000000000000003"
        + "0000000000000004 000003e8 0001 61");
    ProtocolException e = assertThrows(ProtocolException.class, () -> ch.writeInbound(
        Unpooled.wrappedBuffer(frame(MessageType.WRITE_DONE, payload))));
    assertTrue(e.getMessage().contains("list count 1000"), e.getMessage());
  }

  @Test
  void hugeOrNegativeListCountsAreRefusedBeforeAllocating() {
    for (String count : new String[] {"7fffffff", "ffffffff", "80000000"}) {
      EmbeddedChannel c = new EmbeddedChannel(new FrameDecoder());
      byte[] payload = Wire.hex(count);
      assertThrows(ProtocolException.class, () -> c.writeInbound(
          Unpooled.wrappedBuffer(frame(MessageType.PULSE_RESPONSE, payload))));
      assertFalse(c.finish());
    }
  }

  @Test
  void invalidUtf8IsRefused() {
    for (String bad : new String[] {"c328", "ff", "e28228", "eda080", "f0288c28", "c0af"}) {
      EmbeddedChannel c = new EmbeddedChannel(new FrameDecoder());
      byte[] bytes = Wire.hex(bad);
      byte[] payload = Wire.concat(new byte[] {0, (byte) bytes.length}, bytes);
      ProtocolException e = assertThrows(ProtocolException.class, () -> c.writeInbound(
          Unpooled.wrappedBuffer(frame(MessageType.STAT_REQUEST, payload))), bad);
      assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
      assertFalse(c.finish());
    }
  }

  @Test
  void stringAboveTheStringLimitIsRefused() {
    byte[] payload = Wire.concat(Wire.hex("2001"), new byte[Limits.MAX_STRING_BYTES + 1]);
    assertThrows(ProtocolException.class, () -> ch.writeInbound(
        Unpooled.wrappedBuffer(frame(MessageType.STAT_REQUEST, payload))));
  }

  @Test
  void nonAlignedPacketOffsetsAreRefused() {
    byte[] write = Wire.hex("00000000 0000000000000064 00000000 01 aabb");
    ProtocolException e = assertThrows(ProtocolException.class, () -> ch.writeInbound(
        Unpooled.wrappedBuffer(frame(MessageType.WRITE_PACKET, write))));
    assertTrue(e.getMessage().contains("not block-aligned"), e.getMessage());

    EmbeddedChannel c = new EmbeddedChannel(new FrameDecoder());
    byte[] read = Wire.hex("0000000000000001 00000000 01 aabb");
    assertThrows(ProtocolException.class, () -> c.writeInbound(
        Unpooled.wrappedBuffer(frame(MessageType.READ_PACKET, read))));
    assertFalse(c.finish());
  }

  @Test
  void shortWritePacketThatIsNotTheLastIsRefused() {
    byte[] write = Wire.hex("00000000 0000000000000000 00000000 00 aabb");
    ProtocolException e = assertThrows(ProtocolException.class, () -> ch.writeInbound(
        Unpooled.wrappedBuffer(frame(MessageType.WRITE_PACKET, write))));
    assertTrue(e.getMessage().contains("write packet of 2 bytes"), e.getMessage());
  }

  @Test
  void badEnumAndBooleanValuesAreRefused() {
    // A valid ERROR first, so the cases below fail for their bad value and not their framing.
    Frame ok = Wire.decodeOne(frame(MessageType.ERROR, Wire.hex("0009 0000 0000")));
    assertEquals(new ErrorReply(Status.NOT_A_DIRECTORY, "", ""), ok.message());
    List<Object[]> cases = List.of(
        new Object[] {MessageType.ERROR, "00ff 0000 0000", "unknown status code 255"},
        new Object[] {MessageType.HELLO, "09 0000 0000", "unknown role code 9"},
        new Object[] {MessageType.PULSE_RESPONSE,
            "00000001 03 0000000000000001 0000000000000001 00 0000 00 00000000",
            "unknown chunk command kind 3"},
        new Object[] {MessageType.PULSE_RESPONSE,
            "00000001 01 0000000000000001 0000000000000001 00 0000 00 00000000",
            "COPY without a target"},
        new Object[] {MessageType.MKDIR_REQUEST, "0000 0000000000000000 0001 2f 02",
            "boolean field holds 2"},
        new Object[] {MessageType.WRITE_ACK, "ffffffff", "seq -1 out of range"},
        new Object[] {MessageType.STAT_RESPONSE,
            "0000 00 0000000000000000 0000000000000000 00000001 0000000000000000 00000000",
            "empty path"});
    for (Object[] c : cases) {
      EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
      byte[] bytes = frame((MessageType) c[0], Wire.hex((String) c[1]));
      ProtocolException e = assertThrows(ProtocolException.class,
          () -> channel.writeInbound(Unpooled.wrappedBuffer(bytes)), (String) c[2]);
      assertTrue(e.getMessage().contains((String) c[2]), e.getMessage());
      assertFalse(channel.finish());
    }
  }

  // --- after an error ----------------------------------------------------------------------

  @Test
  void afterAnErrorFurtherInputIsDiscarded() {
    byte[] good = Wire.encode(Frame.request(1, new Ping()));
    byte[] bad = good.clone();
    bad[4] = 9;
    assertThrows(VersionMismatchException.class,
        () -> ch.writeInbound(Unpooled.wrappedBuffer(Wire.concat(bad, good))));
    assertFalse(ch.writeInbound(Unpooled.wrappedBuffer(good)));
    ch.checkException();
    assertNull(ch.readInbound());
    assertFalse(ch.finish(), "nothing decoded after the error, not even at close");
  }

  @Test
  void framesBeforeTheBadOneAreStillDelivered() {
    byte[] good = Wire.encode(Frame.request(1, new Ping()));
    byte[] bad = header(Frames.VERSION, 0, 27, 2, 0);
    assertThrows(ProtocolException.class,
        () -> ch.writeInbound(Unpooled.wrappedBuffer(Wire.concat(good, bad, good))));
    Frame first = ch.readInbound();
    assertEquals(Frame.request(1, new Ping()), first);
    assertNull(ch.readInbound());
  }

  // --- helpers -----------------------------------------------------------------------------

  static byte[] header(int version, int flags, int type, long requestId, long length) {
    ByteBuf b = Unpooled.buffer(Frames.HEADER_LENGTH);
    b.writeInt(Frames.MAGIC).writeByte(version).writeByte(flags).writeShort(type)
        .writeLong(requestId).writeInt((int) length);
    return b.array();
  }

  static byte[] frame(MessageType type, byte[] payload) {
    return Wire.concat(header(Frames.VERSION, 0, type.code(), 1, payload.length), payload);
  }

  private static byte[] payloadOf(byte[] frame) {
    return Arrays.copyOfRange(frame, Frames.HEADER_LENGTH, frame.length);
  }

  private static byte[] withPayload(byte[] frame, byte[] payload) {
    byte[] h = Arrays.copyOf(frame, Frames.HEADER_LENGTH);
    Unpooled.wrappedBuffer(h).setInt(16, payload.length);
    return Wire.concat(h, payload);
  }

  private static List<Frame> drain(EmbeddedChannel c) {
    c.checkException();
    List<Frame> out = new ArrayList<>();
    for (Object o; (o = c.readInbound()) != null; ) {
      out.add(assertInstanceOf(Frame.class, o));
    }
    return out;
  }

  /** Compares frame by frame (packets by fields and bytes) and releases {@code got}. */
  private static void assertFrames(List<Frame> expected, List<Frame> got, String what) {
    try {
      assertEquals(expected.size(), got.size(), what + ": frame count");
      for (int i = 0; i < expected.size(); i++) {
        Frame e = expected.get(i);
        Frame g = got.get(i);
        assertEquals(e.requestId(), g.requestId(), what);
        assertEquals(e.flags(), g.flags(), what);
        assertEquals(describe(e.message()), describe(g.message()), what);
      }
    } finally {
      got.forEach(Frame::release);
    }
  }

  /** Records compare by value, and ByteBuf.equals compares readable bytes, so this is exact. */
  private static Object describe(Message m) {
    return m instanceof WritePacket || m instanceof ReadPacket
        ? List.of(m.toString(), ByteBufUtil.hexDump(m.bulk())) : m;
  }
}
