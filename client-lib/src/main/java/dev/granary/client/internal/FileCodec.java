package dev.granary.client.internal;

import com.github.luben.zstd.Zstd;
import dev.granary.client.DeniedException;
import dev.granary.client.EncryptionKey;
import dev.granary.client.IntegrityException;
import dev.granary.wire.Compression;
import dev.granary.wire.Limits;
import dev.granary.wire.msg.FileEncoding;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * How one compressed or encrypted file's bytes become stored bytes and back (issue 20): each
 * logical 64 KiB block becomes one record, compressed first (kept raw where compression does not
 * shrink it), then sealed with AES-256-GCM under the file's own data key. A chunk holds the records
 * of its blocks and ends with an index of where each starts, so a random read decodes only the
 * blocks it touches. Chunkservers see records as opaque bytes and checksum them as any others.
 *
 * <p>Record: a 10-byte header (u8 codec: 0 raw, 1 lz4, 2 zstd; u8 flags: bit 0 encrypted, bit 1
 * last block of the file; u32 logical length; u32 payload length), a 12-byte random nonce if
 * encrypted, then the payload. Index: u32 offset of each record from the chunk's start, u32 count,
 * u32 {@link #INDEX_MAGIC}. All big-endian.
 *
 * <p>GCM's associated data binds each block to its place: a label, the file's random id, the chunk
 * and block index, and the header (codec, flags, lengths). A block moved to another position or
 * another file, a header altered, or the file cut short where a block not marked last ends it,
 * fails authentication; so does any altered byte. Nonces are random per block (the data key is the
 * file's alone and each block is sealed once, so a collision needs ~2^48 blocks of one file).
 *
 * <p>Thread-safe: chunks of one file are encoded on several threads at once.
 */
final class FileCodec {
  /** Bytes of a record header. */
  static final int HEADER_BYTES = 10;
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;
  /** Bytes after the index's offsets: count and magic. */
  static final int INDEX_TAIL_BYTES = 8;
  /** "GRIX": ends every chunk of a compressed or encrypted file. */
  static final int INDEX_MAGIC = 0x47524958;
  static final int FLAG_ENCRYPTED = 1;
  static final int FLAG_LAST = 2;
  /** zstd level: its default, dense and still hundreds of MB/s per core. */
  static final int ZSTD_LEVEL = 3;

  private static final byte[] AAD_LABEL = "granary block 1 ".getBytes(StandardCharsets.US_ASCII);
  private static final int AAD_BYTES = AAD_LABEL.length + 16 + 4 + 4 + HEADER_BYTES;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
  private static final LZ4Compressor LZ4_COMPRESSOR = LZ4.fastCompressor();
  private static final LZ4SafeDecompressor LZ4_DECOMPRESSOR = LZ4.safeDecompressor();

  private final Compression compression;
  /** The file's data key, or null if it is not encrypted. */
  private final SecretKey dataKey;
  private final byte[] fileId;
  /** What the commit names (stored size -1: the master adds it up). */
  private final FileEncoding encoding;

  private FileCodec(Compression compression, SecretKey dataKey, String fileId,
      FileEncoding encoding) {
    this.compression = compression;
    this.dataKey = dataKey;
    this.fileId = fileId.isEmpty() ? new byte[16] : HexFormat.of().parseHex(fileId);
    this.encoding = encoding;
  }

  /**
   * The codec of a new file: compressed with {@code compression}, and encrypted with a fresh data
   * key wrapped by {@code kek} if {@code kek} is not null. Null if the file is plain.
   */
  static FileCodec forWrite(Compression compression, EncryptionKey kek) {
    if (kek == null) {
      return compression == Compression.NONE ? null
          : new FileCodec(compression, null, "", FileEncoding.compressed(compression, -1));
    }
    String fileId = DataKeys.newFileId();
    SecretKey key = DataKeys.generate();
    return new FileCodec(compression, key, fileId, new FileEncoding(compression, -1, fileId,
        kek.id(), DataKeys.wrap(kek, fileId, key)));
  }

  /**
   * The codec to read a file stored as {@code e}; null if it is plain.
   *
   * @throws DeniedException it is encrypted and {@code kek} is missing or another key
   * @throws IntegrityException its wrapped key fails authentication
   */
  static FileCodec forRead(FileEncoding e, EncryptionKey kek, String path)
      throws DeniedException, IntegrityException {
    if (e.isPlain()) {
      return null;
    }
    SecretKey key = e.encrypted() ? DataKeys.unwrap(kek, e, path) : null;
    return new FileCodec(e.compression(), key, e.fileId(), e);
  }

  /** The encoding a commit names. */
  FileEncoding encoding() {
    return encoding;
  }

  boolean encrypted() {
    return dataKey != null;
  }

  Compression compression() {
    return compression;
  }

  // ---------------------------------------------------------------- writing

  /**
   * Chunk {@code chunkIndex} of the file, {@code logical}, as the chunkservers store it: its
   * records and index, in memory (the caller releases the result; {@code logical} stays the
   * caller's).
   *
   * @param lastChunk whether it is the file's last chunk (its last block is marked so)
   * @throws IOException reading {@code logical} failed
   */
  StoredChunk encode(int chunkIndex, ChunkSource logical, boolean lastChunk,
      ByteBufAllocator alloc) throws IOException {
    int blocks = (int) ((logical.length() + Limits.BLOCK_SIZE - 1) / Limits.BLOCK_SIZE);
    StoredChunk out = new StoredChunk(alloc);
    byte[] plain = new byte[Limits.BLOCK_SIZE];
    byte[] packed = new byte[maxPacked(Limits.BLOCK_SIZE)];
    byte[] sealed = dataKey == null ? null : new byte[packed.length + TAG_BYTES];
    int[] offsets = new int[blocks];
    Cipher cipher = dataKey == null ? null : cipher();
    try {
      for (int b = 0; b < blocks; b++) {
        int n;
        ByteBuf block = logical.block(b, alloc);
        try {
          n = block.readableBytes();
          block.getBytes(block.readerIndex(), plain, 0, n);
        } finally {
          block.release();
        }
        offsets[b] = (int) out.length();
        boolean last = lastChunk && b == blocks - 1;
        writeRecord(out, cipher, chunkIndex, b, plain, n, last, packed, sealed);
      }
      for (int off : offsets) {
        out.writeInt(off);
      }
      out.writeInt(blocks);
      out.writeInt(INDEX_MAGIC);
      return out;
    } catch (IOException | RuntimeException e) {
      out.release();
      throw e;
    }
  }

  private void writeRecord(StoredChunk out, Cipher cipher, int chunk, int block, byte[] plain,
      int n, boolean last, byte[] packed, byte[] sealed) {
    int codec = 0;
    byte[] payload = plain;
    int length = n;
    int p = compress(plain, n, packed);
    if (p > 0 && p < n) {
      codec = compression.id();
      payload = packed;
      length = p;
    }
    int flags = (last ? FLAG_LAST : 0) | (cipher == null ? 0 : FLAG_ENCRYPTED);
    byte[] header = header(codec, flags, n, cipher == null ? length : length + TAG_BYTES);
    out.write(header, 0, HEADER_BYTES);
    if (cipher == null) {
      out.write(payload, 0, length);
      return;
    }
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      cipher.init(Cipher.ENCRYPT_MODE, dataKey, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      cipher.updateAAD(aad(chunk, block, header));
      int s = cipher.doFinal(payload, 0, length, sealed, 0);
      out.write(nonce, 0, NONCE_BYTES);
      out.write(sealed, 0, s);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed: " + e, e);
    }
  }

  /** Compressed length of {@code plain[0, n)} in {@code packed}; 0 if it does not fit (no gain). */
  private int compress(byte[] plain, int n, byte[] packed) {
    switch (compression) {
      case LZ4:
        try {
          return LZ4_COMPRESSOR.compress(plain, 0, n, packed, 0, n - 1);
        } catch (LZ4Exception e) {
          return 0; // does not fit in n - 1 bytes: no gain, stored raw
        }
      case ZSTD:
        long r = Zstd.compressByteArray(packed, 0, packed.length, plain, 0, n, ZSTD_LEVEL);
        return Zstd.isError(r) ? 0 : (int) r;
      default:
        return 0;
    }
  }

  private int maxPacked(int n) {
    return switch (compression) {
      case LZ4 -> LZ4_COMPRESSOR.maxCompressedLength(n);
      case ZSTD -> (int) Zstd.compressBound(n);
      default -> n;
    };
  }

  private static byte[] header(int codec, int flags, int logical, int payload) {
    return ByteBuffer.allocate(HEADER_BYTES).put((byte) codec).put((byte) flags).putInt(logical)
        .putInt(payload).array();
  }

  // ---------------------------------------------------------------- reading

  /** A record's header, parsed and checked against what the reader expects there. */
  record Header(int codec, int flags, int logicalLength, int payloadLength) {
    /** Bytes after the header: nonce (if encrypted) and payload. */
    int bodyLength() {
      return ((flags & FLAG_ENCRYPTED) != 0 ? NONCE_BYTES : 0) + payloadLength;
    }

    int recordLength() {
      return HEADER_BYTES + bodyLength();
    }
  }

  /**
   * Parses the header at {@code h[0, 10)} of block {@code block} of chunk {@code chunk}.
   *
   * @throws IntegrityException a header no writer of this file could have made
   */
  Header header(byte[] h, String what) throws IntegrityException {
    ByteBuffer b = ByteBuffer.wrap(h, 0, HEADER_BYTES);
    int codec = b.get() & 0xff;
    int flags = b.get() & 0xff;
    int logical = b.getInt();
    int payload = b.getInt();
    boolean enc = (flags & FLAG_ENCRYPTED) != 0;
    if ((codec != 0 && codec != compression.id()) || (flags & ~(FLAG_ENCRYPTED | FLAG_LAST)) != 0
        || enc != encrypted() || logical < 1 || logical > Limits.BLOCK_SIZE || payload < 0
        || payload > maxPacked(Limits.BLOCK_SIZE) + TAG_BYTES) {
      throw new IntegrityException(what + ": record header " + HexFormat.of().formatHex(h, 0,
          HEADER_BYTES) + " is not one this file's writer makes");
    }
    return new Header(codec, flags, logical, payload);
  }

  /** The most bytes a record's body (nonce and payload) may have in this file. */
  int maxBody() {
    return NONCE_BYTES + maxPacked(Limits.BLOCK_SIZE) + TAG_BYTES;
  }

  /**
   * Decodes a record whose header {@code h} and body (nonce and payload, {@code body[0,
   * h.bodyLength())}) were read, into {@code out} from {@code outOff} ({@code expectedLength}
   * bytes); {@code scratch} ({@link #maxBody()} bytes) holds a compressed block's decrypted
   * payload on the way. On a failure, {@code out} may hold bytes of the failed block.
   *
   * @param expectLast whether this block must be, or must not be, the file's last
   * @throws IntegrityException authentication failed (tampered, moved, truncated), or the
   *     payload does not decompress to the header's length
   */
  void decode(int chunk, int block, byte[] headerBytes, Header h, byte[] body,
      int expectedLength, boolean expectLast, String what, byte[] scratch, byte[] out,
      int outOff) throws IntegrityException {
    byte[] payload = body;
    int payloadOff = 0;
    int payloadLen = h.payloadLength();
    if (dataKey != null) {
      // A raw block decrypts straight into out (the JDK's GCM zeroes what it wrote there if the
      // tag does not match); a compressed one into scratch, then inflates.
      boolean direct = h.codec() == 0 && h.payloadLength() - TAG_BYTES == expectedLength;
      byte[] into = direct ? out : scratch;
      int intoOff = direct ? outOff : 0;
      try {
        Cipher c = cipher();
        c.init(Cipher.DECRYPT_MODE, dataKey,
            new GCMParameterSpec(TAG_BYTES * 8, body, 0, NONCE_BYTES));
        c.updateAAD(aad(chunk, block, headerBytes));
        payloadLen = c.doFinal(body, NONCE_BYTES, h.payloadLength(), into, intoOff);
        payload = into;
        payloadOff = intoOff;
      } catch (AEADBadTagException e) {
        throw new IntegrityException(what + ": block " + block + " fails authentication: its"
            + " bytes were altered, or it was moved from another position or file", e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM failed: " + e, e);
      }
    }
    // Only now, authenticated, do the header's claims count (an unencrypted file has no proof).
    boolean last = (h.flags() & FLAG_LAST) != 0;
    if (h.logicalLength() != expectedLength || (encrypted() && last != expectLast)) {
      throw new IntegrityException(what + ": block " + block + " holds " + h.logicalLength()
          + " bytes" + (last ? " and ends the file" : "") + ", where the file's size says "
          + expectedLength + (expectLast ? " ending it" : "") + " (truncated or altered)");
    }
    if (h.codec() == 0) {
      if (payloadLen != expectedLength) {
        throw new IntegrityException(what + ": raw block " + block + " has " + payloadLen
            + " bytes, not " + expectedLength);
      }
      if (payload != out || payloadOff != outOff) {
        System.arraycopy(payload, payloadOff, out, outOff, payloadLen);
      }
      return;
    }
    int n;
    if (h.codec() == Compression.LZ4.id()) {
      try {
        n = LZ4_DECOMPRESSOR.decompress(payload, payloadOff, payloadLen, out, outOff,
            expectedLength);
      } catch (LZ4Exception e) {
        throw new IntegrityException(what + ": block " + block + " does not decompress (lz4): "
            + e.getMessage(), e);
      }
    } else {
      long r = Zstd.decompressByteArray(out, outOff, expectedLength, payload, payloadOff,
          payloadLen);
      if (Zstd.isError(r)) {
        throw new IntegrityException(what + ": block " + block + " does not decompress (zstd): "
            + Zstd.getErrorName(r));
      }
      n = (int) r;
    }
    if (n != expectedLength) {
      throw new IntegrityException(what + ": block " + block + " decompresses to " + n
          + " bytes, not " + expectedLength);
    }
  }

  private byte[] aad(int chunk, int block, byte[] header) {
    return ByteBuffer.allocate(AAD_BYTES).put(AAD_LABEL).put(fileId).putInt(chunk).putInt(block)
        .put(header, 0, HEADER_BYTES).array();
  }

  /** This thread's AES-GCM cipher: looking one up costs more than sealing a small block. */
  private static Cipher cipher() {
    return CIPHERS.get();
  }

  private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e, e);
    }
  });
}
