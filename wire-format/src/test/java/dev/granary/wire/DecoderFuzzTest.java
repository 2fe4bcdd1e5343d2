package dev.granary.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import dev.granary.wire.net.ProtocolErrorHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feeds over a million random and mutated frames to {@link FrameDecoder} and checks its promises:
 *
 * <ul>
 *   <li>the only exception that ever comes out is {@link ProtocolException} (or its subclass
 *       {@link VersionMismatchException}), never an IndexOutOfBounds, IllegalArgument, NPE, OOM...;
 *   <li>it never waits for (so never buffers) more than a header plus the announced type's limit,
 *       and in a real channel the allocator is never asked for more than that plus one read;
 *   <li>after an error it discards everything, and a pipeline with {@link ProtocolErrorHandler}
 *       answers exactly one {@code ERROR PROTOCOL} and closes;
 *   <li>whatever does decode is a valid message: it re-encodes and decodes to the same value;
 *   <li>no buffer leaks.
 * </ul>
 *
 * <p>Mutations of valid frames matter most: random bytes rarely get past the magic, while a valid
 * header over a damaged payload drives every payload decoder. Reproducible: the seed is printed and
 * can be set with {@code -Dfuzz.seed=N}; {@code -Dfuzz.frames=N} changes the frame count.
 *
 * <p>Phase A calls {@code decode}/{@code decodeLast} directly (this test lives in the decoder's
 * package) with a fresh decoder per input, which is fast enough for a million frames. Phase B runs
 * streams of frames, fed in random chunks, through real {@link EmbeddedChannel} pipelines with a
 * tracking allocator.
 */
class DecoderFuzzTest {
  private static final long DEFAULT_SEED = 0x6772616e61727931L;
  private static final int MAX_CHUNK = 8192;
  private static final int LARGEST_PAYLOAD = largestPayloadLimit();
  private static final int ALLOCATION_LIMIT = Frames.HEADER_LENGTH + LARGEST_PAYLOAD + MAX_CHUNK;

  private final long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
  private final int totalFrames = Integer.getInteger("fuzz.frames", 1_000_000);
  private final Random random = new Random(seed);
  private final List<byte[]> corpus = new ArrayList<>();

  // Outcome counters, printed at the end so a run shows what it exercised.
  private long decoded;
  private long errors;
  private long versionMismatches;
  private long truncatedAtClose;
  private long framesFed;

