package dev.granary.client.internal;

import dev.granary.client.DeniedException;
import dev.granary.client.EncryptionKey;
import dev.granary.client.IntegrityException;
import dev.granary.wire.msg.FileEncoding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A file's data key: 256 random bits made for that file alone, stored on the master only wrapped
 * (AES-256-GCM) with the user's key-encryption key ({@link EncryptionKey}). The wrapping binds the
 * file's id as associated data, so a wrapped key moved to another file's entry does not unwrap.
 * Wrapped form: base64 of a 12-byte random nonce, the 32 encrypted key bytes and the 16-byte tag.
 */
final class DataKeys {
  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;
  private static final byte[] LABEL = "granary data key 1 ".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private DataKeys() {}

  /** A fresh random data key. */
  static SecretKey generate() {
    byte[] b = new byte[EncryptionKey.BYTES];
    RANDOM.nextBytes(b);
    return new SecretKeySpec(b, "AES");
  }

  /** A fresh random file id: 32 lower-case hex digits. */
  static String newFileId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** {@code dataKey} wrapped with {@code kek} for file {@code fileId}, as the master stores it. */
  static String wrap(EncryptionKey kek, String fileId, SecretKey dataKey) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, kek.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(fileId));
      byte[] sealed = c.doFinal(dataKey.getEncoded());
      return Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
          .put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e, e);
    }
  }

  /**
   * The data key of a file encrypted as {@code e}, unwrapped with {@code kek}.
   *
   * @throws DeniedException no key, or a key other than the one that wrapped it
   * @throws IntegrityException the wrapped key was altered
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
    byte[] all;
    try {
      all = Base64.getDecoder().decode(e.wrappedKey());
    } catch (IllegalArgumentException x) {
      throw new IntegrityException(path + ": its wrapped data key is not base64", x);
    }
    if (all.length != NONCE_BYTES + EncryptionKey.BYTES + TAG_BITS / 8) {
      throw new IntegrityException(path + ": its wrapped data key has " + all.length
          + " bytes, not " + (NONCE_BYTES + EncryptionKey.BYTES + TAG_BITS / 8), null);
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, kek.secretKey(),
          new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
      c.updateAAD(aad(e.fileId()));
      byte[] key = c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
      return new SecretKeySpec(key, "AES");
    } catch (AEADBadTagException x) {
      throw new IntegrityException(path + ": its wrapped data key fails authentication with key "
          + kek.id() + " (altered, or moved from another file)", x);
    } catch (GeneralSecurityException x) {
      throw new IllegalStateException("AES-GCM is not available: " + x, x);
    }
  }

  private static byte[] aad(String fileId) {
    byte[] id = fileId.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(LABEL.length + id.length).put(LABEL).put(id).array();
  }
}
