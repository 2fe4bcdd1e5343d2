package dev.granary.chunkserver.net;

import dev.granary.wire.Frame;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.Ping;
import dev.granary.wire.msg.Pong;
import dev.granary.wire.msg.ReadChunkRequest;
import dev.granary.wire.msg.WriteChunkRequest;
import dev.granary.wire.msg.WritePacket;
import dev.granary.wire.net.Backpressure;
import dev.granary.wire.security.ChunkAccess;
import dev.granary.wire.security.TokenCheck;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the frames of one accepted connection to its streams by request id: a WRITE request
 * starts a {@link WriteTransfer} that receives the packets that follow, a READ request a
 * {@link ReadStream}; PING is answered here (it keeps the connection open, not a quiet write
 * stream on it: see {@link WriteTransfer}). Its write transfers pause and resume reading through
 * the connection's {@link Backpressure}, and each read stream counts as a request in flight there
 * until it finishes. Every READ and WRITE request is first checked against its chunk access
 * token ({@link TokenVerifier}): a read needs READ, a write WRITE or COPY, so only chunks the
 * master allocated or asked to copy are stored; a refusal is ERROR TOKEN_INVALID with the reason as
 * detail, and a refused write's packets are dropped. All state is confined to the event loop.
 */
final class RequestRouter extends ChannelInboundHandlerAdapter implements WriteTransfer.Owner {
  private static final Logger log = LoggerFactory.getLogger(RequestRouter.class);

  private final ChunkServices svc;
  private final Map<Long, WriteTransfer> writes = new HashMap<>();
  private final Map<Long, ReadStream> reads = new HashMap<>();
  private final Backpressure backpressure;
  private ChannelHandlerContext ctx;

  /** @param backpressure the read switch of this router's channel, below it in the pipeline */
  RequestRouter(ChunkServices svc, Backpressure backpressure) {
    this.svc = svc;
    this.backpressure = backpressure;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Frame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (frame.isResponse()) {
      log.debug("{}: ignoring a response frame {} from {}", svc.nodeId(), frame.message().type(),
          ctx.channel().remoteAddress());
      ReferenceCountUtil.release(frame);
      return;
    }
    long id = frame.requestId();
    Message m = frame.message();
    if (m instanceof WritePacket p) {
      WriteTransfer t = writes.get(id);
      if (t == null) {
        // The stream failed or was refused and has been answered already: drop the tail.
        p.release();
      } else {
        t.onPacket(p);
      }
    } else if (m instanceof WriteChunkRequest r) {
      if (writes.containsKey(id) || reads.containsKey(id)) {
        reply(id, new ErrorReply(Status.INVALID_ARGUMENT, "request id " + id
            + " is already in use on this connection", ""));
        return;
      }
      if (refused(id, svc.tokens().check(r.token(), r.handle(), ctx.channel().remoteAddress(),
          ChunkAccess.WRITE, ChunkAccess.COPY))) {
        return;
      }
      if (r.primary()) {
        svc.pacer().clientActive();
      }
      WriteTransfer t = new WriteTransfer(svc, ctx.channel(), id, r, this);
      writes.put(id, t);
      if (!t.start()) {
        writes.remove(id);
      }
    } else if (m instanceof ReadChunkRequest r) {
      if (writes.containsKey(id) || reads.containsKey(id)) {
        reply(id, new ErrorReply(Status.INVALID_ARGUMENT, "request id " + id
            + " is already in use on this connection", ""));
        return;
      }
      if (refused(id, svc.tokens().check(r.token(), r.handle(), ctx.channel().remoteAddress(),
          ChunkAccess.READ))) {
        return;
      }
      svc.pacer().clientActive();
      ReadStream s = new ReadStream(svc, ctx.channel(), id, r, () -> {
        reads.remove(id);
        backpressure.requestFinished();
        svc.counters().readClosed();
      });
      reads.put(id, s);
      backpressure.requestStarted();
      svc.counters().readOpened();
      s.start();
    } else if (m instanceof Ping) {
      reply(id, new Pong());
    } else {
      ReferenceCountUtil.release(frame);
      reply(id, new ErrorReply(Status.INVALID_ARGUMENT, "a chunkserver does not serve "
          + m.type(), ""));
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    for (WriteTransfer t : new ArrayList<>(writes.values())) {
      t.flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      for (ReadStream s : new ArrayList<>(reads.values())) {
        s.pump();
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    for (WriteTransfer t : new ArrayList<>(writes.values())) {
      t.upstreamClosed();
    }
    for (ReadStream s : new ArrayList<>(reads.values())) {
      s.cancel();
    }
    ctx.fireChannelInactive();
  }

  /** Answers a refused token (if {@code r} is one) with TOKEN_INVALID; whether it was. */
  private boolean refused(long id, TokenCheck.Refusal r) {
    if (r == null) {
      return false;
    }
    reply(id, new ErrorReply(Status.TOKEN_INVALID, svc.nodeId() + " refused: " + r.message(),
        r.reason().code()));
    return true;
  }

  private void reply(long id, Message m) {
    ctx.writeAndFlush(Frame.response(id, m));
  }

  @Override
  public void pauseReading(Object who) {
    backpressure.pause(who);
  }

  @Override
  public void resumeReading(Object who) {
    backpressure.resume(who);
  }

  @Override
  public void finished(long requestId) {
    writes.remove(requestId);
  }

  @Override
  public boolean readingPaused() {
    return !backpressure.isReading();
  }
}
