package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * Key rotation of one encrypted file (or one kept version of it, {@code version} > 0; 0 is the
 * current contents): replaces its wrapped data key with {@code newWrappedKey}, wrapped by the
 * key-encryption key {@code newKeyId}, if the file's wrapped key is still {@code oldWrappedKey}
 * (else STALE_VERSION: someone rotated it meanwhile, or it was replaced). No data is touched.
 * Needs write permission on the file. Answered by a {@link StatResponse} with the new entry.
 */
public record RekeyRequest(String clientId, long opId, String path, long version,
    String oldWrappedKey, String newKeyId, String newWrappedKey) implements Message {
  public RekeyRequest {
    if (version < 0) {
      throw new IllegalArgumentException("version " + version + " is negative");
    }
    String problem = FileEncoding.problem("0".repeat(32), newKeyId, newWrappedKey);
    if (problem == null && (oldWrappedKey.isEmpty()
        || oldWrappedKey.length() > FileEncoding.MAX_WRAPPED_KEY_CHARS)) {
      problem = "old wrapped key is empty or longer than " + FileEncoding.MAX_WRAPPED_KEY_CHARS;
    }
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  @Override
  public MessageType type() {
    return MessageType.REKEY_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, clientId);
    out.writeLong(opId);
    Codec.writeString(out, path);
    out.writeLong(version);
    Codec.writeString(out, oldWrappedKey);
    Codec.writeString(out, newKeyId);
    Codec.writeString(out, newWrappedKey);
  }

  public static RekeyRequest decode(ByteBuf in) {
    try {
      return new RekeyRequest(Codec.readString(in), Codec.readLong(in), Codec.readString(in),
          Codec.readNonNegativeLong(in, "version"), Codec.readString(in), Codec.readString(in),
          Codec.readString(in));
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(e.getMessage());
    }
  }
}
