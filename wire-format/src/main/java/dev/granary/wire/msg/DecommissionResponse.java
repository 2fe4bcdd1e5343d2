package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/**
 * The node a {@link DecommissionRequest} named, as the master sees it once the change is durable,
 * and whether the request changed anything ({@code false}: the node already was as asked).
 */
public record DecommissionResponse(NodeStatus node, boolean changed) implements Message {
  @Override
  public MessageType type() {
    return MessageType.DECOMMISSION_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    node.encode(out);
    Codec.writeBoolean(out, changed);
  }

  public static DecommissionResponse decode(ByteBuf in) {
    return new DecommissionResponse(NodeStatus.decode(in), Codec.readBoolean(in));
  }
}
