package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/**
 * Makes kept version {@code version} of file {@code path} its current contents again. The contents
 * it replaces are kept as a version like any replacement (under the directory's
 * {@code keepVersions}), so a restore can itself be undone. Answered by {@link RestoreResponse}.
 */
public record RestoreRequest(String clientId, long opId, String path, long version)
    implements Message {
  @Override
  public MessageType type() {
    return MessageType.RESTORE_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, clientId);
    out.writeLong(opId);
    Codec.writeString(out, path);
    out.writeLong(version);
  }

  public static RestoreRequest decode(ByteBuf in) {
    return new RestoreRequest(Codec.readString(in), Codec.readLong(in), Codec.readString(in),
        Codec.readPositiveLong(in, "version"));
  }
}
