package dev.granary.master.security;

import dev.granary.wire.msg.AllocateChunkResponse;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.PulseResponse;
import dev.granary.wire.security.ChunkAccess;
import dev.granary.wire.security.ChunkToken;
import dev.granary.wire.security.TokenCheck;
import dev.granary.wire.security.TokenKey;
import dev.granary.wire.security.TokenKeys;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Signs chunk access tokens for the locations the master hands out (HDFS block tokens), with keys
 * that rotate: a new key every {@code keyInterval}, the newest signs, and a key is kept (and sent
 * to chunkservers) until every token it signed has expired, {@code keyInterval + tokenLifetime}
 * after it was made. So at most {@code 2 + tokenLifetime / keyInterval} keys exist at once.
 *
 * <p>Keys live in memory only: a restarted master makes new ones, chunkservers learn them at
 * registration, and clients holding tokens under the old keys are refused ({@code unknown-key})
 * and fetch new tokens. Nothing secret is written to disk.
 *
 * <p>Time is the injected wall {@link Clock}: expiry is epoch milliseconds, checked by
 * chunkservers against their own clocks. Rotation happens lazily when keys are used, which is at
 * least every pulse. Thread-safe.
 */
public final class ChunkTokenIssuer {
  /** How often a new signing key is made. */
  public static final Duration KEY_INTERVAL = Duration.ofMinutes(10);
  /**
   * How long a token is valid. Far longer than any client timeout: a token is checked when a
   * read or write stream opens, not while it runs.
   */
  public static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);
  /** The user named in COPY tokens: the master itself asks for the copy. */
  static final String COPY_USER = "master";

  private final boolean enabled;
  private final Clock clock;
  private final SecureRandom random;
  private final long keyIntervalMillis;
  private final long lifetimeMillis;
  // Oldest first; the last one signs. Guarded by this.
  private final ArrayDeque<TokenKey> keys = new ArrayDeque<>();
  private long currentSince;
  private int nextId;

  private ChunkTokenIssuer(boolean enabled, Clock clock, SecureRandom random,
      Duration keyInterval, Duration tokenLifetime) {
    if (keyInterval.isNegative() || keyInterval.isZero() || tokenLifetime.isNegative()
        || tokenLifetime.isZero()) {
      throw new IllegalArgumentException("token key interval " + keyInterval + " and lifetime "
          + tokenLifetime + " must be positive");
    }
    this.enabled = enabled;
    this.clock = clock;
    this.random = random;
    this.keyIntervalMillis = keyInterval.toMillis();
    this.lifetimeMillis = tokenLifetime.toMillis();
    this.nextId = random.nextInt();
  }

  /** An issuer that signs tokens: for a cluster with security. */
  public static ChunkTokenIssuer enabled(Clock clock, SecureRandom random, Duration keyInterval,
      Duration tokenLifetime) {
    return new ChunkTokenIssuer(true, clock, random, keyInterval, tokenLifetime);
  }

  /** An issuer with the default interval and lifetime, or one that issues nothing. */
  public static ChunkTokenIssuer forCluster(boolean secured, Clock clock) {
    return new ChunkTokenIssuer(secured, clock, new SecureRandom(), KEY_INTERVAL, TOKEN_LIFETIME);
  }

  /** Whether tokens are issued and required. */
  public boolean enabled() {
    return enabled;
  }

  /** How long a token lives. */
  public Duration tokenLifetime() {
    return Duration.ofMillis(lifetimeMillis);
  }

  /** A token for {@code handle} allowing {@code access} to {@code user}; NONE when disabled. */
  public ChunkToken issue(long handle, int access, String user) {
    if (!enabled) {
      return ChunkToken.NONE;
    }
    long now = clock.millis();
    TokenKey key;
    synchronized (this) {
      key = rotate(now);
    }
    return ChunkToken.sign(key, handle, access, user, now + lifetimeMillis);
  }

  /** What chunkservers are told in register and pulse replies: the whole current key set. */
  public TokenKeys keys() {
    if (!enabled) {
      return TokenKeys.NONE;
    }
    synchronized (this) {
      rotate(clock.millis());
      return new TokenKeys(true, List.copyOf(keys));
    }
  }

  /**
   * Checks a token the master is shown (a reader's bad-replica report).
   *
   * @return null if valid (or tokens are disabled), else why not
   */
  public TokenCheck.Refusal check(ChunkToken token, long handle, ChunkAccess... needed) {
    if (!enabled) {
      return null;
    }
    long now = clock.millis();
    List<TokenKey> known;
    synchronized (this) {
      rotate(now);
      known = List.copyOf(keys);
    }
    return TokenCheck.check(token, handle, now, true, id -> {
      for (TokenKey k : known) {
        if (k.id() == id) {
          return k;
        }
      }
      return null;
    }, needed);
  }

  /** The signing key at {@code now}: a new one if the current is older than the interval. */
  private TokenKey rotate(long now) {
    for (Iterator<TokenKey> it = keys.iterator(); it.hasNext(); ) {
      if (it.next().expiresMillis() <= now) {
        it.remove();
      }
    }
    if (keys.isEmpty() || now - currentSince >= keyIntervalMillis) {
      keys.addLast(TokenKey.generate(nextId++, now + keyIntervalMillis + lifetimeMillis, random));
      currentSince = now;
    }
    return keys.getLast();
  }

  // ------------------------------------------------------------------ replies with tokens

  /**
   * {@code reply} with the tokens its locations need, issued to {@code caller}: a WRITE token on
   * an allocation (also the spare one of a commit), a READ token on every location of a lookup.
   * Other replies, and every reply when disabled, are returned as they are.
   */
  public Message withTokens(Message reply, Caller caller) {
    if (!enabled) {
      return reply;
    }
    if (reply instanceof AllocateChunkResponse a) {
      return withWrite(a, caller);
    }
    if (reply instanceof CommitFileResponse c && c.spare() != null) {
      return new CommitFileResponse(c.file(), withWrite(c.spare(), caller));
    }
    if (reply instanceof LookupResponse l) {
      int read = ChunkAccess.bits(ChunkAccess.READ);
      List<ChunkLocation> chunks = new ArrayList<>(l.chunks().size());
      for (ChunkLocation c : l.chunks()) {
        chunks.add(c.withToken(issue(c.handle(), read, caller.user())));
      }
      return new LookupResponse(l.file(), chunks, l.locationsComplete());
    }
    return reply;
  }

  private AllocateChunkResponse withWrite(AllocateChunkResponse a, Caller caller) {
    return a.withToken(issue(a.handle(), ChunkAccess.bits(ChunkAccess.WRITE), caller.user()));
  }

  /** A pulse reply with a COPY token on every copy command and the current keys. */
  public PulseResponse withTokens(PulseResponse reply) {
    if (!enabled) {
      return reply;
    }
    List<ChunkCommand> commands = new ArrayList<>(reply.commands().size());
    for (ChunkCommand c : reply.commands()) {
      commands.add(c.kind() == ChunkCommand.Kind.COPY
          ? c.withToken(issue(c.handle(), ChunkAccess.bits(ChunkAccess.COPY), COPY_USER)) : c);
    }
    return new PulseResponse(commands, keys());
  }
}
