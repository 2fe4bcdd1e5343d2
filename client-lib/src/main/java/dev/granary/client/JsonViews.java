package dev.granary.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON objects of the contract for this library's results, as maps and lists in field order
 * for any JSON writer: what the CLI's {@code --json} forms print and the REST API answers, built
 * in one place so the two never differ.
 */
public final class JsonViews {
  private JsonViews() {}

  /**
   * {@code stat --json}: {@code {"path","type","size","replication","chunkSize","modified",
   * "owner","group","permission","compression","storedSize","encrypted","chunks":[{"index",
   * "handle","version","size","replicas","digest"}]}}; {@code digest} is the chunk's SHA-256 in
   * hex, null if not known; a chunk's {@code size} is what it stores.
   */
  public static Map<String, Object> stat(FileStatus st, List<ChunkInfo> chunks) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", st.path());
    m.put("type", st.directory() ? "dir" : "file");
    m.put("size", st.size());
    m.put("replication", st.replication());
    m.put("chunkSize", st.chunkSize());
    m.put("modified", st.modifiedMillis());
    m.put("owner", st.owner());
    m.put("group", st.group());
    m.put("permission", st.permission());
    m.put("compression", st.compression());
    m.put("storedSize", st.storedSize());
    m.put("encrypted", st.encrypted());
    List<Map<String, Object>> cs = new ArrayList<>();
    for (ChunkInfo ch : chunks) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("index", ch.index());
      row.put("handle", ch.handle());
      row.put("version", ch.version());
      row.put("size", ch.size());
      row.put("replicas", ch.replicas());
      row.put("digest", ch.sha256());
      cs.add(row);
    }
    m.put("chunks", cs);
    return m;
  }

  /**
   * {@code ls --json}: one entry per row, {@code [{"name","path","type","size","modified",
   * "replication","owner","group","permission"}]}.
   */
  public static List<Map<String, Object>> list(List<FileStatus> entries) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (FileStatus e : entries) {
      rows.add(entry(e));
    }
    return rows;
  }

  /**
   * One entry of {@code ls --json}: {@code {"name","path","type","size","modified","replication",
   * "owner","group","permission"}}.
   */
  public static Map<String, Object> entry(FileStatus e) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("name", e.name());
    row.put("path", e.path());
    row.put("type", e.directory() ? "dir" : "file");
    row.put("size", e.size());
    row.put("modified", e.modifiedMillis());
    row.put("replication", e.replication());
    row.put("owner", e.owner());
    row.put("group", e.group());
    row.put("permission", e.permission());
    return row;
  }

  /** {@code cluster --json}. */
  public static Map<String, Object> cluster(ClusterStatus st) {
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (NodeStatus n : st.nodes()) {
      nodes.add(node(n));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("masterId", st.masterId());
    m.put("clusterId", st.clusterId());
    m.put("chunkservers", nodes);
    m.put("files", st.files());
    m.put("directories", st.directories());
    m.put("chunks", st.chunks());
    m.put("underReplicated", st.underReplicated());
    m.put("overReplicated", st.overReplicated());
    m.put("missing", st.missing());
    m.put("corrupt", st.corrupt());
    m.put("replicationQueue", st.replicationQueue());
    m.put("replicationsInFlight", st.replicationsInFlight());
    m.put("locationsComplete", st.locationsComplete());
    m.put("uptimeMillis", st.uptimeMillis());
    m.put("deletionsHeld", st.deletionsHeld());
    m.put("readOnly", st.readOnly());
    return m;
  }

  /**
   * One chunkserver's entry of {@code cluster --json}; a node being decommissioned adds
   * {@code "decommission": {"since", "replicasLeft"}}.
   */
  public static Map<String, Object> node(NodeStatus n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", n.id());
    m.put("address", n.address());
    m.put("state", n.state());
    m.put("usedBytes", n.usedBytes());
    m.put("capacityBytes", n.capacityBytes());
    m.put("freeBytes", n.freeBytes());
    m.put("chunks", n.chunks());
    m.put("millisSinceLastPulse", n.millisSinceLastPulse());
    m.put("activeTransfers", n.activeTransfers());
    if (n.decommissioning()) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("since", n.decommissionSince());
      d.put("replicasLeft", n.replicasLeft());
      m.put("decommission", d);
    }
    return m;
  }

  /** {@code fsck --json}. */
  public static Map<String, Object> fsck(FsckReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("files", r.files());
    m.put("chunks", r.chunks());
    m.put("healthy", r.healthy());
    m.put("underReplicated", r.underReplicated());
    m.put("overReplicated", r.overReplicated());
    m.put("corrupt", r.corrupt());
    m.put("missing", r.missing());
    m.put("status", r.status());
    m.put("votes", r.votes());
    m.put("replicationQueue", r.replicationQueue());
    m.put("locationsComplete", r.locationsComplete());
    m.put("deletionsHeld", r.deletionsHeld());
    m.put("problems", r.problems());
    m.put("readOnly", r.readOnly());
    return m;
  }
}
