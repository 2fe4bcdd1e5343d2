package dev.granary.chunkserver.net;

import dev.granary.chunkserver.storage.CorruptReplicaException;
import dev.granary.chunkserver.storage.ReplicaMeta;
import dev.granary.chunkserver.storage.ReplicaStore;
import dev.granary.chunkserver.storage.StoreException;
import dev.granary.chunkserver.storage.Throttle;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.net.RemoteException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the master's commands off the event loop and reports each outcome:
 *
 * <ul>
 *   <li>DELETE: removes the replica if its version is at most the command's (ok if already gone);
 *       the removal goes into the next incremental report.
 *   <li>COPY: streams the locally verified replica to the target ({@link ReplicaCopier}). Copies
 *       run on their own threads, as many at once as the {@link RepairPacer} allows (fewer, and
 *       capped in bytes per second, while clients use this node), so that a batch of copies
 *       never holds up deletions and verifications.
 *   <li>VERIFY: checks every block now; ok means it passed. A corrupt replica is quarantined and
 *       reported as bad, and the result is not ok.
 * </ul>
 *
 * A command already running (same kind and handle, as a master may repeat it in later pulses) is
 * not started twice. A command that fails with anything unexpected (any throwable) is logged and
 * reported failed, and the runner carries on with the next.
 */
public final class CommandRunner {
  private static final Logger log = LoggerFactory.getLogger(CommandRunner.class);

  /** Where outcomes go (the master session). */
  public interface Results {
    void commandDone(ChunkCommand command, boolean ok, String message);
  }

  private final String nodeId;
  private final ReplicaStore store;
  private final ReplicaReporter reporter;
  private final ReplicaCopier copier;
  private final TransferSlots slots;
  private final ExecutorService executor;
  private final ExecutorService copyExecutor;
  private final RepairPacer pacer;
  private final Results results;
  private final Set<ChunkCommand> running = ConcurrentHashMap.newKeySet();

  CommandRunner(String nodeId, ReplicaStore store, ReplicaReporter reporter, ReplicaCopier copier,
      TransferSlots slots, ExecutorService executor, ExecutorService copyExecutor,
      RepairPacer pacer, Results results) {
    this.nodeId = nodeId;
    this.store = store;
    this.reporter = reporter;
    this.copier = copier;
    this.slots = slots;
    this.executor = executor;
    this.copyExecutor = copyExecutor;
    this.pacer = pacer;
    this.results = results;
  }

  /**
   * Creates a runner for this node's services: copies stream over the services' shared
   * connections to other chunkservers and give up after the services' progress timeout; copies
   * run on {@code copyExecutor} (which should have {@link RepairPacer#IDLE_COPIES} threads),
   * other commands on {@code executor}.
   */
  public static CommandRunner create(ChunkServices svc, ExecutorService executor,
      ExecutorService copyExecutor, Results results) {
    ReplicaCopier copier = new ReplicaCopier(svc.nodeId(), svc.store(), svc.downstreams(),
        svc.progressTimeout());
    return new CommandRunner(svc.nodeId(), svc.store(), svc.reporter(), copier, svc.slots(),
        executor, copyExecutor, svc.pacer(), results);
  }

  /** Queues a command; returns at once. */
  public void submit(ChunkCommand command) {
    if (!running.add(command)) {
      return;
    }
    try {
      (command.kind() == ChunkCommand.Kind.COPY ? copyExecutor : executor).execute(() -> {
        try {
          run(command);
        } catch (Throwable t) {
          unexpected(command, t);
        } finally {
          running.remove(command);
        }
      });
    } catch (RejectedExecutionException e) {
      running.remove(command); // shutting down
    }
  }

  /** The top of a command's task: one line, a failed result for the master, and carry on. */
  private void unexpected(ChunkCommand command, Throwable t) {
    log.error("{}: {} {} failed, continuing: {}", nodeId, command.kind(),
        ChunkHandles.format(command.handle()), t.toString(), t);
    try {
      results.commandDone(command, false, nodeId + ": " + t);
    } catch (Throwable again) {
      // Shutting down, or the session cannot take it: the master's copy timeout covers it.
      log.debug("{}: result of {} not reported: {}", nodeId, command, again.toString());
    }
  }

  void run(ChunkCommand command) {
    String name = ChunkHandles.format(command.handle());
    boolean ok;
    String message;
    try {
      switch (command.kind()) {
        case DELETE -> {
          ReplicaMeta gone = store.delete(command.handle(), command.version());
          if (gone != null) {
            reporter.removed(command.handle());
          }
          ok = true;
          message = gone == null ? "replica " + name + " was not stored" : "deleted " + name;
        }
        case VERIFY -> {
          ReplicaMeta r = store.verify(command.handle(), Throttle.NONE);
          ok = r.version() == command.version();
          message = ok ? "replica " + name + " verified" : "replica " + name + " is at version "
              + r.version() + ", not " + command.version();
        }
        case COPY -> {
          if (!slots.tryAcquire()) {
            ok = false;
            message = nodeId + " is busy: " + slots.max() + " transfers in progress";
            break;
          }
          try {
            long queued = System.nanoTime();
            pacer.begin();
            try {
              long started = System.nanoTime();
              WriteDone d = copier.copy(command.handle(), command.version(), command.target(),
                  command.token(), pacer.throttle());
              ok = true;
              // How long it took and how long it waited for the pacer: what a slow repair's
              // operator needs to tell a busy node from a slow path.
              message = "copied " + name + " (" + d.length() + " bytes) to " + command.target()
                  + " in " + (System.nanoTime() - started) / 1_000_000 + " ms (after "
                  + (started - queued) / 1_000_000 + " ms waiting for the repair pacer)";
            } finally {
              pacer.end();
            }
          } finally {
            slots.release();
          }
        }
        default -> throw new IllegalStateException("unknown command " + command.kind());
      }
    } catch (CorruptReplicaException e) {
      ReplicaMeta q = store.quarantine(command.handle(), command.kind() + ": " + e.getMessage());
      if (q != null) {
        reporter.quarantined(q, e.getMessage());
      }
      ok = false;
      message = e.getMessage();
    } catch (StoreException | RemoteException | IOException e) {
      ok = false;
      message = e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (ok && command.kind() == ChunkCommand.Kind.DELETE) {
      // Routine garbage collection: the master logs why; one line per replica would flood.
      log.debug("{}: {} {}: {}", nodeId, command.kind(), name, message);
    } else if (ok) {
      log.info("{}: {} {}: {}", nodeId, command.kind(), name, message);
    } else {
      log.warn("{}: {} {} failed: {}", nodeId, command.kind(), name, message);
    }
    results.commandDone(command, ok, message);
  }
}
