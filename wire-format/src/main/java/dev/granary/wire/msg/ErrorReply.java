package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import dev.granary.wire.Status;
import io.netty.buffer.ByteBuf;


/** A failed request: a status code, a one-line message naming the thing and the problem, and a detail (e.g. the address of a failed pipeline node; empty if none). Its layout is frozen across protocol versions. */
public record ErrorReply(Status status, String message, String detail) implements Message {
  public ErrorReply {
    message = truncate(message);
    detail = truncate(detail);
  }

  private static String truncate(String s) {
    if (s == null) {
      return "";
    }
    // Stay well inside the string limit even for multi-byte characters.
    return s.length() > 2000 ? s.substring(0, 2000) : s;
  }

  @Override
  public MessageType type() {
    return MessageType.ERROR;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeShort(status.code());
    Codec.writeString(out, message);
    Codec.writeString(out, detail);
  }

  public static ErrorReply decode(ByteBuf in) {
    return new ErrorReply(Status.fromCode(Codec.readUnsignedShort(in)), Codec.readString(in),
        Codec.readString(in));
  }
}
