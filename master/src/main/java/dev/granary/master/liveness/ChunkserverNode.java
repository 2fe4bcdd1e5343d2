package dev.granary.master.liveness;

import dev.granary.master.placement.NodeView;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.NodeAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One chunkserver: identity, address (the host observed on its connection), space, last pulse,
 * the commands waiting for its next pulse, the progress of its full replica report, and of its
 * decommissioning if an operator asked for it. Soft state, rebuilt from registration (the
 * decommission intent itself is persisted in {@link Decommissions}). Guarded by the master's
 * metadata lock.
 */
public final class ChunkserverNode {
  private final String id;
  private final int ordinal;
  private String host;
  private int port;
  private long capacity;
  private long used;
  private long free;
  private long lastPulseMillis;
  private boolean live = true;
  /** Non-null while an operator is taking this node out of service. */
  private DecommissionProgress decommission;
  private final ArrayDeque<ChunkCommand> commands = new ArrayDeque<>();
  /** Rung (once) when a command is queued or the node's state changes; see {@link #awaitCommands}. */
  private Runnable commandsWaiter;
  private int copiesInFlight;
  private long copyBytesInFlight;
  private long chunks;
  private Traffic traffic = Traffic.NONE;
  private boolean fullReportDone;
  private Set<Long> fullReportHandles;

  ChunkserverNode(String id, int ordinal) {
    this.id = id;
    this.ordinal = ordinal;
  }

  public String id() {
    return id;
  }

  /** A small dense number for this node, used in replica location arrays. */
  public int ordinal() {
    return ordinal;
  }

  public NodeAddress address() {
    return new NodeAddress(id, host, port);
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** Pulsing within {@code deadAfter}: its replicas are locations (decommissioning or not). */
  public boolean isLive() {
    return live;
  }

  /**
   * Live and not being decommissioned: its replicas count toward their chunk's goal and it may
   * receive new ones.
   */
  public boolean inService() {
    return live && decommission == null;
  }

  /** Whether an operator is taking this node out of service (DECOMMISSIONING or -ED). */
  public boolean decommissioning() {
    return decommission != null;
  }

  /** The decommission's progress, or null if the node is in service. */
  public DecommissionProgress decommission() {
    return decommission;
  }

  /** The state shown to operators (see {@link NodeState}). */
  public NodeState state() {
    if (decommission != null && decommission.done()) {
      return NodeState.DECOMMISSIONED;
    }
    if (!live) {
      return NodeState.DEAD;
    }
    return decommission != null ? NodeState.DECOMMISSIONING : NodeState.LIVE;
  }

  public long lastPulseMillis() {
    return lastPulseMillis;
  }

  public long capacity() {
    return capacity;
  }

  public long used() {
    return used;
  }

  public long free() {
    return free;
  }

  public NodeView view() {
    return new NodeView(id, isLive(), free, used, capacity, decommissioning());
  }

  void registered(String host, int port, long capacity, long used, long free, long now) {
    this.host = host;
    this.port = port;
    this.live = true;
    if (decommission != null) {
      decommission.registered();
    }
    this.lastPulseMillis = now;
    this.commands.clear();
    ringWaiter();
    this.copiesInFlight = 0;
    this.copyBytesInFlight = 0;
    this.fullReportDone = false;
    this.fullReportHandles = null;
    space(capacity, used, free);
  }

  /** Records a pulse. */
  public void pulsed(long capacity, long used, long free, long now) {
    space(capacity, used, free);
    lastPulseMillis = now;
  }

  /** Records the traffic counters of a pulse. */
  public void counted(Traffic traffic) {
    this.traffic = traffic;
  }

  /** The traffic counters of the last pulse ({@link Traffic#NONE} before one). */
  public Traffic traffic() {
    return traffic;
  }

  private void space(long capacity, long used, long free) {
    this.capacity = capacity;
    this.used = used;
    this.free = free;
  }

  void markDead() {
    live = false;
    commands.clear();
    ringWaiter();
    copiesInFlight = 0;
    copyBytesInFlight = 0;
    fullReportHandles = null;
  }

  /**
   * Starts taking this node out of service (nothing if it already is); {@code awaitedWrites} and
   * {@code awaitUntil}: see {@link DecommissionProgress}.
   */
  public void startDecommission(long sinceMillis, Set<Long> awaitedWrites, long awaitUntil) {
    if (decommission == null) {
      decommission = new DecommissionProgress(sinceMillis, awaitedWrites, awaitUntil);
    }
  }

  /** Puts this node back in service. */
  public void recommission() {
    decommission = null;
  }

  /** Takes a little space for a replica placed here, so one pulse's worth of placements spread. */
  public void reserve(long bytes) {
    free = Math.max(0, free - bytes);
    used += bytes;
  }

  public void enqueue(ChunkCommand command) {
    commands.add(command);
    ringWaiter();
  }

  /**
   * Sets what to run when the next command is queued for this node (or it registers again or is
   * declared dead): a long-polling chunkserver's request, answered then. At most one waits; the
   * one it replaces is rung now, so that its request is answered too. {@code ring} runs under the
   * metadata lock and must only hand the answer to another thread.
   */
  public void awaitCommands(Runnable ring) {
    Runnable previous = commandsWaiter;
    commandsWaiter = ring;
    if (previous != null) {
      previous.run();
    }
  }

  /** Forgets {@code ring} if it is still the waiter (its request was answered another way). */
  public void stopAwaiting(Runnable ring) {
    if (commandsWaiter == ring) {
      commandsWaiter = null;
    }
  }

  private void ringWaiter() {
    Runnable w = commandsWaiter;
    if (w != null) {
      commandsWaiter = null;
      w.run();
    }
  }

  /** Removes and returns up to {@code max} queued commands. */
  public List<ChunkCommand> drainCommands(int max) {
    List<ChunkCommand> out = new ArrayList<>(Math.min(max, commands.size()));
    while (out.size() < max && !commands.isEmpty()) {
      out.add(commands.poll());
    }
    return out;
  }

  public int queuedCommands() {
    return commands.size();
  }

  public int copiesInFlight() {
    return copiesInFlight;
  }

  /** Bytes of the copies this node takes part in (as source or target) now. */
  public long copyBytesInFlight() {
    return copyBytesInFlight;
  }

  /** A copy of {@code bytes} to or from this node was handed out. */
  public void copyStarted(long bytes) {
    copiesInFlight++;
    copyBytesInFlight += bytes;
  }

  /** A copy of {@code bytes} ended (done, failed or abandoned). */
  public void copyEnded(long bytes) {
    copiesInFlight = Math.max(0, copiesInFlight - 1);
    copyBytesInFlight = Math.max(0, copyBytesInFlight - bytes);
  }

  public long chunks() {
    return chunks;
  }

  public void chunkAdded() {
    chunks++;
  }

  public void chunkRemoved() {
    chunks = Math.max(0, chunks - 1);
  }

  public boolean fullReportDone() {
    return fullReportDone;
  }

  /** Starts collecting a full report (part 0). */
  public void beginFullReport() {
    fullReportHandles = new HashSet<>();
  }

  /** Handles seen so far in the full report being received, or null if none is in progress. */
  public Set<Long> fullReportHandles() {
    return fullReportHandles;
  }

  public void endFullReport() {
    fullReportHandles = null;
    fullReportDone = true;
  }

  @Override
  public String toString() {
    return id + "@" + host + ":" + port + "(" + state() + ")";
  }
}
