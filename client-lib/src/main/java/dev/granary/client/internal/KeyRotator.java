package dev.granary.client.internal;

import dev.granary.client.DeniedException;
import dev.granary.client.EncryptionKey;
import dev.granary.client.FileStatus;
import dev.granary.client.FileVersion;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.KeyRotation;
import dev.granary.wire.msg.FileEncoding;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.RekeyRequest;
import dev.granary.wire.msg.StatResponse;
import dev.granary.client.UnavailableException;
import dev.granary.wire.Status;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.Deque;

/**
 * Key rotation ({@link GranaryClient#rotateKey}): for each encrypted file and kept version, unwraps
 * its data key with the old key and sends it wrapped with the new one (REKEY_REQUEST, a
 * compare-and-set on the old wrapped key). Data keys exist unwrapped only here, for the moment
 * between the two.
 */
final class KeyRotator {
  private final ClientContext ctx;
  private final GranaryClient client;

  KeyRotator(ClientContext ctx, GranaryClient client) {
    this.ctx = ctx;
    this.client = client;
  }

  KeyRotation rotate(String path, boolean recursive, EncryptionKey oldKey, EncryptionKey newKey)
      throws GranaryException {
    if (oldKey == null || newKey == null) {
      throw new InvalidArgumentException("key rotation needs the old and the new key");
    }
    String p = DefaultGranaryClient.remote(path);
    FileStatus top = client.stat(p);
    if (top.directory() && !recursive) {
      throw new InvalidArgumentException(InvalidArgumentException.Kind.IS_A_DIRECTORY,
          p + ": is a directory (rotate the keys of the files under it with -R)", null);
    }
    int[] counts = new int[3];
    Deque<String> dirs = new ArrayDeque<>();
    if (top.directory()) {
      dirs.push(p);
    } else {
      rotateFile(p, oldKey, newKey, counts);
    }
    while (!dirs.isEmpty()) {
      for (FileStatus e : client.list(dirs.pop())) {
        if (e.directory()) {
          dirs.push(e.path());
        } else {
          rotateFile(e.path(), oldKey, newKey, counts);
        }
      }
    }
    return new KeyRotation(counts[0], counts[1], counts[2]);
  }

  /** The file's current contents, then each kept version. */
  private void rotateFile(String path, EncryptionKey oldKey, EncryptionKey newKey, int[] counts)
      throws GranaryException {
    java.util.List<FileVersion> versions = client.versions(path);
    for (int i = 0; i < versions.size(); i++) {
      // The first entry is the current contents, asked for as version 0.
      rotateOne(path, i == 0 ? 0 : versions.get(i).version(), oldKey, newKey, counts);
    }
  }

  /** Rounds of read-and-swap one file gets while others change its wrapped key meanwhile. */
  static final int MAX_ROUNDS = 5;

  private void rotateOne(String path, long version, EncryptionKey oldKey, EncryptionKey newKey,
      int[] counts) throws GranaryException {
    for (int round = 1; ; round++) {
      try {
        rotateOnce(path, version, oldKey, newKey, counts);
        return;
      } catch (UnavailableException e) {
        // The wrapped key changed between our read and our swap (another rotation, or the file
        // was replaced): read it again and decide again.
        if (Errors.statusOf(e.getCause()) != Status.STALE_VERSION || round == MAX_ROUNDS) {
          throw e;
        }
        ctx.locations().invalidate(path);
      }
    }
  }

  private void rotateOnce(String path, long version, EncryptionKey oldKey, EncryptionKey newKey,
      int[] counts) throws GranaryException {
    FileEntry entry = ctx.locations().lookup(path, version, 0, true).file();
    FileEncoding e = entry.encoding();
    if (!e.encrypted()) {
      counts[2]++;
      return;
    }
    if (e.keyId().equals(newKey.id())) {
      counts[1]++;
      return;
    }
    String what = version == 0 ? path : path + " (version " + version + ")";
    if (!e.keyId().equals(oldKey.id())) {
      throw new DeniedException(what + ": encrypted with key " + e.keyId() + ", neither the old"
          + " key " + oldKey.id() + " nor the new key " + newKey.id());
    }
    String wrapped = DataKeys.wrap(newKey, e.fileId(), DataKeys.unwrap(oldKey, e, what));
    ctx.master().call(new RekeyRequest(ctx.clientId(), ctx.nextOpId(), path, version,
        e.wrappedKey(), newKey.id(), wrapped), StatResponse.class, what,
        Set.of(Status.STALE_VERSION));
    ctx.locations().invalidate(path);
    counts[0]++;
  }
}
