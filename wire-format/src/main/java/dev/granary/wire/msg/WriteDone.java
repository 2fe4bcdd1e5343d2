package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import dev.granary.wire.Sha256;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Ends a write stream: the replica is durable (fsynced and renamed into place) on every node in
 * {@code nodeIds}, this node first. {@code sha256} is the SHA-256 of the replica's bytes as this
 * node computed them, which every node downstream computed too (a node whose downstream answers
 * another fails the stream instead).
 */
public record WriteDone(long handle, long version, long length, long digest, List<String> nodeIds,
    Sha256 sha256) implements Message {
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
    Codec.writeSha256(out, sha256);
  }

  public static WriteDone decode(ByteBuf in) {
    return new WriteDone(Codec.readLong(in), Codec.readLong(in),
        Codec.readNonNegativeLong(in, "length"), Codec.readLong(in), Codec.readStrings(in),
        Codec.readSha256(in));
  }
}
