package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Makes a file visible at {@code path} with the given chunks, atomically; with {@code overwrite} it
 * replaces an existing file. {@code clientId} + {@code opId} identify the operation so that a retry
 * is answered as the original was. With {@code spareReplication} > 0 the master also allocates a
 * chunk of that replication for the client's next file and returns it with the answer (a client
 * writing many small files then asks for no allocation of its own); 0 asks for none.
 */
public record CommitFileRequest(String clientId, long opId, String path, boolean overwrite, int replication, long chunkSize, List<CommitChunk> chunks, int spareReplication) implements Message {
  public CommitFileRequest {
    chunks = List.copyOf(chunks);
  }

  /** A commit that asks for no spare allocation. */
  public CommitFileRequest(String clientId, long opId, String path, boolean overwrite,
      int replication, long chunkSize, List<CommitChunk> chunks) {
    this(clientId, opId, path, overwrite, replication, chunkSize, chunks, 0);
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
    out.writeInt(spareReplication);
  }

  public static CommitFileRequest decode(ByteBuf in) {
    return new CommitFileRequest(Codec.readString(in), Codec.readLong(in), Codec.readString(in),
        Codec.readBoolean(in), Codec.readInt(in, 1, 255, "replication"),
        Codec.readNonNegativeLong(in, "chunk size"),
        Codec.readList(in, CommitChunk.MIN_BYTES, CommitChunk::decode),
        Codec.readInt(in, 0, 255, "spare replication"));
  }
}
