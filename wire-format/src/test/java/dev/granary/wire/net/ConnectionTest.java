package dev.granary.wire.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Frame;
import dev.granary.wire.FrameDecoder;
import dev.granary.wire.FrameEncoder;
import dev.granary.wire.Frames;
import dev.granary.wire.MessageType;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.Hello;
import dev.granary.wire.msg.HelloOk;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.Ping;
import dev.granary.wire.msg.Pong;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.StatResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link Connection} against real loopback servers built the way Granary servers are. */
class ConnectionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static EventLoopGroup group;

  private final List<Channel> servers = new ArrayList<>();
  private final List<Connection> connections = new ArrayList<>();

  @BeforeAll
  static void startLoops() {
    group = Transports.eventLoopGroup(2, "connection-test");
  }

  @AfterAll
  static void stopLoops() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @AfterEach
  void stopServers() {
    connections.forEach(Connection::close);
    servers.forEach(s -> s.close().syncUninterruptibly());
  }

  /**
   * The application side of the test server. StatRequest paths choose the behaviour: "/missing"
   * gets ERROR NOT_FOUND, "/never" no answer, "/close" a closed connection, "/hold/N/..." is kept
   * until N such requests are held and then all are answered in reverse order; any other path gets
   * a StatResponse naming it. PING gets PONG.
   */
  private static final class App extends ChannelInboundHandlerAdapter {
    private final List<Frame> held = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Frame f = (Frame) msg;
      Message m = f.message();
      if (m instanceof Ping) {
        ctx.writeAndFlush(Frame.response(f.requestId(), new Pong()));
      } else if (m instanceof StatRequest s) {
        String path = s.path();
        if (path.equals("/missing")) {
          ctx.writeAndFlush(Frame.response(f.requestId(),
              new ErrorReply(Status.NOT_FOUND, "no such file: /missing", "")));
        } else if (path.equals("/close")) {
          ctx.close();
        } else if (path.startsWith("/hold/")) {
          held.add(f);
          int n = Integer.parseInt(path.split("/")[2]);
          if (held.size() == n) {
            for (int i = held.size() - 1; i >= 0; i--) {
              Frame h = held.get(i);
              ctx.write(Frame.response(h.requestId(), answer(((StatRequest) h.message()).path())));
            }
            held.clear();
            ctx.flush();
          }
        } else if (!path.equals("/never")) {
          ctx.writeAndFlush(Frame.response(f.requestId(), answer(path)));
        }
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    private static StatResponse answer(String path) {
      return new StatResponse(new FileEntry(path, false, 1, 2, 3, 4, 5));
    }
  }

  private int startServer(Set<Role> accepted) throws InterruptedException {
    return bind(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        Transports.addCodec(ch.pipeline());
        ch.pipeline().addLast(new ServerHandshakeHandler(Role.MASTER, "master-1", "granary/test",
            accepted), new App(), new ProtocolErrorHandler("master-1"));
      }
    });
  }

  /** A server that answers whatever arrives with {@code reply} bytes and closes. */
  private int startFakeServer(Supplier<byte[]> reply) throws InterruptedException {
    return bind(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(reply.get()))
                .addListener(ChannelFutureListener.CLOSE);
          }
        });
      }
    });
  }

  private int bind(ChannelHandler childHandler) throws InterruptedException {
    Channel server = Transports.serverBootstrap(group, group).childHandler(childHandler)
        .bind("127.0.0.1", 0).sync().channel();
    servers.add(server);
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  private CompletableFuture<Connection> connect(int port, Role role) {
    CompletableFuture<Connection> f = Connection.connect(
        Transports.clientBootstrap(group, TIMEOUT), "127.0.0.1", port, role, "", "granary/test",
        TIMEOUT);
    f.thenAccept(connections::add);
    return f;
  }

  private static Throwable failure(CompletableFuture<?> f) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    return e.getCause();
  }

  @Test
  void handshakeThenUnaryCalls() throws Exception {
    Connection c = connect(startServer(Set.of(Role.CLIENT)), Role.CLIENT).get(10, TimeUnit.SECONDS);
    assertEquals(new HelloOk(Role.MASTER, "master-1", "granary/test"), c.serverHello());
    assertTrue(c.isActive());
    assertEquals(new Pong(), c.call(new Ping(), TIMEOUT).get(10, TimeUnit.SECONDS));
    StatResponse r = (StatResponse) c.call(new StatRequest("/a"), TIMEOUT)
        .get(10, TimeUnit.SECONDS);
    assertEquals("/a", r.entry().path());
  }

  @Test
  void responsesOutOfOrderReachTheirCallers() throws Exception {
    Connection c = connect(startServer(Set.of(Role.CLIENT)), Role.CLIENT).get(10, TimeUnit.SECONDS);
    List<String> completionOrder = new CopyOnWriteArrayList<>();
    List<CompletableFuture<Message>> calls = new ArrayList<>();
    // The server holds a, b and c until the fourth request arrives, so every callback below is
    // registered before any answer can complete its future.
    for (String name : List.of("a", "b", "c")) {
      CompletableFuture<Message> f = c.call(new StatRequest("/hold/4/" + name), TIMEOUT);
      f.thenAccept(m -> completionOrder.add(((StatResponse) m).entry().path()));
      calls.add(f);
    }
    Message trigger = c.call(new StatRequest("/hold/4/d"), TIMEOUT).get(10, TimeUnit.SECONDS);
    assertEquals("/hold/4/d", ((StatResponse) trigger).entry().path());
    for (int i = 0; i < 3; i++) {
      String expected = "/hold/4/" + List.of("a", "b", "c").get(i);
      assertEquals(expected, ((StatResponse) calls.get(i).get(10, TimeUnit.SECONDS)).entry()
          .path());
    }
    assertEquals(List.of("/hold/4/c", "/hold/4/b", "/hold/4/a"), completionOrder,
        "the server answered in reverse order");
  }

  @Test
  void aCallWithoutAnswerTimesOutAndTheConnectionStaysUsable() throws Exception {
    Connection c = connect(startServer(Set.of(Role.CLIENT)), Role.CLIENT).get(10, TimeUnit.SECONDS);
    Throwable t = failure(c.call(new StatRequest("/never"), Duration.ofMillis(200)));
    assertInstanceOf(TimeoutException.class, t);
    assertTrue(t.getMessage().contains("STAT_REQUEST"), t.getMessage());
    assertEquals(new Pong(), c.call(new Ping(), TIMEOUT).get(10, TimeUnit.SECONDS));
  }

  @Test
  void anErrorReplyBecomesARemoteException() throws Exception {
    Connection c = connect(startServer(Set.of(Role.CLIENT)), Role.CLIENT).get(10, TimeUnit.SECONDS);
    RemoteException e = assertInstanceOf(RemoteException.class,
        failure(c.call(new StatRequest("/missing"), TIMEOUT)));
    assertEquals(Status.NOT_FOUND, e.status());
    assertEquals(3, e.status().exitCode());
    assertEquals("no such file: /missing", e.getMessage());
    assertEquals(new ErrorReply(Status.NOT_FOUND, "no such file: /missing", ""), e.toReply());
    assertTrue(c.isActive(), "an ERROR answers one request; the connection stays");
  }

  @Test
  void closeFailsPendingAndLaterCallsWithConnectionClosed() throws Exception {
    Connection c = connect(startServer(Set.of(Role.CLIENT)), Role.CLIENT).get(10, TimeUnit.SECONDS);
    CompletableFuture<Message> pending = c.call(new StatRequest("/never"), TIMEOUT);
    CompletableFuture<Message> closing = c.call(new StatRequest("/close"), TIMEOUT);
    assertInstanceOf(ConnectionClosedException.class, failure(pending));
    assertInstanceOf(ConnectionClosedException.class, failure(closing));
    assertFalse(c.isActive());
    assertInstanceOf(ConnectionClosedException.class, failure(c.call(new Ping(), TIMEOUT)));
  }

  @Test
  void aRefusedRoleFailsTheConnect() throws Exception {
    int port = startServer(Set.of(Role.CLIENT));
    RemoteException e = assertInstanceOf(RemoteException.class,
        failure(connect(port, Role.CHUNKSERVER)));
    assertEquals(Status.DENIED, e.status());
  }

  @Test
  void nobodyListeningIsConnectionClosed() throws Exception {
    int port = startServer(Set.of(Role.CLIENT));
    servers.remove(0).close().sync();
    Throwable t = failure(connect(port, Role.CLIENT));
    assertInstanceOf(ConnectionClosedException.class, t);
    // Refused at connect, or (if the kernel still completed the handshake while the listener was
    // closing) reset right after: either way a ConnectionClosedException naming the peer.
    assertTrue(t.getMessage().contains("127.0.0.1:" + port), t.getMessage());
  }

  @Test
  void aPeerOfAnotherVersionGetsAReadableErrorFromTheServer() throws Exception {
    int port = startServer(Set.of(Role.CLIENT));
    byte[] hello = encode(Frame.request(1, new Hello(Role.CLIENT, "", "granary/2.0")));
    hello[4] = 4; // a version-4 peer: same first five bytes, another version
    byte[] answer;
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) TIMEOUT.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(hello);
      out.flush();
      InputStream in = s.getInputStream();
      answer = in.readAllBytes(); // the server answers, then closes
    }
    // The answer uses the frozen layout: any version can read the header and the ERROR fields.
    ByteBuf b = Unpooled.wrappedBuffer(answer);
    assertEquals(Frames.MAGIC, b.getInt(0));
    assertEquals(Frames.VERSION, b.getUnsignedByte(4));
    assertEquals(MessageType.ERROR.code(), b.getUnsignedShort(6));
    Frame f = decode(answer);
    ErrorReply e = assertInstanceOf(ErrorReply.class, f.message());
    assertEquals(0, f.requestId());
    assertTrue(f.isResponse());
    assertEquals(Status.PROTOCOL, e.status());
    assertEquals("protocol version 4 is not supported; this peer speaks version 3", e.message());
  }

  @Test
  void connectingToAServerOfAnotherVersionFailsClearly() throws Exception {
    byte[] reply = encode(Frame.response(0, new ErrorReply(Status.PROTOCOL,
        "protocol version 3 is not supported; this peer speaks version 4", "")));
    reply[4] = 4; // the peer speaks version 4
    Throwable t = failure(connect(startFakeServer(() -> reply), Role.CLIENT));
    assertInstanceOf(ConnectionClosedException.class, t);
    assertTrue(t.getMessage().contains("protocol version 4 is not supported"), t.getMessage());
  }

  @Test
  void aConnectionLevelErrorFailsTheConnectWithItsText() throws Exception {
    // A newer server that answers our version with the frozen ERROR layout of version 1.
    byte[] reply = encode(Frame.response(0, new ErrorReply(Status.PROTOCOL,
        "protocol version 2 is not supported; this peer speaks version 3", "")));
    RemoteException e = assertInstanceOf(RemoteException.class,
        failure(connect(startFakeServer(() -> reply), Role.CLIENT)));
    assertEquals(Status.PROTOCOL, e.status());
    assertTrue(e.getMessage().contains("this peer speaks version 3"), e.getMessage());
  }

  @Test
  void aServerThatAnswersHelloWithSomethingElseFailsTheConnect() throws Exception {
    byte[] reply = encode(Frame.response(1, new Pong()));
    RemoteException e = assertInstanceOf(RemoteException.class,
        failure(connect(startFakeServer(() -> reply), Role.CLIENT)));
    assertEquals(Status.PROTOCOL, e.status());
    assertTrue(e.getMessage().contains("PONG"), e.getMessage());
  }

  private static byte[] encode(Frame f) {
    EmbeddedChannel ch = new EmbeddedChannel(FrameEncoder.INSTANCE);
    ch.writeOutbound(f);
    ByteBuf b = ch.readOutbound();
    byte[] out = ByteBufUtil.getBytes(b);
    b.release();
    assertFalse(ch.finish());
    return out;
  }

  private static Frame decode(byte[] bytes) {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder());
    ch.writeInbound(Unpooled.wrappedBuffer(bytes));
    Frame f = ch.readInbound();
    assertFalse(ch.finish(), "exactly one frame");
    return f;
  }
}
