package dev.granary.client.internal;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.DeniedException;
import dev.granary.client.GranaryException;
import dev.granary.client.IntegrityException;
import dev.granary.client.InternalException;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.InvalidArgumentException.Kind;
import dev.granary.client.NotFoundException;
import dev.granary.client.UnavailableException;
import dev.granary.wire.Status;
import dev.granary.wire.net.ConnectionClosedException;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.security.TokenCheck;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one place where wire statuses and transport failures become typed client exceptions, and
 * where the client decides which failures are transient (worth a retry inside the timeout).
 */
final class Errors {
  /** Statuses a retry (after backoff, possibly elsewhere) may cure. */
  private static final Set<Status> TRANSIENT = EnumSet.of(Status.UNAVAILABLE,
      Status.LOCATIONS_INCOMPLETE, Status.BUSY, Status.NO_SPACE, Status.PIPELINE_FAILED,
      Status.STALE_VERSION, Status.NO_SUCH_REPLICA);

  private Errors() {}

  /**
   * The exception for an ERROR reply. {@code message} is the server's one-line message; if it is
   * empty, {@code subject} and the status name make one.
   */
  public static GranaryException fromStatus(Status status, String message, String subject,
      Throwable cause) {
    String m = message == null || message.isBlank()
        ? subject + ": " + status.name().toLowerCase().replace('_', ' ')
        : message;
    return switch (status) {
      case NOT_FOUND -> new NotFoundException(m, cause);
      case ALREADY_EXISTS -> new AlreadyExistsException(m, cause);
      case INTEGRITY -> new IntegrityException(m, cause);
      case DENIED, TOKEN_INVALID -> new DeniedException(m, cause);
      case INVALID_ARGUMENT, WRONG_CLUSTER -> new InvalidArgumentException(Kind.INVALID, m, cause);
      case NOT_EMPTY -> new InvalidArgumentException(Kind.NOT_EMPTY, m, cause);
      case NOT_A_DIRECTORY -> new InvalidArgumentException(Kind.NOT_A_DIRECTORY, m, cause);
      case IS_A_DIRECTORY -> new InvalidArgumentException(Kind.IS_A_DIRECTORY, m, cause);
      case TOO_LARGE -> new InvalidArgumentException(Kind.TOO_LARGE, m, cause);
      case UNAVAILABLE, NO_SPACE, STALE_VERSION, NO_SUCH_REPLICA, PIPELINE_FAILED, PROTOCOL, BUSY,
          NOT_REGISTERED, LOCATIONS_INCOMPLETE, READ_ONLY, LEASE_EXPIRED
          -> new UnavailableException(m, cause);
      case CHUNK_GONE -> new ChunkGoneException(m, cause);
      case OK, INTERNAL -> new InternalException(m, cause);
    };
  }

  /** Strips the wrappers that futures put around a failure. */
  public static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Whether a retry (after backoff) may cure {@code t}. */
  public static boolean isTransient(Throwable t) {
    t = unwrap(t);
    if (t instanceof RemoteException r) {
      return TRANSIENT.contains(r.status()) || isRetryableToken(r);
    }
    return isConnectionFailure(t);
  }

  /**
   * Whether {@code r} refused a chunk token for a reason a fresh token cures (it expired, its key
   * is unknown because the master restarted, the chunkserver has no keys yet): the caller fetches
   * new locations or a new allocation from the master and tries again.
   */
  static boolean isRetryableToken(RemoteException r) {
    if (r.status() != Status.TOKEN_INVALID) {
      return false;
    }
    TokenCheck.Reason reason = TokenCheck.Reason.fromCode(r.detail());
    return reason != null && reason.retryable();
  }

  /** Whether {@code t} is a chunk token refusal that no fresh token cures (DeniedException). */
  public static boolean isDeniedToken(Throwable t) {
    return unwrap(t) instanceof RemoteException r && r.status() == Status.TOKEN_INVALID
        && !isRetryableToken(r);
  }

  /** A failure to reach the peer or to keep the connection: refused, closed, reset, timed out. */
  public static boolean isConnectionFailure(Throwable t) {
    t = unwrap(t);
    return t instanceof ConnectionClosedException || t instanceof TimeoutException
        || t instanceof SocketException || t instanceof ClosedChannelException;
  }

  /** The status of a remote failure, or null if {@code t} is not one. */
  public static Status statusOf(Throwable t) {
    return unwrap(t) instanceof RemoteException r ? r.status() : null;
  }

  /**
   * Maps any failure of a request about {@code subject} to a client exception: a remote status by
   * {@link #fromStatus}, a transport failure to {@link UnavailableException}, anything else to
   * {@link InternalException}.
   */
  public static GranaryException map(Throwable t, String subject) {
    t = unwrap(t);
    if (t instanceof GranaryException g) {
      return g;
    }
    if (t instanceof RemoteException r) {
      return fromStatus(r.status(), r.getMessage(), subject, r);
    }
    if (isConnectionFailure(t)) {
      return new UnavailableException(subject + ": " + describe(t), t);
    }
    return new InternalException(subject + ": unexpected " + describe(t), t);
  }

  /** A short lowercase description of a transport failure, e.g. {@code connection refused}. */
  public static String describe(Throwable t) {
    t = unwrap(t);
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TimeoutException || c instanceof io.netty.channel.ConnectTimeoutException) {
        return "timed out";
      }
      if (c instanceof ConnectException) {
        return "connection refused";
      }
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
