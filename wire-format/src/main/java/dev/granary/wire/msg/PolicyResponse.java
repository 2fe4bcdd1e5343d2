package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import dev.granary.wire.PolicyKeys;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * The effective policy of directory {@code path} (after the change a {@link PolicyRequest} asked
 * for): one value per key set on {@code path} or on an ancestor, in the order of
 * {@link PolicyKeys#ALL}. A key set nowhere above is absent: the master's default applies.
 */
public record PolicyResponse(String path, List<PolicyValue> values) implements Message {

  /**
   * The effective {@code value} of {@code key} (never empty) and {@code from}, the directory that
   * sets it: {@code path} itself or its nearest ancestor that does.
   */
  public record PolicyValue(String key, String value, String from) {
    static final int MIN_BYTES = 2 + 2 + 2;

    void encode(ByteBuf out) {
      Codec.writeString(out, key);
      Codec.writeString(out, value);
      Codec.writeString(out, from);
    }

    static PolicyValue decode(ByteBuf in) {
      String key = Codec.readString(in);
      String value = Codec.readString(in);
      String from = Codec.readString(in);
      if (key.isEmpty() || value.isEmpty() || from.isEmpty()) {
        throw new ProtocolException("policy value with an empty key, value or directory");
      }
      return new PolicyValue(key, value, from);
    }
  }

  public PolicyResponse {
    values = List.copyOf(values);
  }

  /** The value of {@code key}, or null if no directory from {@code path} up sets it. */
  public PolicyValue get(String key) {
    for (PolicyValue v : values) {
      if (v.key().equals(key)) {
        return v;
      }
    }
    return null;
  }

  @Override
  public MessageType type() {
    return MessageType.POLICY_RESPONSE;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, path);
    Codec.writeList(out, values, (o, v) -> v.encode(o));
  }

  public static PolicyResponse decode(ByteBuf in) {
    return new PolicyResponse(Codec.readString(in), Codec.readList(in, PolicyValue.MIN_BYTES,
        PolicyKeys.MAX_SETTINGS, "policy value", PolicyValue::decode));
  }
}
