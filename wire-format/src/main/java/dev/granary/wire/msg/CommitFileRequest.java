package dev.granary.wire.msg;

import dev.granary.wire.MessageType;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Makes a file visible at {@code path} with the given chunks, atomically; with {@code overwrite} it
 * replaces an existing file. {@code clientId} + {@code opId} identify the operation so that a retry
 * is answered as the original was. A {@code replication} of 0 ({@link #INHERIT}) lets the master
 * choose: the nearest directory policy's replication, else the cluster's default. With
 * {@code spareReplication} > 0 the master also allocates a chunk of that replication for the
 * client's next file and returns it with the answer (a client writing many small files then asks
 * for no allocation of its own); {@link #SPARE_AS_FILE} asks for one of the replication this file
 * gets; 0 asks for none.
 *
 * <p>A file the client compressed or encrypted names its {@code encoding} (its stored size -1: the
 * master adds up the chunks) and its {@code size}, the bytes a reader gets; a plain file has
 * {@link FileEncoding#PLAIN} and size -1 (its chunks' lengths add up to its size).
 */
public record CommitFileRequest(String clientId, long opId, String path, boolean overwrite,
    int replication, long chunkSize, List<CommitChunk> chunks, int spareReplication,
    FileEncoding encoding, long size) implements Message {
  public CommitFileRequest {
    chunks = List.copyOf(chunks);
    if (encoding == null) {
      throw new IllegalArgumentException("encoding is null (use FileEncoding.PLAIN)");
    }
    if (encoding.isPlain() != (size == -1)) {
      throw new IllegalArgumentException("size " + size + " with encoding " + encoding
          + ": a plain file's size is -1, any other's is its readers' size");
    }
  }

  /** A plain file's commit. */
  public CommitFileRequest(String clientId, long opId, String path, boolean overwrite,
      int replication, long chunkSize, List<CommitChunk> chunks, int spareReplication) {
    this(clientId, opId, path, overwrite, replication, chunkSize, chunks, spareReplication,
        FileEncoding.PLAIN, -1);
  }

  /** Replication 0: the directory's policy, else the cluster's default. */
  public static final int INHERIT = 0;
  /** A spare of the replication the master gives this file. */
  public static final int SPARE_AS_FILE = -1;

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
    encoding.encode(out);
    out.writeLong(size);
  }

  public static CommitFileRequest decode(ByteBuf in) {
    return new CommitFileRequest(Codec.readString(in), Codec.readLong(in), Codec.readString(in),
        Codec.readBoolean(in), Codec.readInt(in, 0, 255, "replication"),
        Codec.readNonNegativeLong(in, "chunk size"),
        Codec.readList(in, CommitChunk.MIN_BYTES, CommitChunk::decode),
        Codec.readInt(in, SPARE_AS_FILE, 255, "spare replication"), FileEncoding.decode(in),
        readSize(in));
  }

  private static long readSize(ByteBuf in) {
    long size = Codec.readLong(in);
    if (size < -1) {
      throw new dev.granary.wire.ProtocolException("file size " + size + " is negative");
    }
    return size;
  }
}
