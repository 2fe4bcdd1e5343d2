package dev.granary.wire;

import dev.granary.wire.msg.AllocateChunkRequest;
import dev.granary.wire.msg.AllocateChunkResponse;
import dev.granary.wire.msg.AuthenticateRequest;
import dev.granary.wire.msg.AuthenticateResponse;
import dev.granary.wire.msg.AwaitCommandsRequest;
import dev.granary.wire.msg.BalanceRequest;
import dev.granary.wire.msg.BalanceResponse;
import dev.granary.wire.msg.ChunkMatchRequest;
import dev.granary.wire.msg.ChunkMatchResponse;
import dev.granary.wire.msg.ClusterStatusRequest;
import dev.granary.wire.msg.ClusterStatusResponse;
import dev.granary.wire.msg.CommandResultRequest;
import dev.granary.wire.msg.JoinRequest;
import dev.granary.wire.msg.JoinResponse;
import dev.granary.wire.msg.RotateJoinTokenRequest;
import dev.granary.wire.msg.RotateJoinTokenResponse;
import dev.granary.wire.msg.CommitFileRequest;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.DeleteRequest;
import dev.granary.wire.msg.DecommissionRequest;
import dev.granary.wire.msg.DecommissionResponse;
import dev.granary.wire.msg.DeleteResponse;
import dev.granary.wire.msg.DeletionHoldRequest;
import dev.granary.wire.msg.DeletionHoldResponse;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.FsckRequest;
import dev.granary.wire.msg.FsckResponse;
import dev.granary.wire.msg.Hello;
import dev.granary.wire.msg.HelloOk;
import dev.granary.wire.msg.ListRequest;
import dev.granary.wire.msg.ListResponse;
import dev.granary.wire.msg.LookupRequest;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.MkdirRequest;
import dev.granary.wire.msg.Ok;
import dev.granary.wire.msg.Ping;
import dev.granary.wire.msg.Pong;
import dev.granary.wire.msg.PulseRequest;
import dev.granary.wire.msg.PulseResponse;
import dev.granary.wire.msg.ReadChunkRequest;
import dev.granary.wire.msg.PolicyRequest;
import dev.granary.wire.msg.PolicyResponse;
import dev.granary.wire.msg.ReadPacket;
import dev.granary.wire.msg.RegisterRequest;
import dev.granary.wire.msg.RegisterResponse;
import dev.granary.wire.msg.RenameRequest;
import dev.granary.wire.msg.RenewLeaseRequest;
import dev.granary.wire.msg.RenewLeaseResponse;
import dev.granary.wire.msg.ServerDefaultsRequest;
import dev.granary.wire.msg.ServerDefaultsResponse;
import dev.granary.wire.msg.SetAttributesRequest;
import dev.granary.wire.msg.SetAttributesResponse;
import dev.granary.wire.msg.ReplicaReportRequest;
import dev.granary.wire.msg.ReportBadReplicaRequest;
import dev.granary.wire.msg.RekeyRequest;
import dev.granary.wire.msg.RestoreRequest;
import dev.granary.wire.msg.WriteCheckRequest;
import dev.granary.wire.msg.WriteCheckResponse;
import dev.granary.wire.msg.RestoreResponse;
import dev.granary.wire.msg.SnapshotRequest;
import dev.granary.wire.msg.SnapshotResponse;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.StatResponse;
import dev.granary.wire.msg.TrashRequest;
import dev.granary.wire.msg.TrashResponse;
import dev.granary.wire.msg.UserRequest;
import dev.granary.wire.msg.UserResponse;
import dev.granary.wire.msg.VersionsRequest;
import dev.granary.wire.msg.VersionsResponse;
import dev.granary.wire.msg.WriteAck;
import dev.granary.wire.msg.WriteChunkRequest;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.msg.WritePacket;
import io.netty.buffer.ByteBuf;
import java.util.function.Function;

/**
 * The registry of message types: code on the wire, payload limit and decoder. A code is never
 * reused; a retired message keeps its code reserved (PROTOCOL.md lists them).
 */
public enum MessageType {
  HELLO(1, Hello::decode),
  HELLO_OK(2, HelloOk::decode),
  ERROR(3, ErrorReply::decode),
  OK(4, Ok::decode),
  PING(5, Ping::decode),
  PONG(6, Pong::decode),

  ALLOCATE_CHUNK_REQUEST(16, AllocateChunkRequest::decode),
  ALLOCATE_CHUNK_RESPONSE(17, AllocateChunkResponse::decode),
  COMMIT_FILE_REQUEST(18, CommitFileRequest::decode),
  COMMIT_FILE_RESPONSE(19, CommitFileResponse::decode),
  LOOKUP_REQUEST(20, LookupRequest::decode),
  LOOKUP_RESPONSE(21, LookupResponse::decode),
  LIST_REQUEST(22, ListRequest::decode),
  LIST_RESPONSE(23, ListResponse::decode),
  STAT_REQUEST(24, StatRequest::decode),
  STAT_RESPONSE(25, StatResponse::decode),
  MKDIR_REQUEST(26, MkdirRequest::decode),
  DELETE_REQUEST(28, DeleteRequest::decode),
  DELETE_RESPONSE(29, DeleteResponse::decode),
  RENAME_REQUEST(30, RenameRequest::decode),
  CLUSTER_STATUS_REQUEST(32, ClusterStatusRequest::decode),
  CLUSTER_STATUS_RESPONSE(33, ClusterStatusResponse::decode),
  FSCK_REQUEST(34, FsckRequest::decode),
  FSCK_RESPONSE(35, FsckResponse::decode),
  REPORT_BAD_REPLICA_REQUEST(36, ReportBadReplicaRequest::decode),
  SERVER_DEFAULTS_REQUEST(38, ServerDefaultsRequest::decode),
  SERVER_DEFAULTS_RESPONSE(39, ServerDefaultsResponse::decode),
  RENEW_LEASE_REQUEST(40, RenewLeaseRequest::decode),
  RENEW_LEASE_RESPONSE(41, RenewLeaseResponse::decode),
  DELETION_HOLD_REQUEST(44, DeletionHoldRequest::decode),
  DELETION_HOLD_RESPONSE(45, DeletionHoldResponse::decode),

