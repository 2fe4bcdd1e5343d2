package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** Ends a write stream: the replica is durable (fsynced and renamed into place) on every node in {@code nodeIds}, this node first. */
public record WriteDone(long handle, long version, long length, long digest, List<String> nodeIds) implements Message {
  public WriteDone {
    nodeIds = List.copyOf(nodeIds);
  }

  @Override
  public MessageType type() {
    return MessageType.WRITE_DONE;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(handle);
    out.writeLong(version);
    out.writeLong(length);
    out.writeLong(digest);
    Codec.writeStrings(out, nodeIds);
  }

  public static WriteDone decode(ByteBuf in) {
    return new WriteDone(Codec.readLong(in), Codec.readLong(in),
        Codec.readNonNegativeLong(in, "length"), Codec.readLong(in), Codec.readStrings(in));
  }
}
