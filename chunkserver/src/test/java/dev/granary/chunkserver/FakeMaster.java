package dev.granary.chunkserver;

import dev.granary.config.HostPort;
import dev.granary.wire.Frame;
import dev.granary.wire.Role;
import dev.granary.wire.Status;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.CommandResultRequest;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.Ok;
import dev.granary.wire.msg.PulseRequest;
import dev.granary.wire.msg.PulseResponse;
import dev.granary.wire.msg.RegisterRequest;
import dev.granary.wire.msg.RegisterResponse;
import dev.granary.wire.msg.ReplicaReportRequest;
import dev.granary.wire.msg.ReportBadReplicaRequest;
import dev.granary.wire.net.ProtocolErrorHandler;
import dev.granary.wire.net.ServerHandshakeHandler;
import dev.granary.wire.net.Transports;
import dev.granary.wire.security.TokenKeys;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small master for tests: accepts registrations, pulses, replica reports, command results and bad
 * replica reports, records them, and hands queued commands out in pulse replies.
 */
public final class FakeMaster implements AutoCloseable {
  public final List<RegisterRequest> registrations = new CopyOnWriteArrayList<>();
  public final List<ReplicaReportRequest> reports = new CopyOnWriteArrayList<>();
  public final List<PulseRequest> pulses = new CopyOnWriteArrayList<>();
  public final List<CommandResultRequest> results = new CopyOnWriteArrayList<>();
  public final List<ReportBadReplicaRequest> badReplicas = new CopyOnWriteArrayList<>();
  private final Map<String, Queue<ChunkCommand>> commands = new ConcurrentHashMap<>();
  /** Nodes this master has "forgotten" (as after a restart): their pulses get NOT_REGISTERED. */
  private final Set<String> forgotten = ConcurrentHashMap.newKeySet();
  private final long pulseMillis;
  private volatile String clusterId = "fake-cluster";
  private volatile TokenKeys tokenKeys = TokenKeys.NONE;
  private final Channel server;
  private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  /** The cluster id this fake answers registrations with. */
  public void clusterId(String id) {
    this.clusterId = id;
  }

  /** The chunk token keys this fake sends in register and pulse replies. */
  public void tokenKeys(TokenKeys keys) {
    this.tokenKeys = keys;
  }

  public FakeMaster(EventLoopGroup group, long pulseMillis) {
    this(group, pulseMillis, 0);
  }

  /** A fake master on {@code port} (0 for any free port). */
  public FakeMaster(EventLoopGroup group, long pulseMillis, int port) {
    this.pulseMillis = pulseMillis;
    this.server = Transports.serverBootstrap(group, group)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            children.add(ch);
            Transports.addCodec(ch.pipeline());
            ch.pipeline().addLast(new ServerHandshakeHandler(Role.MASTER, "fake-master", "test",
                Set.of(Role.CHUNKSERVER)));
            ch.pipeline().addLast(new Handler());
            ch.pipeline().addLast(new ProtocolErrorHandler("fake-master"));
          }
        }).bind("127.0.0.1", port).syncUninterruptibly().channel();
  }

  public HostPort address() {
    return new HostPort("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort());
  }

  public void queue(String nodeId, ChunkCommand command) {
    commands.computeIfAbsent(nodeId, k -> new ConcurrentLinkedQueue<>()).add(command);
  }

  public void forget(String nodeId) {
    forgotten.add(nodeId);
  }

  /** Full reports of {@code nodeId} whose last part has arrived. */
  public List<ReplicaReportRequest> fullReports(String nodeId) {
    List<ReplicaReportRequest> out = new ArrayList<>();
    for (ReplicaReportRequest r : reports) {
      if (r.nodeId().equals(nodeId) && r.full()) {
        out.add(r);
      }
    }
    return out;
  }

  /** True if an incremental report of {@code nodeId} announced {@code handle}. */
  public boolean reportedAdded(String nodeId, long handle) {
    return reports.stream().anyMatch(r -> r.nodeId().equals(nodeId) && !r.full()
        && r.replicas().stream().anyMatch(i -> i.handle() == handle));
  }

  public boolean reportedRemoved(String nodeId, long handle) {
    return reports.stream().anyMatch(r -> r.nodeId().equals(nodeId) && !r.full()
        && r.removedHandles().contains(handle));
  }

  public String dump() {
    return "registrations=" + registrations + " reports=" + reports + " results=" + results
        + " bad=" + badReplicas;
  }

  private final class Handler extends SimpleChannelInboundHandler<Frame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame f) {
      Message m = f.message();
      Message reply;
      if (m instanceof RegisterRequest r) {
        registrations.add(r);
        forgotten.remove(r.nodeId());
        reply = new RegisterResponse("fake-master", pulseMillis, "127.0.0.1",
            clusterId, tokenKeys);
      } else if (m instanceof PulseRequest p) {
        pulses.add(p);
        if (forgotten.contains(p.nodeId())) {
          reply = new ErrorReply(Status.NOT_REGISTERED, p.nodeId() + " is not registered", "");
        } else {
          List<ChunkCommand> out = new ArrayList<>();
          Queue<ChunkCommand> q = commands.get(p.nodeId());
          for (ChunkCommand c; q != null && (c = q.poll()) != null; ) {
            out.add(c);
          }
          reply = new PulseResponse(out, tokenKeys);
        }
      } else if (m instanceof ReplicaReportRequest r) {
        reports.add(r);
        reply = new Ok();
      } else if (m instanceof CommandResultRequest r) {
        results.add(r);
        reply = new Ok();
      } else if (m instanceof ReportBadReplicaRequest r) {
        badReplicas.add(r);
        reply = new Ok();
      } else {
        reply = new ErrorReply(Status.INVALID_ARGUMENT, "fake master: " + m.type(), "");
      }
      ctx.writeAndFlush(Frame.response(f.requestId(), reply));
    }
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    children.close().syncUninterruptibly();
  }
}