  @Test
  void decoderSurvivesAMillionRandomAndMutatedFrames() throws InterruptedException {
    System.out.println("DecoderFuzzTest seed=" + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
    long start = System.nanoTime();
    buildCorpus();
    int channelFrames = Math.max(totalFrames / 20, 1);
    runOnShallowStack(() -> runDirect(totalFrames - channelFrames));
    long directFrames = framesFed;
    long directMillis = (System.nanoTime() - start) / 1_000_000;
    ChannelStats s = runThroughChannels(channelFrames);
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("DecoderFuzzTest seed=%d: %d frames (%d direct in %d ms, %d through %d"
            + " channels) in %d ms: %d decoded, %d protocol errors (%d version mismatches), %d"
            + " truncated at close; channels: %d errors answered, largest allocation needed %d"
            + " bytes (limit %d), most bytes held by the decoder %d%n",
        seed, framesFed, directFrames, directMillis, framesFed - directFrames, s.channels, millis,
        decoded,
        errors, versionMismatches, truncatedAtClose, s.answered, s.largestAllocation,
        ALLOCATION_LIMIT, s.mostHeld);
    assertTrue(framesFed >= totalFrames, "fed " + framesFed + " frames");
    // Every kind of outcome must have happened, or the fuzzer is not exercising the decoder.
    assertTrue(decoded > totalFrames / 100, "too few frames decoded: " + decoded);
    assertTrue(errors > totalFrames / 10, "too few errors: " + errors);
    assertTrue(versionMismatches > 0 && truncatedAtClose > 0, "outcomes not all exercised");
    assertTrue(s.answered > 0, "no channel answered an error");
  }

  /**
   * Runs {@code work} on a fresh thread and waits for it. Most fuzzed frames end in an exception,
   * and filling in a stack trace costs in proportion to the stack's depth: under JUnit's deep stack
   * that would dominate the run time.
   */
  private static void runOnShallowStack(Runnable work) throws InterruptedException {
    Throwable[] failure = new Throwable[1];
    Thread t = new Thread(() -> {
      try {
        work.run();
      } catch (Throwable e) {
        failure[0] = e;
      }
    }, "decoder-fuzz");
    t.start();
    t.join();
    if (failure[0] instanceof Error e) {
      throw e;
    }
    if (failure[0] instanceof RuntimeException e) {
      throw e;
    }
  }

  private static int largestPayloadLimit() {
    int max = 0;
    for (MessageType t : MessageType.values()) {
      max = Math.max(max, t.maxPayload());
    }
    return max;
  }

  private void buildCorpus() {
    for (MessageType t : MessageType.values()) {
      for (int i = 0; i < 24; i++) {
        Message m = SampleMessages.random(t, random);
        corpus.add(Wire.encode(random.nextLong(), random.nextBoolean() ? Frames.FLAG_RESPONSE : 0,
            m));
      }
    }
  }

  // --- phase A: one decoder per input, decode called directly -----------------------------

  private void runDirect(int frames) {
    for (int i = 0; i < frames; i++) {
      byte[] input = mutatedFrame();
      if (random.nextInt(8) == 0) {
        // A valid frame behind the mutated one: coalesced input.
        input = Wire.concat(input, pick());
        framesFed++;
      }
      framesFed++;
      feedDirect(input, i);
    }
  }

  private void feedDirect(byte[] input, int iteration) {
    FrameDecoder decoder = new FrameDecoder();
    ByteBuf in = Unpooled.wrappedBuffer(input);
    List<Object> out = new ArrayList<>();
    try {
      boolean failed = decodeAll(decoder, in, out, input, iteration);
      if (failed) {
        assertEquals(0, in.readableBytes(), "input not discarded after an error");
        ByteBuf more = Unpooled.wrappedBuffer(pick());
        int before = out.size();
        decoder.decode(null, more, out);
        decoder.decodeLast(null, more, out);
        assertEquals(before, out.size(), "decoded a frame after an error");
        assertEquals(0, more.readableBytes(), "input not discarded after an error");
        more.release();
      } else {
        checkAwaitedHeader(in, input);
        boolean partial = in.isReadable();
        try {
          decoder.decodeLast(null, in, out);
          assertFalse(partial, "decodeLast accepted a truncated frame: " + Wire.hex(input));
        } catch (ProtocolException e) {
          assertTrue(partial, "decodeLast failed on a complete input: " + e);
          truncatedAtClose++;
        } catch (Throwable t) {
          fail(report("decodeLast threw " + t.getClass().getName(), input, iteration, t));
        }
      }
      for (Object o : out) {
        checkDecoded((Frame) o, input, iteration);
      }
    } finally {
      out.forEach(ReferenceCountUtil::release);
    }
    assertEquals(1, in.refCnt(), "a decoded frame kept a reference to the input");
    in.release();
  }

  /** Mimics ByteToMessageDecoder's loop. Returns true if the decoder raised a protocol error. */
  private boolean decodeAll(FrameDecoder decoder, ByteBuf in, List<Object> out, byte[] input,
      int iteration) {
    while (in.isReadable()) {
      int before = in.readableBytes();
      int produced = out.size();
      try {
        decoder.decode(null, in, out);
      } catch (VersionMismatchException e) {
        versionMismatches++;
        errors++;
        return true;
      } catch (ProtocolException e) {
        errors++;
        return true;
      } catch (Throwable t) {
        fail(report("decoder threw " + t.getClass().getName() + " instead of ProtocolException",
            input, iteration, t));
      }
      if (out.size() == produced && in.readableBytes() == before) {
        return false;
      }
    }
    return false;
  }

  /**
   * The decoder waits for more input only behind a header it has fully checked, so the frame it
   * waits for is within its type's limit: that is what bounds its memory.
   */
  private static void checkAwaitedHeader(ByteBuf in, byte[] input) {
    int n = in.readableBytes();
    int at = in.readerIndex();
    if (n >= 4) {
      assertEquals(Frames.MAGIC, in.getInt(at), "waiting behind a bad magic");
    }
    if (n >= 5) {
      assertEquals(Frames.VERSION, in.getUnsignedByte(at + 4), "waiting behind a bad version");
    }
    if (n >= Frames.HEADER_LENGTH) {
      assertEquals(0, in.getUnsignedByte(at + 5) & ~Frames.KNOWN_FLAGS);
      MessageType type = MessageType.forCode(in.getUnsignedShort(at + 6));
      assertTrue(type != null, "waiting behind an unknown type: " + Wire.hex(input));
      long length = in.getUnsignedInt(at + 16);
      assertTrue(length <= type.maxPayload(), "waiting for " + length + " bytes of " + type);
      assertTrue(n < Frames.HEADER_LENGTH + length, "a complete frame was left undecoded");
    }
  }

  /** A decoded frame is a valid message: encoding it again decodes to the same value. */
  private void checkDecoded(Frame f, byte[] input, int iteration) {
    decoded++;
    Message m = f.message();
    ByteBuf buf = Unpooled.buffer();
    try {
      m.encode(buf);
      if (m.bulk() != null) {
        buf.writeBytes(m.bulk(), m.bulk().readerIndex(), m.bulk().readableBytes());
      }
      assertTrue(buf.readableBytes() <= m.type().maxPayload(), "decoded above the limit");
      Message again = m.type().decode(buf);
      try {
        if (m.bulk() == null) {
          assertEquals(m, again, "re-encoding changed the message");
        } else {
          assertEquals(m.toString(), again.toString());
          assertEquals(ByteBufUtil.hexDump(m.bulk()), ByteBufUtil.hexDump(again.bulk()));
        }
      } finally {
        ReferenceCountUtil.release(again);
      }
    } catch (RuntimeException e) {
      fail(report("a decoded message does not re-encode: " + m, input, iteration, e));
    } finally {
      buf.release();
    }
  }

  // --- phase B: streams through real pipelines -------------------------------------------------

  private static final class ChannelStats {
    long channels;
    long answered;
    long largestAllocation;
    long mostHeld;
  }

  /** Counts and releases decoded frames; records exceptions on their way to the error handler. */
  private static final class Sink extends ChannelInboundHandlerAdapter {
    long frames;
    final List<Throwable> exceptions = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      frames++;
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      exceptions.add(cause);
      ctx.fireExceptionCaught(cause);
    }
  }

