package dev.granary.chunkserver.net;

import dev.granary.chunkserver.metrics.NodeCounters;
import dev.granary.chunkserver.storage.ReplicaMeta;
import dev.granary.chunkserver.storage.ReplicaStore;
import dev.granary.config.HostPort;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.AwaitCommandsRequest;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.CommandResultRequest;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.PulseRequest;
import dev.granary.wire.msg.PulseResponse;
import dev.granary.wire.msg.RegisterRequest;
import dev.granary.wire.msg.RegisterResponse;
import dev.granary.wire.msg.ReplicaInfo;
import dev.granary.wire.msg.ReplicaReportRequest;
import dev.granary.wire.msg.ReportBadReplicaRequest;
import dev.granary.wire.net.Connection;
import dev.granary.wire.net.RemoteException;
import dev.granary.wire.net.Transports;
import dev.granary.wire.security.TokenKeys;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This chunkserver's session with the master (GFS section 4.1 "HeartBeat messages").
 *
 * <p>States: DISCONNECTED -> (connect) -> REGISTERING -> (register, full replica report in parts of
 * at most {@link #REPORT_PART} replicas) -> REGISTERED, pulsing every interval the master asked for
 * and handing pulse commands to the {@link CommandRunner}. A lost connection or a failed call drops
 * back to DISCONNECTED and reconnects with {@link Backoff}; ERROR NOT_REGISTERED to a pulse (the
 * master restarted) re-registers on the same connection. One log line per state change.
 *
 * <p>Replica changes are queued and sent as incremental reports, only while registered: a new
 * replica at once (the writer's commit waits at the master for these reports, which it sends
 * before its WRITE_DONE), removals within {@link #BATCH_MILLIS}; changes queued meanwhile go in
 * the same report. Before a full report the queue is emptied first and the store snapshot taken
 * second, so every change is in the snapshot or in a later incremental report (maybe both: the
 * master treats reports as idempotent). All session state lives on one event loop.
 *
 * <p>Every task the session runs on its loop is guarded ({@link #guarded}): a throwable (a disk
 * whose free space cannot be read, a command the runner cannot take) is logged with what was being
 * done, and the session carries on; a failed pulse is scheduled again, a failed registration
 * reconnects.
 */
public final class MasterSession implements ReplicaReporter, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MasterSession.class);
  static final int REPORT_PART = 20_000;
  static final long BATCH_MILLIS = 50;
  /** How long the master may hold a request for commands (below the RPC timeout). */
  static final int AWAIT_MILLIS = 5_000;

  private final String nodeId;
  private final String software;
  private final HostPort master;
  private final ClusterMembership membership;
  private final IntSupplier port;
  private final ReplicaStore store;
  private final TransferSlots slots;
  private final EventLoop loop;
  private final Duration rpcTimeout;
  private final SslContext tls;
  private final NodeCounters counters;
  private final Bootstrap bootstrap;
  private final Backoff backoff = new Backoff();
  private final Object pendingLock = new Object();
  // handle -> the added replica, or null for a removal; guarded by pendingLock.
  private final LinkedHashMap<Long, ReplicaInfo> pending = new LinkedHashMap<>();
  private boolean flushScheduled; // guarded by pendingLock
  private boolean flushImmediate; // guarded by pendingLock
  private Consumer<ChunkCommand> commandSink = c -> {};
  private Consumer<TokenKeys> tokenSink = k -> {};
  private Connection conn;
  private volatile boolean registered;
  private boolean everConnected;
  private boolean downLogged;
  /** Whether the master's refusal (DENIED: TLS, certificate) was logged since the last register. */
  private boolean refusalLogged;
  private boolean wrongClusterLogged;
  private long pulseMillis = 1000;
  /** Which registration the running long poll belongs to; a poll of an older one stops. */
  private long pollGeneration;
  /** False once the master said it does not serve AWAIT_COMMANDS (an older master). */
  private boolean masterLongPolls = true;
  private ScheduledFuture<?> pulseTask;
  private volatile boolean closed;

  /**
   * @param port the port this chunkserver serves on, announced at registration (asked when
   *     registering, so the session may be built before the server socket is bound)
   * @param loop the event loop that runs the session (and its connection)
   */
  public MasterSession(String nodeId, String software, HostPort master,
      ClusterMembership membership, IntSupplier port, ReplicaStore store, TransferSlots slots,
      EventLoop loop, Duration rpcTimeout) {
    this(nodeId, software, master, membership, port, store, slots, loop, rpcTimeout, null);
  }

  /** @param tls this node's TLS client context (it presents its certificate), or null */
  public MasterSession(String nodeId, String software, HostPort master,
      ClusterMembership membership, IntSupplier port, ReplicaStore store, TransferSlots slots,
      EventLoop loop, Duration rpcTimeout, SslContext tls) {
    this(nodeId, software, master, membership, port, store, slots, loop, rpcTimeout, tls,
        new NodeCounters());
  }

  /**
   * @param counters the node's traffic counters, sent with every pulse; replicas reported
   *     corrupt or vanished through this session are counted there
   */
  public MasterSession(String nodeId, String software, HostPort master,
      ClusterMembership membership, IntSupplier port, ReplicaStore store, TransferSlots slots,
      EventLoop loop, Duration rpcTimeout, SslContext tls, NodeCounters counters) {
    this.tls = tls;
    this.counters = counters;
    this.nodeId = nodeId;
    this.membership = membership;
    this.software = software;
    this.master = master;
    this.port = port;
    this.store = store;
    this.slots = slots;
    this.loop = loop;
    this.rpcTimeout = rpcTimeout;
    this.bootstrap = Transports.clientBootstrap(loop, rpcTimeout);
  }

  /** Where pulse commands go; set before {@link #start()}. */
  public void onCommands(Consumer<ChunkCommand> sink) {
    this.commandSink = sink;
  }

  /** Where the chunk token keys of register and pulse replies go; set before {@link #start()}. */
  public void onTokenKeys(Consumer<TokenKeys> sink) {
    this.tokenSink = sink;
  }

  /** Starts connecting in the background; never blocks on the master being up. */
  public void start() {
    loop.execute(guarded("connecting to the master", this::connect));
  }

  /** {@code task} for the session's loop: any throwable is logged (naming {@code what}), not lost. */
  private Runnable guarded(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        log.error("{}: {} failed, continuing: {}", nodeId, what, t.toString(), t);
      }
    };
  }

  /** True while registered with a master (for tests and status). */
  public boolean isRegistered() {
    return registered;
  }

  private void connect() {
    if (closed) {
      return;
    }
    try {
      Connection.connect(bootstrap, master.host(), master.port(), Role.CHUNKSERVER, nodeId,
          software, rpcTimeout, tls).whenComplete((c, e) -> loop.execute(
              guarded("handling the connection to the master", () -> connected(c, e))));
    } catch (Throwable t) {
      log.error("{}: connecting to master {} failed, continuing: {}", nodeId, master,
          t.toString(), t);
      scheduleReconnect();
    }
  }

  private void connected(Connection c, Throwable e) {
    if (e != null) {
      if (!refusalLogged && e instanceof RemoteException r && r.status() == Status.DENIED) {
        // Not a network fault: a person must act (join with a token, start the right master).
        // Logged once until this chunkserver registers again, whatever was logged before it.
        refusalLogged = true;
        downLogged = true;
        log.error("{}: cannot register with master {}: {}; retrying with backoff", nodeId,
            master, r.getMessage());
      } else if (!downLogged) {
        downLogged = true;
        log.warn("{}: master {} unreachable ({}); retrying with backoff", nodeId, master,
            describe(e));
      } else {
        log.debug("{}: master {} still unreachable: {}", nodeId, master, describe(e));
      }
      scheduleReconnect();
      return;
    }
    if (closed) {
      c.close();
      return;
    }
    conn = c;
    c.channel().closeFuture().addListener(f -> loop.execute(
        guarded("handling the loss of the master connection", () -> disconnected(c))));
    register(c);
  }

  private void register(Connection c) {
    ReplicaStore.Space s;
    try {
      s = store.space();
    } catch (Throwable t) {
      // Closing reconnects with backoff, and registration is tried again then.
      log.error("{}: registering with master {} failed, continuing: {}", nodeId, master,
          t.toString(), t);
      c.close();
      return;
    }
    call(c, new RegisterRequest(nodeId, port.getAsInt(), s.capacityBytes(), s.usedBytes(),
        s.freeBytes(), membership.clusterId()), reply -> {
          if (!(reply instanceof RegisterResponse r)) {
            log.warn("{}: master {} answered REGISTER with {}", nodeId, master, reply.type());
            c.close();
            return;
          }
          if (!joined(r)) {
            c.close();
            return;
          }
          wrongClusterLogged = false;
          tokenSink.accept(r.tokens());
          pulseMillis = Math.max(10, r.pulseIntervalMillis());
          sendFullReport(c, () -> {
            registered = true;
            downLogged = false;
            refusalLogged = false;
            backoff.reset();
            log.info("{}: {} with master {} ({}) as {}:{}; pulse every {} ms", nodeId,
                everConnected ? "re-registered" : "registered", r.masterId(), master,
                r.observedHost(), port.getAsInt(), pulseMillis);
            everConnected = true;
            schedulePulse(c);
            scheduleFlush();
            masterLongPolls = true;
            awaitCommands(c, ++pollGeneration);
          });
        });
  }

  /**
   * Whether the master that accepted this node is of this node's cluster; a node that never
   * joined one joins the master's now, durably, before it reports a replica.
   */
  private boolean joined(RegisterResponse r) {
    String before = membership.clusterId();
    try {
      if (membership.join(r.clusterId())) {
        if (before.isEmpty()) {
          log.info("{}: joined cluster {} (kept in the data dir)", nodeId, r.clusterId());
        }
        return true;
      }
    } catch (java.io.IOException e) {
      log.error("{}: cannot keep cluster id {} in the data dir ({}); not reporting replicas, "
          + "retrying", nodeId, r.clusterId(), describe(e));
      downLogged = true;
      return false;
    }
    wrongCluster("master " + r.masterId() + " at " + master + " serves cluster "
        + (r.clusterId().isEmpty() ? "(none)" : r.clusterId()) + ", this chunkserver belongs to "
        + "cluster " + before + ": not joining it, replicas untouched; retrying");
    return false;
  }

  /** One ERROR line per refusal streak, then quiet retries with backoff. */
  private void wrongCluster(String line) {
    downLogged = true;
    if (!wrongClusterLogged) {
      wrongClusterLogged = true;
      log.error("{}: {}", nodeId, line);
    } else {
      log.debug("{}: {}", nodeId, line);
    }
  }

  private void sendFullReport(Connection c, Runnable done) {
    synchronized (pendingLock) {
      pending.clear();
    }
    List<ReplicaInfo> all = new ArrayList<>();
    for (ReplicaMeta m : store.replicas()) {
      all.add(m.toInfo());
    }
    int parts = Math.max(1, (all.size() + REPORT_PART - 1) / REPORT_PART);
    sendPart(c, all, 0, parts, done);
  }

  private void sendPart(Connection c, List<ReplicaInfo> all, int part, int parts, Runnable done) {
    List<ReplicaInfo> slice = all.subList(part * REPORT_PART,
        Math.min(all.size(), (part + 1) * REPORT_PART));
    boolean last = part == parts - 1;
    call(c, new ReplicaReportRequest(nodeId, true, part, last, slice, List.of()), reply -> {
      if (last) {
        done.run();
      } else {
        sendPart(c, all, part + 1, parts, done);
      }
    });
  }

  private void schedulePulse(Connection c) {
    pulseTask = loop.schedule(guarded("pulsing the master", () -> pulse(c)), pulseMillis,
        TimeUnit.MILLISECONDS);
  }

  private void pulse(Connection c) {
    if (c != conn || !registered) {
      return;
    }
    PulseRequest request;
    try {
      ReplicaStore.Space s = store.space();
      request = new PulseRequest(nodeId, s.capacityBytes(), s.usedBytes(), s.freeBytes(),
          slots.active(), counters.bytesRead(), counters.bytesWritten(),
          counters.corruptReplicasFound());
    } catch (Throwable t) {
      // The next pulse is never lost: a node that stops pulsing is declared dead.
      log.error("{}: pulse to master {} failed, continuing: {}", nodeId, master, t.toString(), t);
      schedulePulse(c);
      return;
    }
    call(c, request, reply -> {
      try {
        take(reply);
      } finally {
        schedulePulse(c);
      }
    });
  }

  /**
   * Keeps one AWAIT_COMMANDS outstanding while registered on {@code c}, so the master's commands
   * (a copy after a node died) arrive within a round trip instead of at the next pulse. Pulses
   * still carry liveness and commands; this only shortens the wait. A failure other than the
   * master not knowing the request waits a pulse interval before the next poll: the connection's
   * own failure handling (pulses, reconnects) is the pulses' job.
   */
  private void awaitCommands(Connection c, long generation) {
    if (c != conn || !registered || closed || generation != pollGeneration || !masterLongPolls) {
      return;
    }
    int wait = (int) Math.min(AWAIT_MILLIS, rpcTimeout.toMillis() / 2);
    c.call(new AwaitCommandsRequest(nodeId, wait), rpcTimeout).whenComplete((reply, err) ->
        loop.execute(guarded("handling the master's commands", () -> {
          if (err == null) {
            take(reply);
            awaitCommands(c, generation);
            return;
          }
          Throwable e = unwrap(err);
          if (e instanceof RemoteException re && re.status() == Status.PROTOCOL) {
            masterLongPolls = false;
            log.info("{}: master {} does not hold requests for commands ({}); taking them with "
                + "pulses", nodeId, master, re.getMessage());
            return;
          }
          log.debug("{}: waiting for commands from master {} failed: {}", nodeId, master,
              describe(e));
          loop.schedule(guarded("waiting for commands", () -> awaitCommands(c, generation)),
              pulseMillis, TimeUnit.MILLISECONDS);
        })));
  }

  /**
   * Takes the token keys and commands of a pulse's answer, or of a command result's: the master
   * hands out the next commands as soon as a copy finishes, not only at the next pulse.
   */
  private void take(Message reply) {
    if (!(reply instanceof PulseResponse p)) {
      return;
    }
    tokenSink.accept(p.tokens());
    for (ChunkCommand cmd : p.commands()) {
      try {
        commandSink.accept(cmd);
      } catch (Throwable t) {
        log.error("{}: taking command {} from master {} failed, continuing: {}", nodeId,
            cmd, master, t.toString(), t);
      }
    }
  }

  /**
   * Sends a request on the session's connection; on success runs {@code then} on the loop. A
   * NOT_REGISTERED reply re-registers; any other failure drops the connection (and reconnects).
   */
  private void call(Connection c, Message request, Consumer<Message> then) {
    c.call(request, rpcTimeout).whenComplete((reply, err) -> loop.execute(guarded(
        "handling the master's answer to " + request.type(), () -> {
      if (c != conn || closed) {
        return;
      }
      if (err == null) {
        then.accept(reply);
        return;
      }
      Throwable e = unwrap(err);
      if (e instanceof RemoteException re && re.status() == Status.WRONG_CLUSTER) {
        wrongCluster("refused by master " + master + ": " + re.getMessage());
        c.close();
        return;
      }
      if (e instanceof RemoteException re && re.status() == Status.NOT_REGISTERED) {
        if (registered) {
          registered = false;
          cancelPulse();
          log.info("{}: master {} does not know this node (restarted?); re-registering", nodeId,
              master);
          register(c);
        } else if (partOfRegistration(request)) {
          // The master forgot us in the middle of registering: start over on a new connection.
          log.warn("{}: master {} refused {} while registering; reconnecting", nodeId, master,
              request.type());
          c.close();
        }
        // Otherwise a pulse or report sent before the re-registration now under way: moot.
        return;
      }
      log.warn("{}: {} to master {} failed: {}; reconnecting", nodeId, request.type(), master,
          describe(e));
      c.close();
    })));
  }

  private static boolean partOfRegistration(Message request) {
    return request instanceof RegisterRequest
        || (request instanceof ReplicaReportRequest r && r.full());
  }

  private void disconnected(Connection c) {
    if (c != conn) {
      return;
    }
    conn = null;
    cancelPulse();
    if (closed) {
      return;
    }
    if (registered || !downLogged) {
      log.warn("{}: lost the connection to master {}; reconnecting with backoff", nodeId, master);
      downLogged = true;
    }
    registered = false;
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    if (!closed) {
      loop.schedule(guarded("connecting to the master", this::connect),
          backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void cancelPulse() {
    if (pulseTask != null) {
      pulseTask.cancel(false);
      pulseTask = null;
    }
  }

  // ---- reporting (any thread) ----

  @Override
  public void added(ReplicaMeta replica) {
    queue(replica.handle(), replica.toInfo());
  }

  @Override
  public void removed(long handle) {
    queue(handle, null);
  }

  @Override
  public void quarantined(ReplicaMeta replica, String reason) {
    counters.corruptFound();
    removed(replica.handle());
    send(new ReportBadReplicaRequest(replica.handle(), replica.version(), nodeId, reason));
  }

  @Override
  public void vanished(ReplicaMeta replica, String reason) {
    counters.corruptFound();
    removed(replica.handle());
  }

  /** Reports a command's outcome so the master can free its slot or retry elsewhere. */
  public void commandDone(ChunkCommand command, boolean ok, String message) {
    send(new CommandResultRequest(nodeId, command, ok, message), this::take);
  }

  private void send(Message m) {
    send(m, reply -> {});
  }

  private void send(Message m, Consumer<Message> then) {
    loop.execute(guarded("sending " + m.type(), () -> {
      if (conn != null && registered) {
        call(conn, m, then);
      } else {
        log.debug("{}: not registered; {} not sent (the next full report covers it)", nodeId,
            m.type());
      }
    }));
  }

  private void queue(long handle, ReplicaInfo info) {
    synchronized (pendingLock) {
      pending.remove(handle);
      pending.put(handle, info);
    }
    if (info != null) {
      flushNow();
    } else {
      scheduleFlush();
    }
  }

  private void scheduleFlush() {
    synchronized (pendingLock) {
      if (flushScheduled || pending.isEmpty()) {
        return;
      }
      flushScheduled = true;
    }
    loop.schedule(guarded("sending a replica report", this::flush), BATCH_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /** Sends what is queued on the next turn of the loop, even if a batched flush is scheduled. */
  private void flushNow() {
    synchronized (pendingLock) {
      if (flushImmediate) {
        return;
      }
      flushImmediate = true;
    }
    loop.execute(this::flush);
  }

  private void flush() {
    List<ReplicaInfo> adds = new ArrayList<>();
    List<Long> removes = new ArrayList<>();
    synchronized (pendingLock) {
      flushScheduled = false;
      flushImmediate = false;
      if (conn == null || !registered) {
        return; // kept until the next full report, which supersedes them
      }
      for (Map.Entry<Long, ReplicaInfo> e : pending.entrySet()) {
        if (e.getValue() == null) {
          removes.add(e.getKey());
        } else {
          adds.add(e.getValue());
        }
      }
      pending.clear();
    }
    for (int i = 0; i < Math.max(adds.size(), removes.size()); i += REPORT_PART) {
      List<ReplicaInfo> a = adds.subList(Math.min(i, adds.size()),
          Math.min(i + REPORT_PART, adds.size()));
      List<Long> r = removes.subList(Math.min(i, removes.size()),
          Math.min(i + REPORT_PART, removes.size()));
      call(conn, new ReplicaReportRequest(nodeId, false, 0, true, a, r), reply -> {});
    }
  }

  @Override
  public void close() {
    closed = true;
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(() -> {
      cancelPulse();
      if (conn != null) {
        conn.close();
      }
      done.complete(null);
    });
    try {
      done.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("{}: master session close: {}", nodeId, e.toString());
    }
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable t) {
    Throwable e = unwrap(t);
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
