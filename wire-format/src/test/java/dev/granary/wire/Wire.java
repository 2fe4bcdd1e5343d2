package dev.granary.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.msg.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Encoding and decoding through the real Netty handlers, for tests. */
final class Wire {
  private Wire() {}

  /** Encodes {@code frame} with {@link FrameEncoder}; takes ownership of it (packets' data). */
  static byte[] encode(Frame frame) {
    EmbeddedChannel ch = new EmbeddedChannel(FrameEncoder.INSTANCE);
    try {
      assertTrue(ch.writeOutbound(frame), "encoder produced no output");
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
        try {
          all.writeBytes(ByteBufUtil.getBytes(b));
        } finally {
          b.release();
        }
      }
      return all.toByteArray();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  static byte[] encode(long requestId, int flags, Message m) {
    return encode(new Frame(requestId, flags, m));
  }

  /** Decodes every frame in {@code bytes}; the caller releases them. Fails on any error. */
  static List<Frame> decodeAll(byte[] bytes) {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder());
    ch.writeInbound(Unpooled.wrappedBuffer(bytes));
    List<Frame> out = new ArrayList<>();
    for (Frame f; (f = ch.readInbound()) != null; ) {
      out.add(f);
    }
    ch.checkException();
    assertTrue(!ch.finish() || ch.inboundMessages().isEmpty(), "decoder left messages behind");
    return out;
  }

  /** Decodes exactly one frame from {@code bytes}; the caller releases it. */
  static Frame decodeOne(byte[] bytes) {
    List<Frame> frames = decodeAll(bytes);
    assertEquals(1, frames.size(), "frames decoded");
    return frames.get(0);
  }

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replaceAll("[\\s|_]", ""));
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