  private ChannelStats runThroughChannels(int frames) {
    ChannelStats stats = new ChannelStats();
    TrackingAllocator alloc = new TrackingAllocator(ALLOCATION_LIMIT);
    long[] held = new long[1];
    int fed = 0;
    while (fed < frames) {
      stats.channels++;
      List<byte[]> stream = new ArrayList<>();
      if (stats.channels % 200 == 0) {
        stream.add(maximalFrame());
      }
      int n = 1 + random.nextInt(40);
      for (int i = 0; i < n; i++) {
        stream.add(random.nextInt(5) == 0 ? mutatedFrame() : pick());
      }
      fed += stream.size();
      framesFed += stream.size();
      runStream(Wire.concat(stream.toArray(new byte[0][])), alloc, held, stats);
      alloc.compact();
    }
    stats.largestAllocation = alloc.largestRequest();
    stats.mostHeld = held[0];
    assertTrue(alloc.largestRequest() <= ALLOCATION_LIMIT, "the decoder asked for "
        + alloc.largestRequest() + " bytes; limit " + ALLOCATION_LIMIT + " (seed " + seed + ")");
    assertTrue(alloc.largestGranted() <= ALLOCATION_LIMIT, "allocated " + alloc.largestGranted());
    assertTrue(held[0] <= ALLOCATION_LIMIT, "the decoder held " + held[0] + " bytes");
    return stats;
  }

