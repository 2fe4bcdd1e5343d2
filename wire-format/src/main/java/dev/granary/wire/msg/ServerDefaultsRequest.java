package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/** Asks the master for the file system's defaults (chunk size, replication), as HDFS's getServerDefaults. */
public record ServerDefaultsRequest() implements Message {
  @Override
  public MessageType type() {
    return MessageType.SERVER_DEFAULTS_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {}

  public static ServerDefaultsRequest decode(ByteBuf in) {
    return new ServerDefaultsRequest();
  }
}
