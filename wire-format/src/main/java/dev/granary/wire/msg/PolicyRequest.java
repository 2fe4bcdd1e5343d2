package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import dev.granary.wire.PolicyKeys;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Shows, and with {@code settings} changes, the policy of directory {@code path}: each setting
 * sets a key ({@link PolicyKeys}) on that directory, or with the value {@link PolicyKeys#CLEAR}
 * removes it so that the nearest ancestor's setting applies again. An empty list only shows the
 * effective policy. All settings apply together or none does; changing a policy is for the
 * directory's owner or the superuser. New files under {@code path} take the nearest policy.
 * Answered by {@link PolicyResponse}.
 */
public record PolicyRequest(String clientId, long opId, String path, List<PolicySetting> settings)
    implements Message {

  /** One key set to a value (a canonical decimal string), or cleared with {@code ""}. */
  public record PolicySetting(String key, String value) {
    static final int MIN_BYTES = 2 + 2;

    void encode(ByteBuf out) {
      Codec.writeString(out, key);
      Codec.writeString(out, value);
    }

    static PolicySetting decode(ByteBuf in) {
      String key = Codec.readString(in);
      if (key.isEmpty()) {
        throw new ProtocolException("policy setting with an empty key");
      }
      return new PolicySetting(key, Codec.readString(in));
    }
  }

  public PolicyRequest {
    settings = List.copyOf(settings);
    if (settings.size() > PolicyKeys.MAX_SETTINGS) {
      throw new IllegalArgumentException(settings.size() + " policy settings in one request, the"
          + " limit is " + PolicyKeys.MAX_SETTINGS);
    }
  }

  @Override
  public MessageType type() {
    return MessageType.POLICY_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, clientId);
    out.writeLong(opId);
    Codec.writeString(out, path);
    Codec.writeList(out, settings, (o, s) -> s.encode(o));
  }

  public static PolicyRequest decode(ByteBuf in) {
    return new PolicyRequest(Codec.readString(in), Codec.readLong(in), Codec.readString(in),
        Codec.readList(in, PolicySetting.MIN_BYTES, PolicyKeys.MAX_SETTINGS, "policy setting",
            PolicySetting::decode));
  }
}
