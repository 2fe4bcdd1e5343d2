package dev.granary.client.internal;

import dev.granary.wire.Frame;
import dev.granary.wire.Role;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Hello;
import dev.granary.wire.msg.HelloOk;
import dev.granary.wire.msg.Message;
import dev.granary.wire.net.Await;
import dev.granary.wire.net.ConnectionClosedException;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.net.Transports;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A blocking connection used by one caller thread at a time: the caller writes its request to the
 * socket itself and blocks in the kernel until the answer arrives, so a request costs no hand-off to
 * an event loop and back. On this kind of host a small request through the event loop took two more
 * thread wake-ups than the network needs (send: wake the loop; answer: wake the loop, then the
 * caller), which was most of a 4 KiB read's time on the client. Used for unary calls to the master
 * and for the synchronous block reads of {@link BlockFetcher}; streams that keep several requests
 * in flight still use the multiplexed {@code Connection}.
 *
 * <p>Frames are encoded and decoded by the same codec as every other connection (it runs in an
 * {@link EmbeddedChannel}), so this connection checks what it receives exactly as they do. One
 * request is outstanding at a time; after any failure (timeout, error in the stream, protocol
 * error) the connection must be closed, never reused. Not thread-safe.
 */
final class DirectConnection implements AutoCloseable {
  /** Bytes asked of the socket per read. */
  private static final int READ_CHUNK = 64 * 1024;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final EmbeddedChannel codec;
  private final String peer;
  private long nextRequestId = 1;
  private long lastUsedNanos;

  private DirectConnection(Socket socket, String peer) throws IOException {
    this.socket = socket;
    this.peer = peer;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.codec = new EmbeddedChannel();
    Transports.addCodec(codec.pipeline());
    this.lastUsedNanos = System.nanoTime();
  }

  /**
   * Connects to {@code host:port} and completes the handshake within {@code timeout}.
   *
   * @throws ConnectionClosedException unreachable, or closed during the handshake
   * @throws RemoteException the server refused the handshake
   * @throws TimeoutException no handshake answer within {@code timeout}
   */
  static DirectConnection dial(String host, int port, String clientId, String software,
      Duration timeout) throws IOException, TimeoutException, RemoteException {
    String peer = host + ":" + port;
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    Socket s = new Socket();
    DirectConnection c = null;
    try {
      s.setTcpNoDelay(true);
      s.setKeepAlive(true);
      s.setReceiveBufferSize(Transports.SOCKET_BUFFER);
      s.setSendBufferSize(Transports.SOCKET_BUFFER);
      try {
        s.connect(new InetSocketAddress(host, port), millis);
      } catch (IOException e) {
        throw new ConnectionClosedException("cannot connect to " + peer + ": " + e.getMessage(),
            e);
      }
      c = new DirectConnection(s, peer);
      Message reply = c.call(new Hello(Role.CLIENT, clientId, software),
          TimeUnit.MILLISECONDS.toNanos(millis));
      if (!(reply instanceof HelloOk)) {
        throw new RemoteException(dev.granary.wire.Status.PROTOCOL,
            peer + " answered the handshake with " + reply.type(), "");
      }
      return c;
    } catch (IOException | TimeoutException | RemoteException | RuntimeException e) {
      if (c != null) {
        c.close();
      } else {
        s.close();
      }
      throw e;
    }
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

  /** Writes and flushes a request; returns its request id. */
  long send(Message request) throws IOException {
    long id = nextRequestId++;
    codec.writeOutbound(Frame.request(id, request));
    try {
      for (Object o = codec.readOutbound(); o != null; o = codec.readOutbound()) {
        ByteBuf b = (ByteBuf) o;
        try {
          b.readBytes(out, b.readableBytes());
        } finally {
          b.release();
        }
      }
      out.flush();
    } catch (IOException e) {
      throw closed(e);
    }
    return id;
  }

  /**
   * The next frame answering request {@code id}, which the caller must release; waits until
   * {@code deadlineNanos} ({@link System#nanoTime}).
   */
  Frame receive(long id, long deadlineNanos) throws IOException, TimeoutException {
    return receive(id, deadlineNanos, false);
  }

  /**
   * {@link #receive(long, long)}, spinning briefly before each blocking read if {@code spin}: for
   * unary calls (the master answers from memory in tens of microseconds, so a sleep and a wake-up
   * would cost more than the answer), not for block reads (a chunkserver's answer is often further
   * away than the spin, which then only takes a CPU from the servers on a small machine).
   */
  private Frame receive(long id, long deadlineNanos, boolean spin)
      throws IOException, TimeoutException {
    while (true) {
      Frame f = codec.readInbound();
      if (f != null) {
        if (!f.isResponse() || f.requestId() != id) {
          String what = f.message().type() + " for request " + f.requestId();
          ReferenceCountUtil.release(f);
          throw new ConnectionClosedException(peer + " sent " + what + " while request " + id
              + " was waiting");
        }
        lastUsedNanos = System.nanoTime();
        return f;
      }
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException("no answer from " + peer + " in time");
      }
      if (spin) {
        Await.spinUntil(this::readable);
      }
      ByteBuf buf = codec.alloc().heapBuffer(READ_CHUNK);
      int n;
      try {
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE,
            TimeUnit.NANOSECONDS.toMillis(left))));
        n = buf.writeBytes(in, READ_CHUNK);
      } catch (SocketTimeoutException e) {
        buf.release();
        throw new TimeoutException("no answer from " + peer + " in time");
      } catch (IOException e) {
        buf.release();
        throw closed(e);
      }
      if (n < 0) {
        buf.release();
        throw new ConnectionClosedException("connection to " + peer + " closed");
      }
      try {
        codec.writeInbound(buf);
      } catch (RuntimeException e) {
        throw new ConnectionClosedException("bad frame from " + peer + ": " + e.getMessage(), e);
      }
    }
  }

  /** Whether a read would not block (or would fail at once). */
  private boolean readable() {
    try {
      return in.available() > 0;
    } catch (IOException e) {
      return true; // the read that follows reports it
    }
  }

  private ConnectionClosedException closed(IOException e) {
    return new ConnectionClosedException("connection to " + peer + " failed: " + e.getMessage(),
        e);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is best effort: the socket is dropped either way.
    }
    try {
      codec.finishAndReleaseAll();
    } catch (RuntimeException ignored) {
      // A truncated frame left in the decoder: nothing more will be read from this connection.
    }
  }

  @Override
  public String toString() {
    return "DirectConnection[" + peer + "]";
  }
}
