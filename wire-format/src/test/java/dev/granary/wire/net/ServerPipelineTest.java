package dev.granary.wire.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Frame;
import dev.granary.wire.FrameDecoder;
import dev.granary.wire.FrameEncoder;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Hello;
import dev.granary.wire.msg.HelloOk;
import dev.granary.wire.msg.Ping;
import dev.granary.wire.msg.StatRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server pipeline as every Granary server builds it (codec, handshake, application,
 * {@link ProtocolErrorHandler}) in an {@link EmbeddedChannel}: bad input gets one ERROR and a
 * close, and nothing escapes the pipeline.
 */
class ServerPipelineTest {
  private final App app = new App();
  private final EmbeddedChannel ch = new EmbeddedChannel();

  ServerPipelineTest() {
    ch.pipeline().addLast(new FrameDecoder(), FrameEncoder.INSTANCE,
        new ServerHandshakeHandler(Role.MASTER, "master-1", "granary/test",
            Set.of(Role.CLIENT, Role.CHUNKSERVER)),
        app, new ProtocolErrorHandler("master-1"));
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
    app.frames.forEach(ReferenceCountUtil::release);
  }

  /** Stands in for the application handlers: keeps frames and events. */
  private static final class App extends ChannelInboundHandlerAdapter {
    final List<Frame> frames = new ArrayList<>();
    final List<Object> events = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      frames.add((Frame) msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      events.add(evt);
    }
  }

  private static ByteBuf bytes(Frame... frames) {
    EmbeddedChannel enc = new EmbeddedChannel(FrameEncoder.INSTANCE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Frame f : frames) {
      enc.writeOutbound(f);
    }
    for (ByteBuf b; (b = enc.readOutbound()) != null; ) {
      out.writeBytes(ByteBufUtil.getBytes(b));
      b.release();
    }
    enc.finishAndReleaseAll();
    return Unpooled.wrappedBuffer(out.toByteArray());
  }

  /** Every frame the server wrote, decoded. */
  private List<Frame> written() {
    EmbeddedChannel dec = new EmbeddedChannel(new FrameDecoder());
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      dec.writeInbound(b);
    }
    List<Frame> out = new ArrayList<>();
    for (Frame f; (f = dec.readInbound()) != null; ) {
      out.add(f);
    }
    assertFalse(dec.finish());
    return out;
  }

  private static ErrorReply onlyError(List<Frame> frames) {
    assertEquals(1, frames.size(), "frames written: " + frames);
    assertTrue(frames.get(0).isResponse());
    return assertInstanceOf(ErrorReply.class, frames.get(0).message());
  }

  @Test
  void garbageGetsExactlyOneProtocolErrorAndAClose() {
    ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        StandardCharsets.US_ASCII));
    ch.checkException(); // nothing escaped: the error handler took it
    assertFalse(ch.isOpen());
    ErrorReply e = onlyError(written());
    assertEquals(Status.PROTOCOL, e.status());
    assertTrue(e.message().contains("bad magic"), e.message());
    assertTrue(app.frames.isEmpty());
  }

  @Test
  void garbageAfterTheHandshakeGetsExactlyOneError() {
    ch.writeInbound(bytes(Frame.request(1, new Hello(Role.CLIENT, "", "cli"))));
    assertInstanceOf(HelloOk.class, written().get(0).message());
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[64]));
    ch.checkException();
    assertFalse(ch.isOpen());
    assertEquals(Status.PROTOCOL, onlyError(written()).status());
  }

  @Test
  void helloIsAnsweredAndLaterFramesReachTheApplication() {
    // Hello and the first request arrive in one read, as a quick client sends them.
    ch.writeInbound(bytes(Frame.request(1, new Hello(Role.CHUNKSERVER, "cs-7", "granary/1")),
        Frame.request(2, new StatRequest("/a"))));
    ch.checkException();
    List<Frame> out = written();
    assertEquals(List.of(Frame.response(1, new HelloOk(Role.MASTER, "master-1", "granary/test"))),
        out);
    assertEquals(List.of(new ServerHandshakeHandler.PeerInfo(Role.CHUNKSERVER, "cs-7",
        "granary/1")), app.events);
    assertEquals(List.of(Frame.request(2, new StatRequest("/a"))), app.frames);
    assertNull(ch.pipeline().get(ServerHandshakeHandler.class), "handshake handler removed");
    // A second HELLO is now an ordinary frame for the application, not a new handshake.
    ch.writeInbound(bytes(Frame.request(3, new Hello(Role.CLIENT, "", ""))));
    assertEquals(2, app.frames.size());
    assertTrue(ch.isOpen());
  }

  @Test
  void aFirstFrameOtherThanHelloIsRefused() {
    ch.writeInbound(bytes(Frame.request(5, new Ping()), Frame.request(6, new Ping())));
    ch.checkException();
    assertFalse(ch.isOpen());
    List<Frame> out = written();
    ErrorReply e = onlyError(out);
    assertEquals(5, out.get(0).requestId(), "the refusal answers the offending request");
    assertEquals(Status.PROTOCOL, e.status());
    assertTrue(e.message().contains("expected HELLO"), e.message());
    assertTrue(app.frames.isEmpty());
  }

  @Test
  void aHelloMarkedAsAResponseIsRefused() {
    ch.writeInbound(bytes(Frame.response(1, new Hello(Role.CLIENT, "", ""))));
    assertFalse(ch.isOpen());
    assertEquals(Status.PROTOCOL, onlyError(written()).status());
  }

  @Test
  void aRoleTheServerDoesNotAcceptIsDenied() {
    ch.writeInbound(bytes(Frame.request(1, new Hello(Role.MASTER, "other-master", "x"))));
    ch.checkException();
    assertFalse(ch.isOpen());
    ErrorReply e = onlyError(written());
    assertEquals(Status.DENIED, e.status());
    assertEquals(7, e.status().exitCode());
    assertTrue(e.message().contains("MASTER"), e.message());
    assertTrue(app.events.isEmpty());
  }

  @Test
  void wrongVersionIsAnsweredWithAReadableError() {
    ByteBuf hello = bytes(Frame.request(1, new Hello(Role.CLIENT, "", "granary/9")));
    hello.setByte(4, 4);
    ch.writeInbound(hello);
    ch.checkException();
    assertFalse(ch.isOpen());
    List<Frame> out = written();
    ErrorReply e = onlyError(out);
    assertEquals(0, out.get(0).requestId());
    assertEquals(Status.PROTOCOL, e.status());
    assertTrue(e.message().contains("protocol version 4 is not supported"), e.message());
  }

  @Test
  void truncatedFrameAtCloseEndsQuietly() {
    ByteBuf hello = bytes(Frame.request(1, new Hello(Role.CLIENT, "", "")));
    ch.writeInbound(hello.retainedSlice(0, 15));
    hello.release();
    assertTrue(ch.isOpen());
    assertFalse(ch.finish(), "nothing decoded");
    ch.checkException();
    assertTrue(written().isEmpty(), "no answer on a closed connection");
  }

  @Test
  void unclaimedFramesAreReleasedByTheErrorHandler() {
    EmbeddedChannel c = new EmbeddedChannel(new FrameDecoder(), new ProtocolErrorHandler("n"));
    ByteBuf data = Unpooled.wrappedBuffer(new byte[100]);
    ByteBuf in = bytes(Frame.request(1, new dev.granary.wire.msg.WritePacket(0, 0, 0, true, data)));
    c.writeInbound(in);
    assertEquals(0, in.refCnt(), "the packet's slice of the input was released");
    assertFalse(c.finish());
  }
}
