package dev.granary.client.internal;

import dev.granary.client.BalanceStatus;
import dev.granary.client.ClusterStatus;
import dev.granary.client.DecommissionResult;
import dev.granary.client.FsckReport;
import dev.granary.client.GranaryException;
import dev.granary.client.NodeStatus;
import dev.granary.config.Credentials;
import dev.granary.wire.Status;
import dev.granary.wire.msg.BalanceRequest;
import dev.granary.wire.msg.BalanceResponse;
import dev.granary.wire.msg.ClusterStatusRequest;
import dev.granary.wire.msg.ClusterStatusResponse;
import dev.granary.wire.msg.DecommissionRequest;
import dev.granary.wire.msg.DecommissionResponse;
import dev.granary.wire.msg.DeletionHoldRequest;
import dev.granary.wire.msg.DeletionHoldResponse;
import dev.granary.wire.msg.FsckRequest;
import dev.granary.wire.msg.FsckResponse;
import dev.granary.wire.msg.RotateJoinTokenRequest;
import dev.granary.wire.msg.RotateJoinTokenResponse;
import dev.granary.wire.msg.UserRequest;
import dev.granary.wire.msg.UserResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A client's cluster administration: status, users, decommissioning, balancing, held deletions,
 * the join token and fsck ({@link dev.granary.client.GranaryClient}'s methods of those names,
 * whose Javadoc is the contract).
 */
final class ClusterAdmin {
  private final ClientContext ctx;

  ClusterAdmin(ClientContext ctx) {
    this.ctx = ctx;
  }

  ClusterStatus clusterStatus() throws GranaryException {
    ClusterStatusResponse r = ctx.master().call(new ClusterStatusRequest(),
        ClusterStatusResponse.class, "master " + ctx.master().address());
    List<NodeStatus> nodes = new ArrayList<>();
    for (dev.granary.wire.msg.NodeStatus n : r.nodes()) {
      nodes.add(nodeStatus(n));
    }
    return new ClusterStatus(r.masterId(), nodes, r.files(), r.directories(), r.chunks(),
        r.underReplicated(), r.overReplicated(), r.missing(), r.corrupt(), r.replicationQueue(),
        r.replicationsInFlight(), r.locationsComplete(), r.uptimeMillis(), r.clusterId(),
        r.deletionsHeld(), r.readOnly());
  }

  Credentials addUser(String name, String group, boolean superuser)
      throws GranaryException {
    UserResponse r = ctx.master().call(new UserRequest(UserRequest.Action.ADD, name, group,
        superuser), UserResponse.class, "user " + name, Set.of(Status.values()));
    return new Credentials(r.name(), r.token(), r.caCert());
  }

  void revokeUser(String name) throws GranaryException {
    ctx.master().call(new UserRequest(UserRequest.Action.REVOKE, name, "", false),
        UserResponse.class, "user " + name);
  }

  long actOnHeldDeletions(boolean release, String node) throws GranaryException {
    DeletionHoldResponse r = ctx.master().call(new DeletionHoldRequest(release
        ? DeletionHoldRequest.Action.RELEASE : DeletionHoldRequest.Action.DISCARD, node),
        DeletionHoldResponse.class, node.isEmpty() ? "every chunkserver" : node);
    return r.replicas();
  }

  private static NodeStatus nodeStatus(dev.granary.wire.msg.NodeStatus n) {
    return new NodeStatus(n.id(), n.host(), n.port(), n.state(), n.usedBytes(),
        n.capacityBytes(), n.freeBytes(), n.chunks(), n.millisSinceLastPulse(),
        n.activeTransfers(), n.decommissionSince(), n.replicasLeft());
  }

  DecommissionResult decommission(String node) throws GranaryException {
    return decommissionRequest(DecommissionRequest.Action.DECOMMISSION, node);
  }

  DecommissionResult recommission(String node) throws GranaryException {
    return decommissionRequest(DecommissionRequest.Action.RECOMMISSION, node);
  }

  private DecommissionResult decommissionRequest(DecommissionRequest.Action action, String node)
      throws GranaryException {
    DecommissionResponse r = ctx.master().call(new DecommissionRequest(action, node),
        DecommissionResponse.class, "chunkserver " + node);
    return new DecommissionResult(nodeStatus(r.node()), r.changed());
  }

  BalanceStatus balance(int thresholdPct, boolean start) throws GranaryException {
    BalanceResponse r = ctx.master().call(new BalanceRequest(thresholdPct, start),
        BalanceResponse.class, "the cluster");
    return new BalanceStatus(r.thresholdPct(), r.passRunning(), r.usedBytes(), r.capacityBytes(),
        r.balanced(), r.movesInFlight(), r.bytesMoved(), r.nodes().stream()
            .map(n -> new BalanceStatus.Node(n.node(), n.usedBytes(), n.capacityBytes()))
            .toList());
  }

  String rotateJoinToken() throws GranaryException {
    return ctx.master().call(new RotateJoinTokenRequest(), RotateJoinTokenResponse.class,
        "the join token").token();
  }

  FsckReport fsck(String path) throws GranaryException {
    String p = DefaultGranaryClient.remote(path);
    FsckResponse r = ctx.master().call(new FsckRequest(p), FsckResponse.class, p);
    return new FsckReport(r.files(), r.chunks(), r.healthy(), r.underReplicated(),
        r.overReplicated(), r.corrupt(), r.missing(), r.votes(), r.replicationQueue(),
        r.locationsComplete(), r.status(), r.problems(), r.deletionsHeld(), r.readOnly());
  }
}
