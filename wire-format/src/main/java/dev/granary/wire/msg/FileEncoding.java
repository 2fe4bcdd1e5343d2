package dev.granary.wire.msg;

import dev.granary.wire.Compression;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;
import java.util.regex.Pattern;

/**
 * How a file's bytes are stored when the client transformed them (issue 20): compressed per
 * 64 KiB block, encrypted per block, or both. A {@link #PLAIN} file's replicas hold its bytes
 * verbatim; any other file's chunks hold records (see the README's "Replica format of compressed
 * and encrypted files"), so its chunks' lengths add up to {@code storedSize}, not to its size.
 *
 * <p>An encrypted file carries what a reader with the right key-encryption key needs: a random
 * {@code fileId} (32 lower-case hex digits) that every block's authentication binds, the
 * {@code keyId} of the key-encryption key that wrapped its data key, and {@code wrappedKey}, the
 * data key wrapped with that key (base64). The master stores these three strings and never sees
 * an unwrapped key. An unencrypted file has all three empty.
 *
 * @param storedSize bytes of the file's chunks (-1 in a commit: the master adds them up)
 */
public record FileEncoding(Compression compression, long storedSize, String fileId,
    String keyId, String wrappedKey) {
  /** Verbatim replicas: no compression, no encryption. */
  public static final FileEncoding PLAIN = new FileEncoding(Compression.NONE, -1, "", "", "");
  /** Longest key id, in characters. */
  public static final int MAX_KEY_ID_CHARS = 64;
  /** Longest wrapped data key, in base64 characters. */
  public static final int MAX_WRAPPED_KEY_CHARS = 512;

  private static final Pattern FILE_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern KEY_ID = Pattern.compile("[0-9A-Za-z._-]{1," + MAX_KEY_ID_CHARS
      + "}");
  private static final Pattern BASE64 = Pattern.compile("[0-9A-Za-z+/=]{1,"
      + MAX_WRAPPED_KEY_CHARS + "}");

  /** @throws IllegalArgumentException for fields that do not fit together */
  public FileEncoding {
    if (compression == null) {
      throw new IllegalArgumentException("compression is null");
    }
    String problem = problem(fileId, keyId, wrappedKey);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** An unencrypted file compressed with {@code compression}. */
  public static FileEncoding compressed(Compression compression, long storedSize) {
    return new FileEncoding(compression, storedSize, "", "", "");
  }

  /** Whether the replicas hold the bytes verbatim. */
  public boolean isPlain() {
    return compression == Compression.NONE && !encrypted();
  }

  public boolean encrypted() {
    return !wrappedKey.isEmpty();
  }

  /** This encoding with the data key wrapped anew (key rotation). */
  public FileEncoding withKey(String newKeyId, String newWrappedKey) {
    return new FileEncoding(compression, storedSize, fileId, newKeyId, newWrappedKey);
  }

  public FileEncoding withStoredSize(long value) {
    return new FileEncoding(compression, value, fileId, keyId, wrappedKey);
  }

  /** What is wrong with the encryption fields, or null. */
  static String problem(String fileId, String keyId, String wrappedKey) {
    if (fileId == null || keyId == null || wrappedKey == null) {
      return "encryption fields must not be null";
    }
    if (fileId.isEmpty() && keyId.isEmpty() && wrappedKey.isEmpty()) {
      return null;
    }
    if (!FILE_ID.matcher(fileId).matches()) {
      return "file id " + fileId + " is not 32 lower-case hex digits";
    }
    if (!KEY_ID.matcher(keyId).matches()) {
      return "key id is not 1.." + MAX_KEY_ID_CHARS + " characters of [0-9A-Za-z._-]";
    }
    if (!BASE64.matcher(wrappedKey).matches()) {
      return "wrapped key is not 1.." + MAX_WRAPPED_KEY_CHARS + " base64 characters";
    }
    return null;
  }

  /** One byte 0 for {@link #PLAIN}; else 1, the compression id, stored size and the key fields. */
  public void encode(ByteBuf out) {
    if (isPlain()) {
      out.writeByte(0);
      return;
    }
    out.writeByte(1);
    out.writeByte(compression.id());
    out.writeLong(storedSize);
    Codec.writeString(out, fileId);
    Codec.writeString(out, keyId);
    Codec.writeString(out, wrappedKey);
  }

  public static FileEncoding decode(ByteBuf in) {
    int kind = Codec.readUnsignedByte(in);
    if (kind == 0) {
      return PLAIN;
    }
    if (kind != 1) {
      throw new ProtocolException("file encoding kind " + kind + " is not 0 or 1");
    }
    int id = Codec.readUnsignedByte(in);
    Compression c = Compression.ofId(id);
    if (c == null) {
      throw new ProtocolException("unknown compression id " + id);
    }
    long stored = Codec.readLong(in);
    if (stored < -1) {
      throw new ProtocolException("stored size " + stored + " is negative");
    }
    String fileId = Codec.readString(in);
    String keyId = Codec.readString(in);
    String wrapped = Codec.readString(in);
    String problem = problem(fileId, keyId, wrapped);
    if (problem != null) {
      throw new ProtocolException(problem);
    }
    if (c == Compression.NONE && wrapped.isEmpty()) {
      throw new ProtocolException("file encoding of kind 1 with neither compression nor a key");
    }
    return new FileEncoding(c, stored, fileId, keyId, wrapped);
  }
}
