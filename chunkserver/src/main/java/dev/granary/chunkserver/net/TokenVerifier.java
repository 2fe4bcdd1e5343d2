package dev.granary.chunkserver.net;

import dev.granary.chunkserver.storage.StoreLayout;
import dev.granary.wire.security.ChunkAccess;
import dev.granary.wire.security.ChunkToken;
import dev.granary.wire.security.TokenCheck;
import dev.granary.wire.security.TokenKey;
import dev.granary.wire.security.TokenKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the chunk access tokens of reads, writes and copies with the keys the master sent in its
 * last register or pulse reply (the whole current set each time: a key missing from it is gone).
 *
 * <p>Whether tokens are required does not depend on reaching the master: once a master said so,
 * this node keeps {@code <dataDir>/tokens-required} (written durably) and enforces tokens from
 * then on, across restarts, refusing everything with {@code no-keys} until a master sends keys. A
 * master that later says tokens are not required does not switch the check off (an operator who
 * runs the cluster without security again removes the file).
 *
 * <p>Refusals log at DEBUG each, and at WARN at most once a minute with a count, so a peer cannot
 * flood the log. Thread-safe: keys are replaced as one immutable map.
 */
public final class TokenVerifier {
  private static final Logger log = LoggerFactory.getLogger(TokenVerifier.class);
  static final String FILE = "tokens-required";
  private static final long WARN_EVERY_MILLIS = 60_000;

  private final String nodeId;
  private final Path dataDir;
  private final Clock clock;
  private volatile boolean required;
  private volatile boolean persisted;
  private volatile Map<Integer, TokenKey> keys = Map.of();
  private final AtomicLong refusals = new AtomicLong();
  private final AtomicLong lastWarn = new AtomicLong(Long.MIN_VALUE);
  private boolean downgradeLogged; // guarded by this

  private TokenVerifier(String nodeId, Path dataDir, Clock clock, boolean required) {
    this.nodeId = nodeId;
    this.dataDir = dataDir;
    this.clock = clock;
    this.required = required;
    this.persisted = required;
  }

  /** The verifier of the node whose data dir is {@code dataDir}: required if it was before. */
  public static TokenVerifier load(String nodeId, Path dataDir, Clock clock) {
    return new TokenVerifier(nodeId, dataDir, clock, Files.exists(dataDir.resolve(FILE)));
  }

  /** A verifier that requires nothing and persists nothing (tests of other parts). */
  public static TokenVerifier off(Clock clock) {
    return new TokenVerifier("", null, clock, false);
  }

  /** Whether tokens are required on this node. */
  public boolean required() {
    return required;
  }

  /** Whether this node holds keys from a master. */
  public boolean hasKeys() {
    return !keys.isEmpty();
  }

  /**
   * Takes the key set of a register or pulse reply. The first time a master requires tokens, the
   * flag is written to the data dir durably; if that fails, tokens are still enforced and the
   * write is tried again at the next reply.
   */
  public void update(TokenKeys k) {
    Map<Integer, TokenKey> next = new HashMap<>();
    for (TokenKey key : k.keys()) {
      next.put(key.id(), key);
    }
    keys = Map.copyOf(next);
    if (k.required()) {
      if (!required) {
        log.info("{}: the master requires chunk access tokens; enforcing them from now on (kept "
            + "in the data dir)", nodeId);
      }
      required = true;
      if (!persisted && dataDir != null) {
        try {
          StoreLayout.writeDurably(dataDir, FILE, "required\n");
          persisted = true;
        } catch (IOException e) {
          log.error("{}: cannot keep {} in {} ({}); enforcing tokens anyway, retrying at the "
              + "next pulse", nodeId, FILE, dataDir, e.toString());
        }
      }
    } else if (required) {
      synchronized (this) {
        if (!downgradeLogged) {
          downgradeLogged = true;
          log.warn("{}: the master does not require chunk access tokens, but this node has "
              + "enforced them before ({} in {}): still enforcing; remove that file to run "
              + "without security", nodeId, FILE, dataDir);
        }
      }
    }
  }

  /**
   * Checks {@code token} for an operation on {@code handle} that any one of {@code needed} allows.
   *
   * @param peer who sent it, for the log line
   * @return null if allowed (or tokens are not required), else the refusal
   */
  public TokenCheck.Refusal check(ChunkToken token, long handle, Object peer,
      ChunkAccess... needed) {
    if (!required) {
      return null;
    }
    Map<Integer, TokenKey> k = keys;
    TokenCheck.Refusal r = TokenCheck.check(token, handle, clock.millis(), !k.isEmpty(), k::get,
        needed);
    if (r != null) {
      long n = refusals.incrementAndGet();
      long now = clock.millis();
      long last = lastWarn.get();
      if ((last == Long.MIN_VALUE || now - last >= WARN_EVERY_MILLIS)
          && lastWarn.compareAndSet(last, now)) {
        log.warn("{}: refused a chunk token from {} ({}): {}; {} refusals so far, the next "
            + "within a minute at DEBUG only", nodeId, peer, r.reason().code(), r.message(), n);
      } else {
        log.debug("{}: refused a chunk token from {} ({}): {}", nodeId, peer, r.reason().code(),
            r.message());
      }
    }
    return r;
  }

  /** The ids of the keys held now (never the secrets). */
  public java.util.Set<Integer> keyIds() {
    return keys.keySet();
  }

  /** Refusals so far (tests, status). */
  public long refusals() {
    return refusals.get();
  }
}
