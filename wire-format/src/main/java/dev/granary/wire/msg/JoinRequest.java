package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/**
 * A node without a certificate asks to join: the secret of the cluster's join token, the node id
 * the certificate is to name, and its public key (X.509 SubjectPublicKeyInfo, base64). Sent on a
 * CLIENT connection that trusts only the authority the token names. Answered by
 * {@link JoinResponse} or ERROR DENIED (a wrong or rotated token).
 */
public record JoinRequest(String secret, String nodeId, String publicKey) implements Message {
  @Override
  public MessageType type() {
    return MessageType.JOIN_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, secret);
    Codec.writeString(out, nodeId);
    Codec.writeString(out, publicKey);
  }

  public static JoinRequest decode(ByteBuf in) {
    return new JoinRequest(Codec.readString(in), Codec.readString(in), Codec.readString(in));
  }

  /** Never the secret. */
  @Override
  public String toString() {
    return "JoinRequest[nodeId=" + nodeId + "]";
  }
}
