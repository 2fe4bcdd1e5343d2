package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;


/** Cumulative acknowledgement of a write stream: every packet up to and including {@code seq} is written at this node and at every node downstream of it. */
public record WriteAck(int seq) implements Message {
  @Override
  public MessageType type() {
    return MessageType.WRITE_ACK;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeInt(seq);
  }

  public static WriteAck decode(ByteBuf in) {
    return new WriteAck(Codec.readInt(in, 0, Integer.MAX_VALUE, "seq"));
  }
}
