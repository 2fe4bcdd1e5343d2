package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * An operator takes a chunkserver out of service or puts it back (superuser only).
 * {@code DECOMMISSION}: the node gets no new chunks and every replica it holds is copied until
 * its chunk has its goal on other nodes; the node keeps serving reads meanwhile, then shows
 * DECOMMISSIONED. {@code RECOMMISSION}: undoes it. {@code node} is a chunkserver id or
 * {@code host:port}. Both are idempotent. Answered by {@link DecommissionResponse}.
 */
public record DecommissionRequest(Action action, String node) implements Message {
  /** Take the node out of service, or put it back. */
  public enum Action {
    DECOMMISSION,
    RECOMMISSION
  }

  @Override
  public MessageType type() {
    return MessageType.DECOMMISSION_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(action.ordinal());
    Codec.writeString(out, node);
  }

  public static DecommissionRequest decode(ByteBuf in) {
    int a = Codec.readUnsignedByte(in);
    if (a >= Action.values().length) {
      throw new ProtocolException("unknown decommission action " + a);
    }
    return new DecommissionRequest(Action.values()[a], Codec.readString(in));
  }
}
