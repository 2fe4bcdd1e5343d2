package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * A superuser manages users: {@code ADD} creates user {@code name} in {@code group} (empty: a
 * group named as the user) with a new token; {@code REVOKE} makes its token fail from then on
 * ({@code group} and {@code superuser} are ignored). Answered by {@link UserResponse}.
 */
public record UserRequest(Action action, String name, String group, boolean superuser)
    implements Message {
  /** What to do with the user. */
  public enum Action {
    ADD,
    REVOKE
  }

  @Override
  public MessageType type() {
    return MessageType.USER_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(action.ordinal());
    Codec.writeString(out, name);
    Codec.writeString(out, group);
    Codec.writeBoolean(out, superuser);
  }

  public static UserRequest decode(ByteBuf in) {
    int a = Codec.readUnsignedByte(in);
    if (a >= Action.values().length) {
      throw new ProtocolException("unknown user action " + a);
    }
    return new UserRequest(Action.values()[a], Codec.readString(in), Codec.readString(in),
        Codec.readBoolean(in));
  }
}
