package dev.granary.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import dev.granary.client.DeniedException;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.Identity;
import dev.granary.config.ClientConfig;
import dev.granary.config.Credentials;
import dev.granary.http.HttpError;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Granary client per caller's token, authenticated as whoever the token belongs to (an empty
 * user in AUTHENTICATE), cached so a caller's requests share connections: at most {@code
 * maxClients}, each dropped after {@code idle} unused. A client is closed when it was dropped and
 * no request still holds it. A token the master refuses is never cached. Without security there is
 * one client (every caller is the superuser).
 */
final class Callers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Callers.class);
  /** The cache key of the one client of a cluster without security. */
  private static final String NO_TOKEN = "";

  private final Supplier<Upstream> upstream;
  private final Duration timeout;
  private final Cache<String, Caller> clients;

  /**
   * @param timeout how long a client retries a master that does not answer
   */
  Callers(Supplier<Upstream> upstream, int maxClients, Duration idle, Duration timeout) {
    this.upstream = upstream;
    this.timeout = timeout;
    this.clients = Caffeine.newBuilder()
        .maximumSize(maxClients)
        .expireAfterAccess(idle)
        // Idle clients are closed on time even when no request comes to trigger the cleanup.
        .scheduler(Scheduler.systemScheduler())
        .executor(Runnable::run)
        .removalListener((String token, Caller c, RemovalCause cause) -> {
          if (c != null) {
            c.drop();
          }
        })
        .build();
  }

  /** One caller's client while a request uses it. */
  static final class Caller {
    private final GranaryClient client;
    private final Identity identity;
    private final String key;
    private int users;
    private boolean dropped;
    private boolean closed;

    Caller(String key, GranaryClient client, Identity identity) {
      this.key = key;
      this.client = client;
      this.identity = identity;
    }

    GranaryClient client() {
      return client;
    }

    Identity identity() {
      return identity;
    }

    private synchronized boolean acquire() {
      if (closed) {
        return false;
      }
      users++;
      return true;
    }

    synchronized void release() {
      users--;
      closeIfUnused();
    }

    private synchronized void drop() {
      dropped = true;
      closeIfUnused();
    }

    private void closeIfUnused() {
      if (dropped && users == 0 && !closed) {
        closed = true;
        client.close();
      }
    }
  }

  /** Whether requests must carry a token. */
  boolean secured() {
    return upstream.get().secured();
  }

  /**
   * The caller holding {@code token} (null without security), authenticated; release it when the
   * request is done.
   *
   * @throws HttpError 401 if the master refuses the token
   * @throws GranaryException if the master cannot be asked (unavailable)
   */
  Caller acquire(String token) throws GranaryException {
    String key = token == null ? NO_TOKEN : token;
    while (true) {
      Caller c;
      try {
        c = clients.get(key, this::connect);
      } catch (CompletionException e) {
        throw (GranaryException) e.getCause();
      }
      if (c.acquire()) {
        return c;
      }
      // Dropped and closed between the lookup and now: the cache no longer holds it; ask again.
    }
  }

  /**
   * Whether a denial {@code c} got means its token is no longer valid (revoked since it was
   * cached) rather than that its user may not: asked of the master. A token no longer valid is
   * dropped.
   */
  boolean stillValid(Caller c) {
    try {
      c.client().whoAmI();
      return true;
    } catch (DeniedException e) {
      clients.asMap().remove(c.key, c);
      return false;
    } catch (GranaryException e) {
      return true; // the master is unreachable now; the denial stands as it was given
    }
  }

  private Caller connect(String key) {
    Upstream up = upstream.get();
    ClientConfig config = new ClientConfig(up.master(), 0, 2, timeout);
    Credentials credentials = key.isEmpty() ? null : new Credentials("", key, up.caCert());
    GranaryClient client = GranaryClient.open(config, credentials);
    try {
      Identity who = client.whoAmI();
      log.debug("{}: REST client for {} opened", up.nodeId(), who.user());
      return new Caller(key, client, who);
    } catch (DeniedException e) {
      client.close();
      throw Failures.unauthorized("the Bearer token is not valid (unknown or revoked)", true);
    } catch (GranaryException e) {
      client.close();
      throw new CompletionException(e);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** Closes every client (requests still running fail). */
  @Override
  public void close() {
    clients.invalidateAll();
    clients.cleanUp();
  }
}
