package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/** Who the connection now acts for: the user, its group, and whether it is a superuser. */
public record AuthenticateResponse(String user, String group, boolean superuser)
    implements Message {
  @Override
  public MessageType type() {
    return MessageType.AUTHENTICATE_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, user);
    Codec.writeString(out, group);
    Codec.writeBoolean(out, superuser);
  }

  public static AuthenticateResponse decode(ByteBuf in) {
    return new AuthenticateResponse(Codec.readString(in), Codec.readString(in),
        Codec.readBoolean(in));
  }
}
