package dev.granary.client.internal;

import dev.granary.client.GranaryException;
import dev.granary.wire.msg.RenewLeaseRequest;
import dev.granary.wire.msg.RenewLeaseResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this client's write lease (GFS §3.1, HDFS's {@code LeaseRenewer}) while any upload is open:
 * the master keeps an upload's uncommitted chunks only while its client's lease is live, so an
 * upload may pause for as long as it likes. Every allocation and commit renews the lease at the
 * master; when the client has sent neither for a renew period, a background thread sends
 * RENEW_LEASE with the handles of every open upload (so a restarted master re-learns them). The
 * period comes from the master's answer (a quarter of its lease timeout); until the first answer
 * it is {@link #INITIAL_PERIOD}. Handles the master answers as released fail their upload.
 *
 * <p>Thread-safe. The thread starts with the first upload that allocates a chunk.
 */
final class LeaseRenewer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);
  /** The renew period before the master has told its own (shorter than any lease it allows). */
  static final Duration INITIAL_PERIOD = Duration.ofMillis(250);
  /** How often the thread checks whether a renewal is due. */
  private static final long CHECK_MILLIS = 50;

  /** An upload holding chunks under this client's lease. */
  public interface Holder {
    /** Handles allocated to the upload and not yet committed. */
    Set<Long> uncommittedHandles();

    /** The master released some of them: the upload cannot commit. */
    void leaseLost(List<Long> released);
  }

  private final MasterClient master;
  private final String clientId;
  private final LongSupplier nanoTime;
  private final Set<Holder> open = ConcurrentHashMap.newKeySet();
  private volatile long periodNanos = INITIAL_PERIOD.toNanos();
  private volatile long lastContactNanos;
  private ScheduledExecutorService thread; // guarded by this
  private boolean closed; // guarded by this

  public LeaseRenewer(MasterClient master, String clientId, LongSupplier nanoTime) {
    this.master = master;
    this.clientId = clientId;
    this.nanoTime = nanoTime;
    this.lastContactNanos = nanoTime.getAsLong();
  }

  /** {@code upload} holds chunks now; renew while it does. Idempotent. */
  public void hold(Holder upload) {
    if (open.add(upload)) {
      startThread();
    }
  }

  /** {@code upload} committed or gave up: it needs the lease no more. */
  public void release(Holder upload) {
    open.remove(upload);
  }

  /**
   * The master heard from this client about its writes at {@code sentNanos} (the request was sent
   * then, an allocation or a commit): that renewed the lease.
   */
  public void contacted(long sentNanos) {
    if (sentNanos - lastContactNanos > 0) {
      lastContactNanos = sentNanos;
    }
  }

  /** The renew period in force (learned from the master). */
  public Duration period() {
    return Duration.ofNanos(periodNanos);
  }

  private synchronized void startThread() {
    if (thread != null || closed) {
      return;
    }
    thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "granary-lease-renewer");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::renewIfDue, CHECK_MILLIS, CHECK_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /** Sends a renewal if an upload is open and the master has not heard from us for a period. */
  void renewIfDue() {
    if (open.isEmpty() || nanoTime.getAsLong() - lastContactNanos < periodNanos) {
      return;
    }
    try {
      renewNow();
    } catch (GranaryException e) {
      log.warn("{}: renewing the write lease with master {} failed: {} (retrying)", clientId,
          master.address(), e.getMessage());
    } catch (Throwable e) { // the top of a periodic task: one that throws is never run again
      log.warn("{}: renewing the write lease failed unexpectedly, continuing", clientId, e);
    }
  }

  /** Renews at once with the handles of every open upload. */
  void renewNow() throws GranaryException {
    List<Holder> holders = new ArrayList<>(open);
    Set<Long> handles = new HashSet<>();
    for (Holder h : holders) {
      handles.addAll(h.uncommittedHandles());
    }
    long sent = nanoTime.getAsLong();
    RenewLeaseResponse r = master.call(new RenewLeaseRequest(clientId, List.copyOf(handles)),
        RenewLeaseResponse.class, "write lease");
    periodNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, r.renewPeriodMillis()));
    contacted(sent);
    if (!r.releasedHandles().isEmpty()) {
      Set<Long> released = new HashSet<>(r.releasedHandles());
      for (Holder h : holders) {
        List<Long> lost = new ArrayList<>();
        for (long handle : h.uncommittedHandles()) {
          if (released.contains(handle)) {
            lost.add(handle);
          }
        }
        if (!lost.isEmpty()) {
          h.leaseLost(lost);
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (thread != null) {
      thread.shutdownNow();
    }
  }
}
