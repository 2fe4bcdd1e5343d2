package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/** How many held replica deletions a {@link DeletionHoldRequest} released or discarded. */
public record DeletionHoldResponse(long replicas) implements Message {
  @Override
  public MessageType type() {
    return MessageType.DELETION_HOLD_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(replicas);
  }

  public static DeletionHoldResponse decode(ByteBuf in) {
    return new DeletionHoldResponse(Codec.readNonNegativeLong(in, "replicas"));
  }
}
