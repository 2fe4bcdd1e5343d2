package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** Asks the master for the state of the cluster. */
public record ClusterStatusRequest() implements Message {
  @Override
  public MessageType type() {
    return MessageType.CLUSTER_STATUS_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {}

  public static ClusterStatusRequest decode(ByteBuf in) {
    return new ClusterStatusRequest();
  }
}
