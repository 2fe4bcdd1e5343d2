package dev.granary.wire;

import dev.granary.wire.msg.Message;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;

/**
 * One frame: a message with the request id it belongs to and its flags. Replies carry the request id
 * of their request and {@link Frames#FLAG_RESPONSE}, so many requests can share a connection and be
 * answered out of order. Reference counting delegates to the message (data packets hold a buffer).
 */
public record Frame(long requestId, int flags, Message message) implements ReferenceCounted {

  public static Frame request(long requestId, Message message) {
    return new Frame(requestId, 0, message);
  }

  public static Frame response(long requestId, Message message) {
    return new Frame(requestId, Frames.FLAG_RESPONSE, message);
  }

  public boolean isResponse() {
    return (flags & Frames.FLAG_RESPONSE) != 0;
  }

  @Override
  public int refCnt() {
    return message instanceof ReferenceCounted r ? r.refCnt() : 1;
  }

  @Override
  public Frame retain() {
    ReferenceCountUtil.retain(message);
    return this;
  }

  @Override
  public Frame retain(int increment) {
    ReferenceCountUtil.retain(message, increment);
    return this;
  }

  @Override
  public Frame touch() {
    ReferenceCountUtil.touch(message);
    return this;
  }

  @Override
  public Frame touch(Object hint) {
    ReferenceCountUtil.touch(message, hint);
    return this;
  }

  @Override
  public boolean release() {
    return ReferenceCountUtil.release(message);
  }

  @Override
  public boolean release(int decrement) {
    return ReferenceCountUtil.release(message, decrement);
  }
}
