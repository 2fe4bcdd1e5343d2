package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/**
 * A client proves who it is on this connection: {@code user} and the secret {@code token} of its
 * credentials file. Sent right after the handshake, before any other request, when the cluster is
 * secured. Answered by {@link AuthenticateResponse}, or ERROR DENIED.
 */
public record AuthenticateRequest(String user, String token) implements Message {
  @Override
  public MessageType type() {
    return MessageType.AUTHENTICATE_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, user);
    Codec.writeString(out, token);
  }

  public static AuthenticateRequest decode(ByteBuf in) {
    return new AuthenticateRequest(Codec.readString(in), Codec.readString(in));
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "AuthenticateRequest[user=" + user + ", token=<hidden>]";
  }
}
