package dev.granary.chunkserver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.common.base.Ticker;
import dev.granary.chunkserver.ChunkServer;
import dev.granary.chunkserver.FakeMaster;
import dev.granary.chunkserver.Poll;
import dev.granary.chunkserver.TestChunkClient;
import dev.granary.chunkserver.TestData;
import dev.granary.chunkserver.storage.CommitStep;
import dev.granary.chunkserver.storage.DiskReplicaStore;
import dev.granary.chunkserver.storage.ReplicaMeta;
import dev.granary.chunkserver.storage.StoreLayout;
import dev.granary.wire.Frames;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.net.Transports;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline head whose disk lags behind its forwarding, and whose downstream socket is full so
 * forwarded packets are written partially (which moves a buffer's reader index). Every packet has
 * been forwarded, and the downstream has committed, before the head writes a byte: the bytes the
 * head then stores must still be the whole packets.
 */
class ForwardingTest {
  @TempDir Path tmp;

  /** Holds every task until opened, as a stalled disk would. */
  static final class GatedExecutor implements Executor {
    private final Executor delegate;
    private final List<Runnable> held = new ArrayList<>();
    private boolean open;

    GatedExecutor(Executor delegate) {
      this.delegate = delegate;
    }

    @Override
    public synchronized void execute(Runnable r) {
      if (open) {
        delegate.execute(r);
      } else {
        held.add(r);
      }
    }

    synchronized void open() {
      open = true;
      held.forEach(delegate::execute);
      held.clear();
    }
  }

  /**
   * A TCP relay to {@code target}: the handshake frame passes at once, everything after it only
   * once {@link #go} opens. Replies are relayed at once.
   */
  static final class StalledRelay implements AutoCloseable {
    final ServerSocket server;
    final CountDownLatch go = new CountDownLatch(1);
    final AtomicReference<Socket> accepted = new AtomicReference<>();
    private final List<Socket> sockets = new ArrayList<>();

    StalledRelay(int target) throws IOException {
      server = new ServerSocket();
      server.setReceiveBufferSize(16 * 1024); // keep the kernel from absorbing the stream
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      Thread t = new Thread(() -> {
        try {
          Socket in = server.accept();
          Socket out = new Socket("127.0.0.1", target);
          synchronized (sockets) {
            sockets.add(in);
            sockets.add(out);
          }
          accepted.set(in);
          Thread back = new Thread(() -> pump(out, in));
          back.setDaemon(true);
          back.start();
          relayFirstFrame(in, out);
          go.await();
          pump(in, out);
        } catch (IOException | InterruptedException e) {
          // closed by the test
        }
      });
      t.setDaemon(true);
      t.start();
    }

    static void relayFirstFrame(Socket from, Socket to) throws IOException {
      java.io.DataInputStream in = new java.io.DataInputStream(from.getInputStream());
      byte[] header = new byte[Frames.HEADER_LENGTH];
      in.readFully(header);
      byte[] payload = new byte[java.nio.ByteBuffer.wrap(header).getInt(16)];
      in.readFully(payload);
      to.getOutputStream().write(header);
      to.getOutputStream().write(payload);
    }

    static void pump(Socket from, Socket to) {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buf)) >= 0; ) {
          out.write(buf, 0, n);
        }
      } catch (IOException e) {
        // a side closed
      }
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (sockets) {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }

  @Test
  void packetsForwardedBeforeTheDiskWriteAreStoredWhole() throws Exception {
    EventLoopGroup group = Transports.eventLoopGroup(2, "fwd-test");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    GatedExecutor disk = new GatedExecutor(pool);
    ReplicaReporter reporter = new ReplicaReporter() {
      @Override
      public void added(ReplicaMeta r) {}

      @Override
      public void removed(long handle) {}

      @Override
      public void quarantined(ReplicaMeta r, String reason) {}
    };
    try (FakeMaster master = new FakeMaster(group, 1000);
        ChunkServer tail = new ChunkServer(TestData.config(tmp.resolve("tail"),
            master.address()))) {
      tail.start();
      StoreLayout headLayout = new StoreLayout(tmp.resolve("head"));
      DiskReplicaStore store = DiskReplicaStore.open(headLayout, 0, () -> 1L << 40, "cs-head",
          CommitStep.Hook.NONE);
      DownstreamPool downstreams = new DownstreamPool(
          Transports.clientBootstrap(group, Duration.ofSeconds(20)), "cs-head", "test",
          Duration.ofSeconds(20), Duration.ofSeconds(30), Ticker.systemTicker());
      ChunkServices svc = new ChunkServices("cs-head", "test", store, disk, new TransferSlots(4),
          reporter, Duration.ofSeconds(20), Ticker.systemTicker(), downstreams);
      Channel head = Transports.serverBootstrap(group, group)
          .childHandler(new ChunkChannelInitializer(svc, Duration.ofSeconds(60),
              new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), 16))
          .bind("127.0.0.1", 0).syncUninterruptibly().channel();
      try (StalledRelay relay = new StalledRelay(tail.port());
          TestChunkClient client = TestChunkClient.connect(group,
              ((InetSocketAddress) head.localAddress()).getPort())) {
        // 32 packets: all fit in the writer's window, so they are sent without any ack, and they
        // are more than the head's socket buffer (1 MiB) plus the relay's can hold while stalled.
        byte[] data = TestData.bytes(31 * 65536 + 99, 3);
        NodeAddress next = new NodeAddress(tail.nodeId(), "127.0.0.1", relay.port());
        TestChunkClient.WriteStream w = client.open(500, 1, data, List.of(next));
        Thread sender = new Thread(() -> {
          try {
            w.sendUpTo(w.packets());
          } catch (Exception e) {
            w.result().completeExceptionally(e);
          }
        });
        sender.start();
        Poll.until("the client sends every packet", Duration.ofSeconds(20),
            () -> w.sent() == w.packets() && relay.accepted.get() != null);
        Poll.until("the head's forwarded bytes back up in the relay", Duration.ofSeconds(20),
            () -> available(relay.accepted.get()) >= 16 * 1024);
        relay.go.countDown();
        Path tailChunk = new StoreLayout(tmp.resolve("tail")).chunkFile(500);
        Poll.until("the tail commits before the head has written anything", Duration.ofSeconds(20),
            () -> Files.exists(tailChunk) || w.result().isDone());
        assertFalse(w.result().isCompletedExceptionally(), () -> w.result().toString());
        assertFalse(Files.exists(headLayout.chunkFile(500)));
        disk.open();
        WriteDone d = w.result().get(20, TimeUnit.SECONDS);
        sender.join(20_000);
        assertEquals(data.length, d.length());
        assertEquals(List.of("cs-head", tail.nodeId()), d.nodeIds());
        assertEquals(data.length, Files.size(headLayout.chunkFile(500)));
      } finally {
        head.close().syncUninterruptibly();
        downstreams.close();
      }
    } finally {
      pool.shutdown();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static int available(Socket s) {
    try {
      return s.getInputStream().available();
    } catch (IOException e) {
      return -1;
    }
  }
}
