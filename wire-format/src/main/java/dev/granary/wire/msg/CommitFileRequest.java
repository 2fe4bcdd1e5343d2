package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** Makes a file visible at {@code path} with the given chunks, atomically; with {@code overwrite} it replaces an existing file. {@code clientId} + {@code opId} identify the operation so that a retry is answered as the original was. */
public record CommitFileRequest(String clientId, long opId, String path, boolean overwrite, int replication, long chunkSize, List<CommitChunk> chunks) implements Message {
  public CommitFileRequest {
    chunks = List.copyOf(chunks);
  }

  @Override
  public MessageType type() {
    return MessageType.COMMIT_FILE_REQUEST;
  }

  @Override
  public void encode(ByteBuf out) {
    Codec.writeString(out, clientId);
    out.writeLong(opId);
    Codec.writeString(out, path);
    Codec.writeBoolean(out, overwrite);
    out.writeInt(replication);
    out.writeLong(chunkSize);
    Codec.writeList(out, chunks, (b, c) -> c.encode(b));
  }

  public static CommitFileRequest decode(ByteBuf in) {
    return new CommitFileRequest(Codec.readString(in), Codec.readLong(in), Codec.readString(in),
        Codec.readBoolean(in), Codec.readInt(in, 1, 255, "replication"),
        Codec.readNonNegativeLong(in, "chunk size"), Codec.readList(in, 36, CommitChunk::decode));
  }
}
