package dev.granary.client.internal;

import dev.granary.client.GranaryException;
import dev.granary.client.InternalException;
import dev.granary.client.UnavailableException;
import dev.granary.config.HostPort;
import dev.granary.wire.Status;
import dev.granary.wire.msg.Message;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unary requests to the master with retries. A transient failure (connection refused or lost, no
 * answer, {@code UNAVAILABLE}, {@code BUSY}, ...) is retried with backoff until the client timeout
 * has elapsed; every retry resends the <em>same</em> message, so a mutation keeps its
 * (clientId, opId) and the master's retry cache answers it as it answered the original.
 *
 * <p>Fail-fast rule: if this client has <em>never</em> reached the master and its dial attempts
 * have kept failing for {@code neverReachedGrace} (about 3 s), the request fails then with
 * {@link UnavailableException} instead of waiting out the whole timeout. A master that was reachable
 * before (restarting) gets the full timeout. This keeps "master down" prompt for one-shot commands.
 */
final class MasterClient {
  private static final Logger log = LoggerFactory.getLogger(MasterClient.class);

  private final HostPort master;
  private final ConnectionPool pool;
  private final DirectPool direct;
  private final RetryPolicy retry;
  private final String clientId;
  private final AtomicBoolean everReached = new AtomicBoolean();

  /**
   * @param pool for requests sent without waiting ({@link #fireAndForget})
   * @param direct for requests the caller waits for
   */
  public MasterClient(HostPort master, ConnectionPool pool, DirectPool direct, RetryPolicy retry,
      String clientId) {
    this.master = master;
    this.pool = pool;
    this.direct = direct;
    this.retry = retry;
    this.clientId = clientId;
  }

  public String address() {
    return master.toString();
  }

  /**
   * Sends {@code request} and returns the reply, retrying transient failures.
   *
   * @param subject what the request is about, for messages (usually the path)
   * @throws GranaryException the mapped status of a non-transient reply, or
   *     {@link UnavailableException} once retries are exhausted
   */
  public Message call(Message request, String subject) throws GranaryException {
    return call(request, subject, Set.of());
  }

  /**
   * Like {@link #call(Message, String)}, but the statuses in {@code giveUpOn} end the call at once
   * (mapped to their exception) even where they are transient.
   */
  public Message call(Message request, String subject, Set<Status> giveUpOn)
      throws GranaryException {
    RetryPolicy.Attempts attempts = retry.start();
    while (true) {
      Throwable failure;
      boolean[] connected = new boolean[1];
      try {
        // On the caller's thread over a blocking connection: no event-loop hand-off either way.
        return direct.exchange(master.host(), master.port(), attempts.remaining(), c -> {
          connected[0] = true;
          everReached.set(true);
          return c.call(request, attempts.remaining().toNanos());
        });
      } catch (Exception e) {
        failure = Errors.unwrap(e);
      }
      boolean dialFailed = !connected[0];
      Status status = Errors.statusOf(failure);
      if (!Errors.isTransient(failure) || (status != null && giveUpOn.contains(status))) {
        throw Errors.map(failure, subject);
      }
      log.debug("{}: {} to master {} failed (attempt {}): {}", clientId, request.type(), master,
          attempts.failures() + 1, Errors.describe(failure));
      if (dialFailed && !everReached.get()
          && attempts.elapsedNanos() >= retry.neverReachedGrace().toNanos()) {
        throw unreachable(failure);
      }
      boolean more;
      try {
        more = attempts.backoff();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException(subject + ": interrupted", e);
      }
      if (!more) {
        if (dialFailed) {
          throw unreachable(failure);
        }
        GranaryException mapped = Errors.map(failure, subject);
        throw mapped instanceof UnavailableException ? mapped
            : new UnavailableException(mapped.getMessage(), failure);
      }
    }
  }

  /** Like {@link #call} but checks the reply type. */
  public <T extends Message> T call(Message request, Class<T> replyType, String subject)
      throws GranaryException {
    return call(request, replyType, subject, Set.of());
  }

  /** Like {@link #call(Message, String, Set)} but checks the reply type. */
  public <T extends Message> T call(Message request, Class<T> replyType, String subject,
      Set<Status> giveUpOn) throws GranaryException {
    Message reply = call(request, subject, giveUpOn);
    if (!replyType.isInstance(reply)) {
      throw new InternalException(subject + ": master answered " + request.type() + " with "
          + reply.type());
    }
    return replyType.cast(reply);
  }

  /** Sends without waiting for the answer (for reports whose outcome changes nothing here). */
  public void fireAndForget(Message request) {
    pool.getAsync(master.host(), master.port())
        .thenCompose(c -> c.call(request, retry.timeout()))
        .whenComplete((r, e) -> {
          if (e != null) {
            log.debug("{}: {} to master {} failed: {}", clientId, request.type(), master,
                Errors.describe(e));
          }
        });
  }

  private UnavailableException unreachable(Throwable cause) {
    return new UnavailableException("master " + master + " unreachable: "
        + Errors.describe(cause), cause);
  }

}
