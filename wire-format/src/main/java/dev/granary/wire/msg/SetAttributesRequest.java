package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * Changes the permission and/or the owner and group of {@code path} (with {@code recursive}: of
 * everything under it too), all or nothing. {@code permission} is {@code 0..0777} or
 * {@link #UNCHANGED_PERMISSION}; an empty {@code owner} or {@code group} leaves it as it is.
 * Changing the permission is for the owner or the superuser, the owner or group for the superuser
 * only. Answered by {@link SetAttributesResponse}.
 */
public record SetAttributesRequest(String path, int permission, String owner, String group,
    boolean recursive) implements Message {
  /** The permission field's value that leaves the permission as it is. */
  public static final int UNCHANGED_PERMISSION = -1;

  @Override
  public MessageType type() {
    return MessageType.SET_ATTRIBUTES_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, path);
    out.writeInt(permission);
    Codec.writeString(out, owner);
    Codec.writeString(out, group);
    Codec.writeBoolean(out, recursive);
  }

  public static SetAttributesRequest decode(ByteBuf in) {
    String path = Codec.readString(in);
    int permission = Codec.readInt(in);
    if (permission < UNCHANGED_PERMISSION || permission > FileEntry.MAX_PERMISSION) {
      throw new ProtocolException("permission " + permission
          + " is neither -1 (unchanged) nor in 0..0777");
    }
    return new SetAttributesRequest(path, permission, Codec.readString(in), Codec.readString(in),
        Codec.readBoolean(in));
  }
}
