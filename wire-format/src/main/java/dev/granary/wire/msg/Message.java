package dev.granary.wire.msg;

import dev.granary.wire.MessageType;
import io.netty.buffer.ByteBuf;

/**
 * Every message of the Granary protocol: an immutable record with an encoder; {@link MessageType}
 * maps each type code onto the record's decoder. The byte layout of each is in PROTOCOL.md.
 */
public sealed interface Message permits
    Hello, HelloOk, ErrorReply, Ok, Ping, Pong,
    AllocateChunkRequest, AllocateChunkResponse, CommitFileRequest, CommitFileResponse,
    LookupRequest, LookupResponse, ListRequest, ListResponse, StatRequest, StatResponse,
    MkdirRequest, DeleteRequest, DeleteResponse, RenameRequest,
    ClusterStatusRequest, ClusterStatusResponse, FsckRequest, FsckResponse, ReportBadReplicaRequest,
    ServerDefaultsRequest, ServerDefaultsResponse, RenewLeaseRequest, RenewLeaseResponse,
    DeletionHoldRequest, DeletionHoldResponse, BalanceRequest, BalanceResponse,
    JoinRequest, JoinResponse, RotateJoinTokenRequest, RotateJoinTokenResponse,
    RegisterRequest, RegisterResponse, PulseRequest, PulseResponse, ReplicaReportRequest,
    CommandResultRequest, AwaitCommandsRequest,
    WriteChunkRequest, WritePacket, WriteAck, WriteDone, ReadChunkRequest, ReadPacket,
    SetAttributesRequest, SetAttributesResponse,
    AuthenticateRequest, AuthenticateResponse, UserRequest, UserResponse,
    DecommissionRequest, DecommissionResponse,
    PolicyRequest, PolicyResponse, VersionsRequest, VersionsResponse, RestoreRequest,
    RestoreResponse, SnapshotRequest, SnapshotResponse, TrashRequest, TrashResponse,
    ChunkMatchRequest, ChunkMatchResponse, RekeyRequest, WriteCheckRequest, WriteCheckResponse {

  MessageType type();

  /** Writes the message's fields (for data packets: everything but the bulk bytes). */
  void encode(ByteBuf out);

  /** Bulk bytes that follow the encoded fields without being copied, or null. */
  default ByteBuf bulk() {
    return null;
  }
}