  private void runStream(byte[] stream, TrackingAllocator alloc, long[] held, ChannelStats stats) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setAllocator(alloc);
    FrameDecoder decoder = new FrameDecoder();
    decoder.setCumulator((a, cumulation, in) -> {
      ByteBuf c = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(a, cumulation, in);
      held[0] = Math.max(held[0], c.readableBytes());
      return c;
    });
    Sink sink = new Sink();
    ch.pipeline().addLast(decoder, FrameEncoder.INSTANCE, sink,
        new ProtocolErrorHandler("fuzz"));
    String where = "seed " + seed + ", stream " + stats.channels + ": " + abbreviate(stream);
    try {
      boolean errorWhileOpen = false;
      int pos = 0;
      while (pos < stream.length) {
        int len = Math.min(stream.length - pos, 1 + random.nextInt(MAX_CHUNK));
        ByteBuf chunk = alloc.buffer(len).writeBytes(stream, pos, len);
        pos += len;
        if (ch.isOpen()) {
          ch.writeInbound(chunk);
          errorWhileOpen |= !sink.exceptions.isEmpty();
        } else {
          // Closed after an error: whatever is still in flight is dropped by the decoder.
          long before = sink.frames;
          ch.pipeline().fireChannelRead(chunk);
          ch.runPendingTasks();
          assertEquals(before, sink.frames, "decoded after an error; " + where);
        }
      }
      ch.finish();
      ch.checkException();
      for (Throwable t : sink.exceptions) {
        if (!(t instanceof ProtocolException)) {
          fail(report("the pipeline saw " + t.getClass().getName(), stream, 0, t));
        }
      }
      List<Frame> replies = Wire.decodeAll(outbound(ch));
      if (errorWhileOpen) {
        assertEquals(1, replies.size(), "ERROR frames written; " + where);
        Frame r = replies.get(0);
        assertTrue(r.isResponse() && r.requestId() == 0, where);
        assertEquals(Status.PROTOCOL, ((ErrorReply) r.message()).status(), where);
        stats.answered++;
      } else {
        assertEquals(List.of(), replies, where);
      }
    } finally {
      ch.finishAndReleaseAll();
    }
    assertEquals(0, alloc.unreleased(), "leaked buffers; " + where);
  }

  private static byte[] outbound(EmbeddedChannel ch) {
    List<byte[]> parts = new ArrayList<>();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      parts.add(ByteBufUtil.getBytes(b));
      b.release();
    }
    return Wire.concat(parts.toArray(new byte[0][]));
  }

  /** A frame as large as a control frame may be, so the decoder must buffer up to its limit. */
  private byte[] maximalFrame() {
    byte[] payload = SampleMessages.bytes(random, Limits.MAX_CONTROL_PAYLOAD);
    MessageType type = random.nextBoolean() ? MessageType.STAT_REQUEST : MessageType.LIST_RESPONSE;
    return Wire.concat(FrameDecoderTest.header(Frames.VERSION, 0, type.code(), 1,
        payload.length), payload);
  }

  // --- mutations ---------------------------------------------------------------------------

  private byte[] pick() {
    return corpus.get(random.nextInt(corpus.size()));
  }

  private byte[] mutatedFrame() {
    int p = random.nextInt(100);
    if (p < 4) {
      return SampleMessages.bytes(random, random.nextInt(64));
    }
    if (p < 20) {
      return validHeaderRandomPayload();
    }
    byte[] b = pick().clone();
    int rounds = 1 + (random.nextInt(4) == 0 ? random.nextInt(4) : 0);
    for (int i = 0; i < rounds; i++) {
      b = mutate(b);
    }
    return b;
  }

  private byte[] validHeaderRandomPayload() {
    MessageType type = MessageType.values()[random.nextInt(MessageType.values().length)];
    int len = random.nextInt(4) == 0 ? random.nextInt(2000) : random.nextInt(64);
    byte[] payload = SampleMessages.bytes(random, len);
    if (len >= 2 && random.nextBoolean()) {
      payload[0] = 0; // plausible small string lengths / counts
    }
    return Wire.concat(FrameDecoderTest.header(Frames.VERSION, random.nextInt(2), type.code(),
        random.nextLong(), len), payload);
  }

  private byte[] mutate(byte[] b) {
    if (b.length == 0) {
      return SampleMessages.bytes(random, 1 + random.nextInt(30));
    }
    switch (random.nextInt(11)) {
      case 0 -> { // flip one bit anywhere
        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        return b;
      }
      case 1 -> { // flip bits in the payload only (header stays valid)
        if (b.length > Frames.HEADER_LENGTH) {
          int at = Frames.HEADER_LENGTH + random.nextInt(b.length - Frames.HEADER_LENGTH);
          b[at] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
      }
      case 2 -> { // substitute an interesting byte in the payload
        byte[] values = {0, (byte) 0xFF, 0x7F, (byte) 0x80, 1, 2, (byte) 0xC0, (byte) 0xED};
        int at = b.length > Frames.HEADER_LENGTH
            ? Frames.HEADER_LENGTH + random.nextInt(b.length - Frames.HEADER_LENGTH)
            : random.nextInt(b.length);
        b[at] = values[random.nextInt(values.length)];
        return b;
      }
      case 3 -> { // truncate, keeping the header's length (a truncated frame)
        return Arrays.copyOf(b, random.nextInt(b.length));
      }
      case 4 -> { // truncate the payload and fix the length: a short but complete payload
        return withPayloadLength(Arrays.copyOf(b, Frames.HEADER_LENGTH
            + random.nextInt(Math.max(1, b.length - Frames.HEADER_LENGTH))));
      }
      case 5 -> { // append bytes and fix the length: trailing data
        return withPayloadLength(Wire.concat(b, SampleMessages.bytes(random,
            1 + random.nextInt(16))));
      }
      case 6 -> { // change the length field alone
        if (b.length >= Frames.HEADER_LENGTH) {
          long[] lengths = {0, 1, b.length, Limits.MAX_CONTROL_PAYLOAD,
              Limits.MAX_CONTROL_PAYLOAD + 1L, Limits.MAX_PACKET_PAYLOAD,
              Limits.MAX_PACKET_PAYLOAD + 1L, 0xFFFFFFFFL, 0x7FFFFFFFL,
              random.nextInt(1 << 20), b.length - Frames.HEADER_LENGTH + random.nextInt(9) - 4};
          Unpooled.wrappedBuffer(b).setInt(16, (int) lengths[random.nextInt(lengths.length)]);
        }
        return b;
      }
      case 7 -> { // a big or negative int over a count or string length in the payload
        if (b.length >= Frames.HEADER_LENGTH + 4) {
          int at = Frames.HEADER_LENGTH + random.nextInt(b.length - Frames.HEADER_LENGTH - 3);
          int[] ints = {-1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xFFFF, 0x2001, 1 << 20, 65536};
          Unpooled.wrappedBuffer(b).setInt(at, ints[random.nextInt(ints.length)]);
        }
        return b;
      }
      case 8 -> { // another type code over the same payload
        if (b.length >= Frames.HEADER_LENGTH) {
          int code = random.nextInt(4) == 0 ? random.nextInt(256)
              : MessageType.values()[random.nextInt(MessageType.values().length)].code();
          Unpooled.wrappedBuffer(b).setShort(6, code);
        }
        return b;
      }
      case 9 -> { // header byte substitution: version, flags
        if (b.length >= Frames.HEADER_LENGTH) {
          b[4 + random.nextInt(2)] = (byte) random.nextInt(256);
        }
        return b;
      }
      default -> { // insert or delete a run of bytes in the payload, length fixed
        if (b.length <= Frames.HEADER_LENGTH) {
          return b;
        }
        int at = Frames.HEADER_LENGTH + random.nextInt(b.length - Frames.HEADER_LENGTH);
        byte[] out = random.nextBoolean()
            ? Wire.concat(Arrays.copyOf(b, at), SampleMessages.bytes(random, 1 + random.nextInt(8)),
                Arrays.copyOfRange(b, at, b.length))
            : Wire.concat(Arrays.copyOf(b, at),
                Arrays.copyOfRange(b, Math.min(b.length, at + 1 + random.nextInt(8)), b.length));
        return withPayloadLength(out);
      }
    }
  }

  private static byte[] withPayloadLength(byte[] b) {
    if (b.length >= Frames.HEADER_LENGTH) {
      Unpooled.wrappedBuffer(b).setInt(16, b.length - Frames.HEADER_LENGTH);
    }
    return b;
  }

  // --- reporting ---------------------------------------------------------------------------

  private String report(String what, byte[] input, int iteration, Throwable t) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    return what + " (seed " + seed + ", iteration " + iteration + ")\ninput: "
        + abbreviate(input) + "\n" + trace;
  }

  private static String abbreviate(byte[] b) {
    String hex = Wire.hex(b.length > 512 ? Arrays.copyOf(b, 512) : b);
    return b.length > 512 ? hex + "... (" + b.length + " bytes)" : hex;
  }
}
