package dev.granary.client.internal;

import dev.granary.wire.Frame;
import dev.granary.wire.FrameEncoder;
import dev.granary.wire.Frames;
import dev.granary.wire.ProtocolException;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Hello;
import dev.granary.wire.msg.HelloOk;
import dev.granary.wire.msg.Message;
import dev.granary.wire.net.Await;
import dev.granary.wire.net.ConnectionClosedException;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.net.Transports;
import dev.granary.wire.tls.NodeCertificate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A blocking connection used by one caller thread at a time: the caller writes its request to the
 * socket itself and waits in the kernel until the answer arrives, so a request costs no hand-off to
 * an event loop and back. On this kind of host a small request through the event loop took two more
 * thread wake-ups than the network needs (send: wake the loop; answer: wake the loop, then the
 * caller), which was most of a 4 KiB read's time on the client; a sequential read streamed through
 * an event loop paid a third thread between socket and reader. Used for unary calls to the master,
 * for the block reads of {@link BlockFetcher} and for the streamed reads of {@link ChunkStream};
 * the writes' pipelines still use the multiplexed {@code Connection}.
 *
 * <p>The socket is non-blocking and waited on with its own {@link Selector}, so every wait has a
 * deadline. Frames are read into one direct buffer (no copy between the kernel and the decoder) and
 * checked and decoded by the same code as every other connection ({@link Frames#header},
 * {@link Frames#decode}). A decoded frame's bulk bytes are a slice of that buffer: the caller must
 * release a frame before it receives the next. The buffer grows to the largest frame received
 * (a read packet, about 1 MiB) and shrinks back when the connection goes idle ({@link #idle()}).
 * One request is outstanding at a time, except for a streamed read; after any failure (timeout,
 * error in the stream, protocol error) the connection must be closed, never reused. Not
 * thread-safe, except {@link #close()}, which may be called from any thread and fails a waiting
 * caller at once.
 */
final class DirectConnection implements AutoCloseable {
  /** Size of the receive buffer of an idle connection; it grows for larger frames. */
  static final int SMALL_BUFFER = 64 * 1024;
  /**
   * Most bytes asked of the socket per read. Reads also never reach past the frame being
   * assembled. Measured on loopback (1 GiB streamed, medians of 8 reads, alternated): reads up to
   * the end of the frame 3.4-3.7 GB/s against 2.2-2.7 GB/s for reads as large as the buffer
   * allowed, and 3.9-4.2 GB/s with this cap.
   */
  static final int MAX_READ = 256 * 1024;

  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;
  private final String peer;
  private final long writeTimeoutNanos;
  /** Received bytes not yet consumed; direct memory freed by the garbage collector. */
  private ByteBuf in = allocate(SMALL_BUFFER);
  private long nextRequestId = 1;
  private long lastUsedNanos;
  /** TLS between the buffers and the socket, or null on a plaintext connection. */
  private DirectTls tls;

  private DirectConnection(SocketChannel channel, Selector selector, String peer,
      long writeTimeoutNanos) throws IOException {
    this.channel = channel;
    this.selector = selector;
    this.peer = peer;
    this.writeTimeoutNanos = writeTimeoutNanos;
    this.key = channel.register(selector, SelectionKey.OP_CONNECT);
    this.lastUsedNanos = System.nanoTime();
  }

  private static ByteBuf allocate(int capacity) {
    // Wrapped JDK memory: freed by the GC, never by release(), so a close() racing a read on
    // another thread can never free memory a read is writing into.
    return Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(capacity)).clear();
  }

  /**
   * Connects to {@code host:port} and completes the handshake within {@code timeout}; the same
   * timeout bounds every later wait for the socket to take a request.
   *
   * @throws ConnectionClosedException unreachable, or closed during the handshake
   * @throws RemoteException the server refused the handshake
   * @throws TimeoutException no handshake answer within {@code timeout}
   */
  static DirectConnection dial(String host, int port, String clientId, String software,
      Duration timeout) throws IOException, TimeoutException, RemoteException {
    return dial(host, port, clientId, software, timeout, null);
  }

  /**
   * As {@link #dial(String, int, String, String, Duration)}, over TLS when {@code tlsContext} is not
   * null: the server must prove it is the node its HELLO answer names with a certificate of the
   * cluster's authority.
   */
  static DirectConnection dial(String host, int port, String clientId, String software,
      Duration timeout, SslContext tlsContext)
      throws IOException, TimeoutException, RemoteException {
    String peer = host + ":" + port;
    long deadline = System.nanoTime() + Math.max(1, timeout.toNanos());
    SocketChannel ch = SocketChannel.open();
    Selector sel = null;
    DirectConnection c = null;
    try {
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
      ch.setOption(StandardSocketOptions.SO_RCVBUF, Transports.SOCKET_BUFFER);
      ch.setOption(StandardSocketOptions.SO_SNDBUF, Transports.SOCKET_BUFFER);
      sel = Selector.open();
      c = new DirectConnection(ch, sel, peer, Math.max(1, timeout.toNanos()));
      c.connect(new InetSocketAddress(host, port), deadline);
      if (tlsContext != null) {
        c.tls = new DirectTls(tlsContext.newEngine(ByteBufAllocator.DEFAULT, host, port), ch,
            peer);
        try {
          c.tls.handshake(c.waiter(deadline, "the TLS handshake"));
        } catch (ConnectionClosedException e) {
          throw e;
        } catch (IOException e) {
          // A reset or broken pipe from a peer going away (a master killed mid-handshake): the
          // connection failed, as on an established connection, and a caller retries it.
          throw c.closed(e);
        }
      }
      Message reply = c.call(new Hello(Role.CLIENT, clientId, software),
          deadline - System.nanoTime());
      if (!(reply instanceof HelloOk ok)) {
        throw new RemoteException(Status.PROTOCOL,
            peer + " answered the handshake with " + reply.type(), "");
      }
      if (c.tls != null) {
        c.checkCertificate(ok);
      }
      return c;
    } catch (IOException | TimeoutException | RemoteException | RuntimeException e) {
      if (c != null) {
        c.close();
      } else {
        ch.close();
        if (sel != null) {
          sel.close();
        }
      }
      throw e;
    }
  }

  /** Refuses a server whose certificate does not name the node its HELLO answer names. */
  private void checkCertificate(HelloOk ok) throws RemoteException {
    NodeCertificate cert = null;
    try {
      Certificate[] chain = tls.session().getPeerCertificates();
      if (chain.length > 0 && chain[0] instanceof X509Certificate x) {
        cert = NodeCertificate.of(x).orElse(null);
      }
    } catch (SSLPeerUnverifiedException e) {
      cert = null;
    }
    if (cert == null) {
      throw new RemoteException(Status.DENIED, peer + " presented no node certificate of the"
          + " cluster's authority", "");
    }
    if (cert.role() != ok.role() || !cert.nodeId().equals(ok.nodeId())) {
      throw new RemoteException(Status.DENIED, peer + " says it is "
          + ok.role().name().toLowerCase(java.util.Locale.ROOT) + " " + ok.nodeId()
          + " but its certificate names " + cert, "");
    }
  }

  /** Socket waits for the TLS layer, bounded by {@code deadline}. */
  private DirectTls.Waiter waiter(long deadline, String what) {
    return new DirectTls.Waiter() {
      @Override
      public void awaitWritable() throws IOException, TimeoutException {
        interest(SelectionKey.OP_WRITE);
        try {
          await(deadline, "sending " + what);
        } finally {
          interest(SelectionKey.OP_READ);
        }
      }

      @Override
      public void awaitReadable() throws IOException, TimeoutException {
        await(deadline, "waiting for " + what);
      }
    };
  }

  private void connect(InetSocketAddress address, long deadline)
      throws IOException, TimeoutException {
    try {
      if (!channel.connect(address)) {
        while (!channel.finishConnect()) {
          await(deadline, "connecting");
        }
      }
    } catch (IOException e) {
      throw new ConnectionClosedException("cannot connect to " + peer + ": " + e.getMessage(), e);
    }
    interest(SelectionKey.OP_READ);
  }

  /** host:port of the peer as it was dialled. */
  String peer() {
    return peer;
  }

  /** When this connection last finished a request (or was dialled), in {@link System#nanoTime}. */
  long lastUsedNanos() {
    return lastUsedNanos;
  }

  /**
   * Sends {@code request} and returns its single answer. An {@code ERROR} answer is thrown as a
   * {@link RemoteException} (the connection stays usable); any other failure leaves the connection
   * unusable.
   */
  Message call(Message request, long timeoutNanos)
      throws IOException, TimeoutException, RemoteException {
    long deadline = System.nanoTime() + timeoutNanos;
    long id = send(request);
    Frame f = receive(id, deadline, true);
    Message m = f.message();
    if (m instanceof ErrorReply e) {
      ReferenceCountUtil.release(f);
      throw new RemoteException(e);
    }
    return m;
  }

  private void interest(int ops) throws ConnectionClosedException {
    try {
      key.interestOps(ops);
    } catch (CancelledKeyException e) {
      throw new ConnectionClosedException("connection to " + peer + " closed");
    }
  }

  /** Writes a request (no bulk bytes) within the dial timeout; returns its request id. */
  long send(Message request) throws IOException, TimeoutException {
    if (request.bulk() != null) {
      throw new IllegalArgumentException(request.type() + " carries bulk bytes");
    }
    return send(request, List.of());
  }

  /**
   * Writes {@code request} and then {@code packets} (the data packets of the same stream, bulk
   * bytes included) as frames of one new request id, gathered into as few socket writes as the
   * kernel takes, within the dial timeout; returns the request id. The packets' buffers stay the
   * caller's.
   */
  long send(Message request, List<? extends Message> packets)
      throws IOException, TimeoutException {
    long id = nextRequestId++;
    List<ByteBuf> heads = new ArrayList<>(1 + packets.size());
    List<ByteBuffer> out = new ArrayList<>(1 + 2 * packets.size());
    try {
      for (int i = -1; i < packets.size(); i++) {
        Message m = i < 0 ? request : packets.get(i);
        ByteBuf head = FrameEncoder.encodeHead(PooledByteBufAllocator.DEFAULT,
            Frame.request(id, m));
        heads.add(head);
        out.add(head.nioBuffer());
        if (m.bulk() != null && m.bulk().isReadable()) {
          out.addAll(Arrays.asList(m.bulk().nioBuffers()));
        }
      }
      write(out.toArray(ByteBuffer[]::new), request.type().toString());
    } finally {
      heads.forEach(ByteBuf::release);
    }
    return id;
  }

  private void write(ByteBuffer[] out, String what) throws IOException, TimeoutException {
    long deadline = System.nanoTime() + writeTimeoutNanos;
    if (tls != null) {
      try {
        tls.write(out, waiter(deadline, what));
      } catch (IOException e) {
        throw e instanceof ConnectionClosedException c ? c : closed(e);
      }
      return;
    }
    int first = 0;
    try {
      while (first < out.length) {
        if (channel.write(out, first, out.length - first) == 0) {
          interest(SelectionKey.OP_WRITE);
          try {
            await(deadline, "sending " + what);
          } finally {
            interest(SelectionKey.OP_READ);
          }
        }
        while (first < out.length && !out[first].hasRemaining()) {
          first++;
        }
      }
    } catch (IOException e) {
      throw closed(e);
    }
  }

  /**
   * The next frame answering request {@code id}, which the caller must release before it receives
   * again; waits until {@code deadlineNanos} ({@link System#nanoTime}).
   */
  Frame receive(long id, long deadlineNanos) throws IOException, TimeoutException {
    return receive(id, deadlineNanos, false);
  }

  /**
   * {@link #receive(long, long)}, spinning briefly before the first wait if {@code spin}: for
   * unary calls (the master answers from memory in tens of microseconds, so a sleep and a wake-up
   * would cost more than the answer), not for block reads (a chunkserver's answer is often further
   * away than the spin, which then only takes a CPU from the servers on a small machine).
   */
  private Frame receive(long id, long deadlineNanos, boolean spin)
      throws IOException, TimeoutException {
    while (true) {
      int need = Frames.HEADER_LENGTH;
      if (in.readableBytes() >= Frames.HEADER_LENGTH) {
        Frames.Header h;
        try {
          h = Frames.header(in, in.readerIndex());
        } catch (ProtocolException e) {
          throw new ConnectionClosedException("bad frame from " + peer + ": " + e.getMessage(),
              e);
        }
        need += h.length();
        if (in.readableBytes() >= need) {
          return decode(h, id);
        }
      }
      makeRoom(need);
      fill(deadlineNanos, spin, Math.min(MAX_READ, need - in.readableBytes()));
    }
  }

  private Frame decode(Frames.Header h, long id) throws ConnectionClosedException {
    in.skipBytes(Frames.HEADER_LENGTH);
    Frame f;
    try {
      f = Frames.decode(h, in.readSlice(h.length()));
    } catch (ProtocolException e) {
      throw new ConnectionClosedException("bad frame from " + peer + ": " + e.getMessage(), e);
    }
    if (!f.isResponse() || f.requestId() != id) {
      ReferenceCountUtil.release(f);
      throw new ConnectionClosedException(peer + " sent " + h.type() + " for request "
          + h.requestId() + " while request " + id + " was waiting");
    }
    lastUsedNanos = System.nanoTime();
    return f;
  }

  /** Makes room for a frame of {@code frameBytes} after the reader index (compacting or growing). */
  private void makeRoom(int frameBytes) {
    if (in.refCnt() != 1) {
      throw new IllegalStateException("a frame received on " + this + " was not released");
    }
    if (!in.isReadable()) {
      in.clear();
    }
    if (in.capacity() - in.readerIndex() >= frameBytes) {
      return;
    }
    if (in.capacity() >= frameBytes) {
      in.discardReadBytes();
      return;
    }
    ByteBuf bigger = allocate(Math.max(frameBytes, SMALL_BUFFER));
    bigger.writeBytes(in);
    in = bigger;
  }

  /**
   * Reads what the socket has, at least one byte and at most {@code max}, waiting for it until the
   * deadline.
   */
  private void fill(long deadlineNanos, boolean spin, int max)
      throws IOException, TimeoutException {
    while (true) {
      int n;
      try {
        n = tls != null ? tls.read(in, max) : in.writeBytes(channel, max);
      } catch (IOException e) {
        throw closed(e);
      }
      if (n > 0) {
        return;
      }
      if (n < 0) {
        throw new ConnectionClosedException("connection to " + peer + " closed");
      }
      if (spin) {
        spin = false;
        Await.spinUntil(this::readable);
      } else {
        await(deadlineNanos, "waiting for an answer");
      }
    }
  }

  /**
   * Whether an idle connection can no longer be used: closed, or something arrived while no
   * request was outstanding (the peer closed it, or broke the protocol).
   */
  boolean broken() {
    return !channel.isOpen() || in.isReadable() || (tls != null && tls.hasPlaintext())
        || readable();
  }

  /** Whether data (or the end of the stream) is ready, without blocking. */
  private boolean readable() {
    try {
      if (selector.selectNow() == 0) {
        return false;
      }
      selector.selectedKeys().clear();
      return true;
    } catch (IOException | ClosedSelectorException e) {
      return true; // the read that follows reports it
    }
  }

  /** Waits until the socket is ready for what {@link #key} is interested in, or the deadline. */
  private void await(long deadlineNanos, String what) throws IOException, TimeoutException {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      throw new TimeoutException("no progress with " + peer + " in time (" + what + ")");
    }
    try {
      selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      selector.selectedKeys().clear();
    } catch (ClosedSelectorException e) {
      throw new ConnectionClosedException("connection to " + peer + " closed");
    }
    if (!channel.isOpen()) {
      throw new ConnectionClosedException("connection to " + peer + " closed");
    }
  }

  /** Gives back a grown receive buffer when nothing is left in it (the connection goes idle). */
  void idle() {
    if (in.capacity() > SMALL_BUFFER && !in.isReadable() && in.refCnt() == 1) {
      in = allocate(SMALL_BUFFER);
    }
  }

  /** Capacity of the receive buffer now (for tests). */
  int bufferCapacity() {
    return in.capacity();
  }

  private ConnectionClosedException closed(IOException e) {
    return new ConnectionClosedException("connection to " + peer + " failed: " + e.getMessage(),
        e);
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Closing is best effort: the socket is dropped either way.
    }
    try {
      selector.close(); // wakes a caller waiting in select()
    } catch (IOException ignored) {
      // Same: nothing more will be selected.
    }
    DirectTls t = tls;
    if (t != null) {
      t.release();
    }
  }

  @Override
  public String toString() {
    return "DirectConnection[" + peer + "]";
  }
}
