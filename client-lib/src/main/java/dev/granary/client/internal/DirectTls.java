package dev.granary.client.internal;

import dev.granary.wire.Status;
import dev.granary.wire.net.ConnectionClosedException;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.tls.TlsFailure;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * TLS for a {@link DirectConnection}: the JDK's {@link SSLEngine} between the connection's buffers
 * and its non-blocking socket. Writes are encrypted into one direct buffer of several records and
 * written with as few system calls as the socket takes; reads decrypt whole records into a
 * plaintext buffer the connection copies frames out of. Not thread-safe (nor is the connection).
 */
final class DirectTls {
  private static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};
  /** Records encrypted per socket write: 16 x 16 KiB. */
  private static final int RECORDS_PER_WRITE = 16;
  /**
   * Ciphertext received per socket read, at most: many records per system call (one 16 KiB
   * record per read cost a third of a reading client's CPU in system calls).
   */
  private static final int RECEIVE_BUFFER = 256 * 1024;
  /** Bytes of a TLS record header. */
  private static final int RECORD_HEADER = 5;

  /** Waits until the socket can take more bytes, or fails at the deadline. */
  interface Waiter {
    void awaitWritable() throws IOException, TimeoutException;

    void awaitReadable() throws IOException, TimeoutException;
  }

  private final SSLEngine engine;
  private final SocketChannel channel;
  private final String peer;
  /** Received ciphertext, in write mode. */
  private ByteBuffer netIn;
  /** Ciphertext to send, in write mode while being filled. */
  private ByteBuffer netOut;
  /** Decrypted bytes not yet taken, in read mode. */
  private ByteBuffer plain;
  private boolean closed;
  private final AtomicBoolean released = new AtomicBoolean();

  DirectTls(SSLEngine engine, SocketChannel channel, String peer) {
    this.engine = engine;
    this.channel = channel;
    this.peer = peer;
    SSLSession s = engine.getSession();
    netIn = ByteBuffer.allocateDirect(Math.max(RECEIVE_BUFFER, s.getPacketBufferSize()));
    netOut = ByteBuffer.allocateDirect(s.getPacketBufferSize() * RECORDS_PER_WRITE);
    plain = ByteBuffer.allocateDirect(s.getApplicationBufferSize());
    plain.flip();
  }

  SSLSession session() {
    return engine.getSession();
  }

  /**
   * Runs the TLS handshake. A refusal (another authority, a peer that speaks no TLS) is a
   * {@link RemoteException} of status DENIED, as it is on every other Granary connection.
   */
  void handshake(Waiter waiter) throws IOException, TimeoutException, RemoteException {
    try {
      engine.beginHandshake();
      HandshakeStatus hs = engine.getHandshakeStatus();
      while (hs != HandshakeStatus.FINISHED && hs != HandshakeStatus.NOT_HANDSHAKING) {
        switch (hs) {
          case NEED_WRAP -> {
            netOut.clear();
            SSLEngineResult r = engine.wrap(NOTHING, netOut);
            netOut.flip();
            flush(waiter);
            hs = r.getHandshakeStatus();
          }
          case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
            SSLEngineResult r = unwrapOnce();
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                || (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                    && r.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP)) {
              readMore(waiter);
            } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
              throw new ConnectionClosedException("connection to " + peer
                  + " closed during the TLS handshake");
            }
            hs = r.getHandshakeStatus();
          }
          case NEED_TASK -> {
            for (Runnable t = engine.getDelegatedTask(); t != null;
                t = engine.getDelegatedTask()) {
              t.run();
            }
            hs = engine.getHandshakeStatus();
          }
          default -> throw new IllegalStateException("handshake status " + hs);
        }
      }
    } catch (SSLException e) {
      String why = e.getMessage() != null && e.getMessage().contains("plaintext")
          || e.getMessage() != null && e.getMessage().contains("Unsupported or unrecognized")
          ? "it does not speak TLS (a cluster with security: none? then use no credentials)"
          : TlsFailure.reason(e);
      throw new RemoteException(Status.DENIED, "TLS handshake with " + peer + " failed: " + why,
          "");
    }
  }

  /** Encrypts and sends every remaining byte of {@code src}. */
  void write(ByteBuffer[] src, Waiter waiter) throws IOException, TimeoutException {
    int packet = engine.getSession().getPacketBufferSize();
    while (remaining(src)) {
      netOut.clear();
      while (remaining(src) && netOut.remaining() >= packet) {
        SSLEngineResult r = engine.wrap(src, netOut);
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
          throw new ConnectionClosedException("TLS session with " + peer + " closed");
        }
        if (r.getStatus() != SSLEngineResult.Status.OK) {
          break;
        }
      }
      netOut.flip();
      flush(waiter);
    }
  }

  private static boolean remaining(ByteBuffer[] src) {
    for (ByteBuffer b : src) {
      if (b.hasRemaining()) {
        return true;
      }
    }
    return false;
  }

  private void flush(Waiter waiter) throws IOException, TimeoutException {
    while (netOut.hasRemaining()) {
      if (channel.write(netOut) == 0) {
        waiter.awaitWritable();
      }
    }
  }

  /**
   * Moves decrypted bytes into {@code in}: what is already decrypted (at most {@code max}), else
   * whatever complete records the socket has. Returns the bytes moved, 0 if the socket has no
   * complete record yet (the caller waits), or -1 at the end of the stream. Records are decrypted
   * straight into {@code in} while it has room for a whole one, so they may carry it past
   * {@code max} (up to its capacity); only a record that does not fit goes through {@link #plain}.
   */
  int read(ByteBuf in, int max) throws IOException {
    while (true) {
      if (plain.hasRemaining()) {
        int n = Math.min(Math.min(max, in.writableBytes()), plain.remaining());
        ByteBuffer part = plain.duplicate();
        part.limit(part.position() + n);
        in.writeBytes(part);
        plain.position(plain.position() + n);
        return n;
      }
      if (closed) {
        return -1;
      }
      int direct = unwrapInto(in, max);
      if (direct != 0) {
        return direct;
      }
      SSLEngineResult r = unwrapOnce();
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        closed = true;
        continue;
      }
      if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
          t.run();
        }
      }
      if (r.bytesProduced() > 0 || r.bytesConsumed() > 0
          || r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        continue; // a record was decrypted (or a post-handshake message consumed), or room made
      }
      int got = channel.read(netIn);
      if (got < 0) {
        return -1;
      }
      if (got == 0) {
        return 0;
      }
    }
  }

  /**
   * Decrypts the complete records {@link #netIn} holds straight into {@code in} while it has room
   * for a whole record, until {@code max} bytes are there: one copy fewer than through
   * {@link #plain}. Returns the bytes produced, or 0 when nothing could go this way.
   */
  private int unwrapInto(ByteBuf in, int max) throws SSLException {
    int record = engine.getSession().getApplicationBufferSize();
    int produced = 0;
    netIn.flip();
    try {
      while (produced < max && in.writableBytes() >= record
          && netIn.remaining() > RECORD_HEADER) {
        ByteBuffer dst = in.nioBuffer(in.writerIndex(), in.writableBytes());
        SSLEngineResult r = engine.unwrap(netIn, dst);
        in.writerIndex(in.writerIndex() + r.bytesProduced());
        produced += r.bytesProduced();
        if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesProduced() == 0
            || r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING
                && r.getHandshakeStatus() != HandshakeStatus.FINISHED) {
          break; // a partial record, a close or a post-handshake message: the slow path has it
        }
      }
    } finally {
      netIn.compact();
    }
    return produced;
  }

  /**
   * Frees the engine's native state now rather than at garbage collection (BoringSSL's engine
   * holds memory outside the heap; the JDK's holds none and ignores this). Safe from any thread:
   * the engine's methods and its release exclude each other, and an engine released under a read
   * answers it as closed.
   */
  void release() {
    if (released.compareAndSet(false, true)) {
      ReferenceCountUtil.release(engine);
    }
  }

  /** Whether decrypted bytes are waiting. */
  boolean hasPlaintext() {
    return plain.hasRemaining();
  }

  /** One unwrap of what {@link #netIn} holds into {@link #plain}; grows a buffer found short. */
  private SSLEngineResult unwrapOnce() throws SSLException {
    SSLEngineResult r;
    netIn.flip();
    plain.compact();
    try {
      r = engine.unwrap(netIn, plain);
    } finally {
      netIn.compact();
      plain.flip();
    }
    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
      ByteBuffer bigger = ByteBuffer.allocateDirect(plain.remaining()
          + engine.getSession().getApplicationBufferSize());
      bigger.put(plain).flip();
      plain = bigger;
    } else if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
        && !netIn.hasRemaining()) {
      ByteBuffer bigger = ByteBuffer.allocateDirect(netIn.capacity()
          + engine.getSession().getPacketBufferSize());
      netIn.flip();
      bigger.put(netIn);
      netIn = bigger;
    }
    return r;
  }

  private void readMore(Waiter waiter) throws IOException, TimeoutException {
    while (true) {
      int got = channel.read(netIn);
      if (got < 0) {
        throw new ConnectionClosedException("connection to " + peer
            + " closed during the TLS handshake (the server refused this client: another"
            + " cluster's authority, or it requires a certificate)");
      }
      if (got > 0) {
        return;
      }
      waiter.awaitReadable();
    }
  }
}
