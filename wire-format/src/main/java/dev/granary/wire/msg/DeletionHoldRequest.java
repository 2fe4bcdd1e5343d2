package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * An operator acts on the replica deletions the master holds back (a report that would have made
 * most of a chunkserver's replicas garbage at once): {@code RELEASE} carries them out,
 * {@code DISCARD} keeps the replicas and forgets the deletions. {@code node} is a chunkserver id or
 * {@code host:port}, or {@code ""} for every node. Answered by {@link DeletionHoldResponse}.
 */
public record DeletionHoldRequest(Action action, String node) implements Message {
  /** What to do with the held deletions. */
  public enum Action {
    RELEASE,
    DISCARD
  }

  @Override
  public MessageType type() {
    return MessageType.DELETION_HOLD_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(action.ordinal());
    Codec.writeString(out, node);
  }

  public static DeletionHoldRequest decode(ByteBuf in) {
    int a = Codec.readUnsignedByte(in);
    if (a >= Action.values().length) {
      throw new ProtocolException("unknown deletion hold action " + a);
    }
    return new DeletionHoldRequest(Action.values()[a], Codec.readString(in));
  }
}
