package dev.granary.wire.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connection cap on a real loopback server, and its rate-limited log line on a fake clock. */
class ConnectionCapTest {
  private final EventLoopGroup group = Transports.eventLoopGroup(2, "cap-test");
  private final List<Socket> sockets = new ArrayList<>();
  private Channel server;

  @AfterEach
  void tearDown() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** An echo server whose initializer asks the cap first, as the servers' initializers do. */
  private int serve(ConnectionCap cap) {
    server = Transports.serverBootstrap(group, group)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (!cap.admit(ch)) {
              return;
            }
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.writeAndFlush((ByteBuf) msg);
              }
            });
          }
        })
        .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  private Socket connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    sockets.add(s);
    return s;
  }

  private static boolean echoes(Socket s) throws IOException {
    s.getOutputStream().write(42);
    s.getOutputStream().flush();
    return s.getInputStream().read() == 42;
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void aConnectionOverTheCapIsClosedAndTheOthersAreStillServed() throws IOException {
    ConnectionCap cap = new ConnectionCap("node-1", "test.maxConnections", 2);
    int port = serve(cap);
    Socket a = connect(port);
    Socket b = connect(port);
    assertTrue(echoes(a));
    assertTrue(echoes(b));
    assertEquals(2, cap.open());

    Socket c = connect(port);
    try {
      assertEquals(-1, c.getInputStream().read(), "the third connection is closed at once");
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection over the cap was not closed", e);
    } catch (IOException reset) {
      // A reset also says the server closed it.
    }
    assertEquals(1, cap.refused());
    assertTrue(echoes(a), "the admitted connections keep being served");
    assertTrue(echoes(b));

    a.close();
    await(() -> cap.open() == 1, "the closed connection to free its slot");
    Socket d = connect(port);
    assertTrue(echoes(d), "a slot freed by a close is taken by the next connection");
    assertEquals(2, cap.open());
    assertEquals(1, cap.refused());
  }

  @Test
  void aFloodOfRefusalsLogsOneLinePerInterval() {
    AtomicLong now = new AtomicLong(1_000);
    ConnectionCap cap = new ConnectionCap("node-1", "test.maxConnections", 1, now::get);
    EmbeddedChannel first = new EmbeddedChannel();
    assertTrue(cap.admit(first));
    List<EmbeddedChannel> refused = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      EmbeddedChannel ch = new EmbeddedChannel();
      refused.add(ch);
      assertFalse(cap.admit(ch));
      assertFalse(ch.isOpen(), "refused means closed at once");
      now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    }
    assertEquals(1000, cap.refused());
    assertEquals(1, cap.warnings(), "a second of refusals: one WARN line");

    now.addAndGet(ConnectionCap.WARN_EVERY.toNanos());
    assertFalse(cap.admit(new EmbeddedChannel()));
    assertEquals(2, cap.warnings(), "the next interval gets its own line");
    assertEquals(1, cap.open(), "refusals take no slot");

    first.close();
    assertEquals(0, cap.open());
    EmbeddedChannel next = new EmbeddedChannel();
    assertTrue(cap.admit(next));
    next.close();
  }

  @Test
  void aCapBelowOneIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ConnectionCap("node-1", "master.maxConnections", 0));
    assertEquals("master.maxConnections 0: expected at least 1", e.getMessage());
    assertEquals(Duration.ofSeconds(10), ConnectionCap.WARN_EVERY);
  }
}
