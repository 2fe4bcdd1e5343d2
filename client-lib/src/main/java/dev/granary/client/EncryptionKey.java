package dev.granary.client;

import dev.granary.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A user's key-encryption key: 256 random bits that wrap (AES-256-GCM) the fresh data key of every
 * file the user encrypts. Only the wrapped data keys reach the master; this key never leaves the
 * client. Its {@link #id()}, derived from the key by SHA-256, is stored with each wrapped data key
 * so that a reader holding the wrong key is told so before any data is fetched.
 *
 * <p>The file ({@code granary key new --out FILE}) is one line, {@code granary-key 1 BASE64}, mode
 * 0600. Like ssh with a private key, {@link #read} refuses a key file that group or others may
 * read: a key that leaked is no key.
 */
public final class EncryptionKey {
  /** The first word of a key file. */
  static final String MAGIC = "granary-key";
  /** The key file format this class writes and reads. */
  static final String FORMAT = "1";
  /** Bytes of a key: AES-256. */
  public static final int BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] WRAP_LABEL = "granary data key 1 ".getBytes(
      StandardCharsets.US_ASCII);
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final byte[] key;
  private final String id;

  private EncryptionKey(byte[] key) {
    if (key.length != BYTES) {
      throw new IllegalArgumentException("a key has " + BYTES + " bytes, not " + key.length);
    }
    this.key = key.clone();
    this.id = idOf(this.key);
  }

  /** A new random key. */
  public static EncryptionKey generate() {
    byte[] b = new byte[BYTES];
    RANDOM.nextBytes(b);
    return new EncryptionKey(b);
  }

  /** The key {@code bytes} (32), e.g. from a key manager. */
  public static EncryptionKey of(byte[] bytes) {
    return new EncryptionKey(bytes);
  }

  /**
   * Reads a key file.
   *
   * @throws ConfigException one line naming the file: missing, unreadable, not a key file, or
   *     readable by group or others
   */
  public static EncryptionKey read(Path file) {
    String text;
    try {
      PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
      if (posix != null) {
        Set<PosixFilePermission> perms = posix.readAttributes().permissions();
        if (perms.contains(PosixFilePermission.GROUP_READ)
            || perms.contains(PosixFilePermission.OTHERS_READ)) {
          throw new ConfigException("key file " + file + " is readable by "
              + (perms.contains(PosixFilePermission.OTHERS_READ) ? "others" : "its group")
              + " (mode " + PosixFilePermissions.toString(perms) + "); make it private with"
              + " chmod 600 " + file);
        }
      }
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      throw new ConfigException("key file " + file + " does not exist (make one with granary key"
          + " new --out " + file + ")", e);
    } catch (IOException e) {
      throw new ConfigException("key file " + file + " cannot be read: " + e.getMessage(), e);
    }
    String[] words = text.split(" ");
    if (words.length != 3 || !words[0].equals(MAGIC) || !words[1].equals(FORMAT)) {
      throw new ConfigException("key file " + file + " is not a Granary key file (expected one"
          + " line \"" + MAGIC + " " + FORMAT + " BASE64\", as granary key new writes)");
    }
    byte[] b;
    try {
      b = Base64.getDecoder().decode(words[2]);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("key file " + file + ": the key is not base64", e);
    }
    if (b.length != BYTES) {
      throw new ConfigException("key file " + file + ": the key has " + b.length + " bytes, not "
          + BYTES);
    }
    EncryptionKey k = new EncryptionKey(b);
    Arrays.fill(b, (byte) 0);
    return k;
  }

  /**
   * Writes this key to a new file {@code file}, mode 0600 from its creation (never readable by
   * anyone else, not even for a moment).
   *
   * @throws AlreadyExistsException the file exists: a key is never overwritten
   * @throws InternalException the file could not be written
   */
  public void write(Path file) throws GranaryException {
    String line = MAGIC + " " + FORMAT + " " + Base64.getEncoder().encodeToString(key) + "\n";
    try {
      boolean posix = file.toAbsolutePath().getFileSystem().supportedFileAttributeViews()
          .contains("posix");
      if (posix) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } else {
        Files.createFile(file);
      }
      Files.writeString(file, line, StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
    } catch (FileAlreadyExistsException e) {
      throw new AlreadyExistsException(file + ": file exists; a key file is never overwritten"
          + " (files encrypted with the key in it could not be read any more)", e);
    } catch (IOException e) {
      throw new InternalException(file + ": cannot write the key: " + e.getMessage(), e);
    }
  }

  /** The key's id: 16 hex digits of SHA-256("granary key id" + key); safe to show and store. */
  public String id() {
    return id;
  }

  /**
   * {@code dataKey} wrapped with this key for the file {@code fileId}, as the master stores it:
   * base64 of a random 12-byte nonce, the AES-256-GCM-encrypted key and the 16-byte tag, the file
   * id bound as associated data (a wrapped key moved to another file does not unwrap).
   */
  public String wrap(String fileId, byte[] dataKey) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(wrapAad(fileId));
      byte[] sealed = c.doFinal(dataKey);
      return Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
          .put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e, e);
    }
  }

  /**
   * The data key {@link #wrap} made {@code wrapped} from, for the file {@code fileId}.
   *
   * @throws IntegrityException {@code wrapped} was altered, belongs to another file, or was not
   *     wrapped with this key
   */
  public byte[] unwrap(String fileId, String wrapped) throws IntegrityException {
    byte[] all;
    try {
      all = Base64.getDecoder().decode(wrapped);
    } catch (IllegalArgumentException x) {
      throw new IntegrityException("the wrapped data key is not base64", x);
    }
    if (all.length != NONCE_BYTES + BYTES + TAG_BITS / 8) {
      throw new IntegrityException("the wrapped data key has " + all.length + " bytes, not "
          + (NONCE_BYTES + BYTES + TAG_BITS / 8));
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, secretKey(), new GCMParameterSpec(TAG_BITS, all, 0,
          NONCE_BYTES));
      c.updateAAD(wrapAad(fileId));
      return c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES);
    } catch (AEADBadTagException x) {
      throw new IntegrityException("the wrapped data key fails authentication with key " + id
          + " (altered, or moved from another file)", x);
    } catch (GeneralSecurityException x) {
      throw new IllegalStateException("AES-GCM is not available: " + x, x);
    }
  }

  private SecretKey secretKey() {
    return new SecretKeySpec(key, "AES");
  }

  private static byte[] wrapAad(String fileId) {
    byte[] id = fileId.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(WRAP_LABEL.length + id.length).put(WRAP_LABEL).put(id).array();
  }

  private static String idOf(byte[] key) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update("granary key id".getBytes(StandardCharsets.US_ASCII));
      md.update(key);
      return HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncryptionKey k && MessageDigest.isEqual(key, k.key);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  /** The id only: a key is never printed. */
  @Override
  public String toString() {
    return "EncryptionKey[" + id + "]";
  }
}
