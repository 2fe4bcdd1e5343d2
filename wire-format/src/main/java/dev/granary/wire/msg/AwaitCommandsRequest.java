package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/**
 * A chunkserver waits for commands: the master holds the request until it queues a command for
 * the node (then answers at once) or until {@code waitMillis} have passed (then answers with no
 * commands). Answered by {@link PulseResponse}, or ERROR NOT_REGISTERED. A chunkserver keeps one
 * outstanding, so a copy the master schedules starts without waiting for the node's next pulse.
 */
public record AwaitCommandsRequest(String nodeId, int waitMillis) implements Message {
  @Override
  public MessageType type() {
    return MessageType.AWAIT_COMMANDS_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, nodeId);
    out.writeInt(waitMillis);
  }

  public static AwaitCommandsRequest decode(ByteBuf in) {
    return new AwaitCommandsRequest(Codec.readString(in),
        Codec.readInt(in, 0, Integer.MAX_VALUE, "waitMillis"));
  }
}