  REGISTER_REQUEST(48, RegisterRequest::decode),
  REGISTER_RESPONSE(49, RegisterResponse::decode),
  PULSE_REQUEST(50, PulseRequest::decode),
  PULSE_RESPONSE(51, PulseResponse::decode),
  REPLICA_REPORT_REQUEST(52, ReplicaReportRequest::decode),
  COMMAND_RESULT_REQUEST(54, CommandResultRequest::decode),
  AWAIT_COMMANDS_REQUEST(56, AwaitCommandsRequest::decode),

  WRITE_CHUNK_REQUEST(64, WriteChunkRequest::decode),
  WRITE_PACKET(65, Limits.MAX_PACKET_PAYLOAD, WritePacket::decode),
  WRITE_ACK(66, WriteAck::decode),
  WRITE_DONE(67, WriteDone::decode),
  READ_CHUNK_REQUEST(68, ReadChunkRequest::decode),
  READ_PACKET(69, Limits.MAX_READ_PACKET_PAYLOAD, ReadPacket::decode),

  // Users and authentication (security).
  AUTHENTICATE_REQUEST(80, AuthenticateRequest::decode),
  AUTHENTICATE_RESPONSE(81, AuthenticateResponse::decode),
  USER_REQUEST(82, UserRequest::decode),
  USER_RESPONSE(83, UserResponse::decode),

  // Permissions (84-87).
  SET_ATTRIBUTES_REQUEST(84, SetAttributesRequest::decode),
  SET_ATTRIBUTES_RESPONSE(85, SetAttributesResponse::decode),

  // Joining the cluster (security: tls)
  JOIN_REQUEST(88, JoinRequest::decode),
  JOIN_RESPONSE(89, JoinResponse::decode),
  ROTATE_JOIN_TOKEN_REQUEST(90, RotateJoinTokenRequest::decode),
  ROTATE_JOIN_TOKEN_RESPONSE(91, RotateJoinTokenResponse::decode),

  // Operating the cluster: decommissioning (120-139).
  DECOMMISSION_REQUEST(120, DecommissionRequest::decode),
  DECOMMISSION_RESPONSE(121, DecommissionResponse::decode),

  // Operating the cluster: balancing (140-149).
  BALANCE_REQUEST(140, BalanceRequest::decode),
  BALANCE_RESPONSE(141, BalanceResponse::decode),

  // Versions, snapshots, trash, policies (150-169).
  POLICY_REQUEST(150, PolicyRequest::decode),
  POLICY_RESPONSE(151, PolicyResponse::decode),
  VERSIONS_REQUEST(152, VersionsRequest::decode),
  VERSIONS_RESPONSE(153, VersionsResponse::decode),
  RESTORE_REQUEST(154, RestoreRequest::decode),
  RESTORE_RESPONSE(155, RestoreResponse::decode),
  SNAPSHOT_REQUEST(156, SnapshotRequest::decode),
  SNAPSHOT_RESPONSE(157, SnapshotResponse::decode),
  TRASH_REQUEST(158, TrashRequest::decode),
  TRASH_RESPONSE(159, TrashResponse::decode),
  // Delta updates and deduplication: which chunks the master already holds (160-161).
  CHUNK_MATCH_REQUEST(160, ChunkMatchRequest::decode),
  CHUNK_MATCH_RESPONSE(161, ChunkMatchResponse::decode),
  // Compression and encryption: key rotation (answered by STAT_RESPONSE), and a writer's check
  // of path and policy (162-164).
  REKEY_REQUEST(162, RekeyRequest::decode),
  WRITE_CHECK_REQUEST(163, WriteCheckRequest::decode),
  WRITE_CHECK_RESPONSE(164, WriteCheckResponse::decode);

  private static final MessageType[] BY_CODE = new MessageType[256];

  static {
    for (MessageType t : values()) {
      if (BY_CODE[t.code] != null) {
        throw new ExceptionInInitializerError("message code " + t.code + " used twice");
      }
      BY_CODE[t.code] = t;
    }
  }

  private final int code;
  private final int maxPayload;
  private final Function<ByteBuf, ? extends Message> decoder;

  MessageType(int code, Function<ByteBuf, ? extends Message> decoder) {
    this(code, Limits.MAX_CONTROL_PAYLOAD, decoder);
  }

  MessageType(int code, int maxPayload, Function<ByteBuf, ? extends Message> decoder) {
    this.code = code;
    this.maxPayload = maxPayload;
    this.decoder = decoder;
  }

  public int code() {
    return code;
  }

  /** The largest payload a frame of this type may announce. */
  public int maxPayload() {
    return maxPayload;
  }

  /** The type for {@code code}, or null if no message has that code. */
  public static MessageType forCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /**
   * Decodes a payload that holds exactly one message of this type.
   *
   * @throws ProtocolException if the payload does not parse or has trailing bytes
   */
  public Message decode(ByteBuf payload) {
    Message m = decoder.apply(payload);
    if (payload.isReadable()) {
      int extra = payload.readableBytes();
      io.netty.util.ReferenceCountUtil.release(m);
      throw new ProtocolException(this + " payload has " + extra + " trailing bytes");
    }
    return m;
  }
}
