package dev.granary.client.internal;

import dev.granary.client.DeniedException;
import dev.granary.client.EncryptionKey;
import dev.granary.client.IntegrityException;
import dev.granary.wire.msg.FileEncoding;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A file's data key: 256 random bits made for that file alone, stored on the master only wrapped
 * with the user's key-encryption key ({@link EncryptionKey#wrap}), and the file's random id that
 * the wrapping and every block's authentication bind.
 */
final class DataKeys {
  private static final SecureRandom RANDOM = new SecureRandom();

  private DataKeys() {}

  /** A fresh random data key. */
  static SecretKey generate() {
    byte[] b = new byte[EncryptionKey.BYTES];
    RANDOM.nextBytes(b);
    SecretKey k = new SecretKeySpec(b, "AES");
    Arrays.fill(b, (byte) 0);
    return k;
  }

  /** A fresh random file id: 32 lower-case hex digits. */
  static String newFileId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** {@code dataKey} wrapped with {@code kek} for file {@code fileId}. */
  static String wrap(EncryptionKey kek, String fileId, SecretKey dataKey) {
    byte[] raw = dataKey.getEncoded();
    try {
      return kek.wrap(fileId, raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /**
   * The data key of a file encrypted as {@code e}, unwrapped with {@code kek}.
   *
   * @throws DeniedException no key, or a key other than the one that wrapped it
   * @throws IntegrityException the wrapped key was altered or moved from another file
   */
  static SecretKey unwrap(EncryptionKey kek, FileEncoding e, String path)
      throws DeniedException, IntegrityException {
    if (kek == null) {
      throw new DeniedException(path + ": encrypted; reading it needs its key file (--key-file,"
          + " GRANARY_KEY_FILE or client.keyFile), key id " + e.keyId());
    }
    if (!kek.id().equals(e.keyId())) {
      throw new DeniedException(path + ": encrypted with key " + e.keyId() + ", not with this"
          + " client's key " + kek.id());
    }
    byte[] raw;
    try {
      raw = kek.unwrap(e.fileId(), e.wrappedKey());
    } catch (IntegrityException x) {
      throw new IntegrityException(path + ": " + x.getMessage(), x);
    }
    SecretKey k = new SecretKeySpec(raw, "AES");
    Arrays.fill(raw, (byte) 0);
    return k;
  }
}
