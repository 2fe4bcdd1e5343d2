package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/**
 * The user a {@link UserRequest} added or revoked. {@code token} is the new user's secret (empty
 * for REVOKE): the master keeps only its hash, so this answer is the one chance to store it.
 * {@code caCert} is the PEM certificate of the cluster's authority, for the credentials file.
 */
public record UserResponse(String name, String group, boolean superuser, String token,
    String caCert) implements Message {
  @Override
  public MessageType type() {
    return MessageType.USER_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, name);
    Codec.writeString(out, group);
    Codec.writeBoolean(out, superuser);
    Codec.writeString(out, token);
    Codec.writeString(out, caCert);
  }

  public static UserResponse decode(ByteBuf in) {
    return new UserResponse(Codec.readString(in), Codec.readString(in), Codec.readBoolean(in),
        Codec.readString(in), Codec.readString(in));
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "UserResponse[name=" + name + ", group=" + group + ", superuser=" + superuser
        + ", token=<hidden>, caCert=" + caCert.length() + " chars]";
  }
}
