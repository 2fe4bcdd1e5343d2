package dev.granary.wire;

import dev.granary.wire.msg.AllocateChunkRequest;
import dev.granary.wire.msg.AllocateChunkResponse;
import dev.granary.wire.msg.AuthenticateRequest;
import dev.granary.wire.msg.AuthenticateResponse;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.ClusterStatusRequest;
import dev.granary.wire.msg.ClusterStatusResponse;
import dev.granary.wire.msg.AwaitCommandsRequest;
import dev.granary.wire.msg.CommandResultRequest;
import dev.granary.wire.msg.CommitChunk;
import dev.granary.wire.msg.BalanceRequest;
import dev.granary.wire.msg.BalanceResponse;
import dev.granary.wire.msg.CommitFileRequest;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.DeleteRequest;
import dev.granary.wire.msg.DeleteResponse;
import dev.granary.wire.msg.DecommissionRequest;
import dev.granary.wire.msg.DecommissionResponse;
import dev.granary.wire.msg.DeletionHoldRequest;
import dev.granary.wire.msg.DeletionHoldResponse;
import dev.granary.wire.msg.JoinRequest;
import dev.granary.wire.msg.JoinResponse;
import dev.granary.wire.msg.RotateJoinTokenRequest;
import dev.granary.wire.msg.RotateJoinTokenResponse;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.Compression;
import dev.granary.wire.msg.FileEncoding;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.RekeyRequest;
import dev.granary.wire.msg.WriteCheckRequest;
import dev.granary.wire.msg.WriteCheckResponse;
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
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.NodeStatus;
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
import dev.granary.wire.msg.ReplicaInfo;
import dev.granary.wire.msg.ReplicaReportRequest;
import dev.granary.wire.msg.ReportBadReplicaRequest;
import dev.granary.wire.msg.RestoreRequest;
import dev.granary.wire.msg.RestoreResponse;
import dev.granary.wire.msg.SnapshotRequest;
import dev.granary.wire.msg.SnapshotResponse;
import dev.granary.wire.msg.StatRequest;
import dev.granary.wire.msg.StatResponse;
import dev.granary.wire.msg.TrashRequest;
import dev.granary.wire.msg.TrashResponse;
import dev.granary.wire.msg.ChunkMatchRequest;
import dev.granary.wire.msg.ChunkMatchResponse;
import dev.granary.wire.msg.UserRequest;
import dev.granary.wire.msg.UserResponse;
import dev.granary.wire.msg.VersionsRequest;
import dev.granary.wire.msg.VersionsResponse;
import dev.granary.wire.msg.WriteAck;
import dev.granary.wire.msg.WriteChunkRequest;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.msg.WritePacket;
import dev.granary.wire.security.ChunkAccess;
import dev.granary.wire.security.ChunkToken;
import dev.granary.wire.security.TokenKey;
import dev.granary.wire.security.TokenKeys;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Random but valid instances of every message, for round trips and as the fuzzer's seed corpus.
 * The switch over {@link MessageType} has no default, so adding a message type without a case here
 * does not compile. Data packets hold an unpooled buffer the caller must release.
 */
final class SampleMessages {
  private static final String[] WORDS = {
    "", "a", "data", "/", "/logs/2024/app.log", "node-1", "127.0.0.1", "::1", "caf\u00e9",
    "\u4e2d\u6587\u8def\u5f84", "emoji-\ud83d\ude00", "tab\there", "CHUNK_0001"
  };

  private SampleMessages() {}

  static Message random(MessageType type, Random r) {
    return switch (type) {
      case HELLO -> new Hello(role(r), str(r), str(r));
      case HELLO_OK -> new HelloOk(role(r), str(r), str(r));
      case ERROR -> new ErrorReply(status(r), str(r), str(r));
      case OK -> new Ok();
      case PING -> new Ping();
      case PONG -> new Pong();
      case ALLOCATE_CHUNK_REQUEST -> new AllocateChunkRequest(str(r), path(r), 1 + r.nextInt(255),
          list(r, () -> str(r)));
      case ALLOCATE_CHUNK_RESPONSE -> new AllocateChunkResponse(r.nextLong(), r.nextLong(),
          list(r, () -> node(r)), token(r));
      case COMMIT_FILE_REQUEST -> {
        FileEncoding e = encoding(r);
        yield new CommitFileRequest(str(r), r.nextLong(), path(r), r.nextBoolean(),
            1 + r.nextInt(255), nonNegative(r), list(r, () -> commitChunk(r)), r.nextInt(256), e,
            e.isPlain() ? -1 : nonNegative(r));
      }
      case COMMIT_FILE_RESPONSE -> new CommitFileResponse(entry(r), r.nextBoolean()
          ? new AllocateChunkResponse(r.nextLong(), r.nextLong(), list(r, () -> node(r)),
              token(r)) : null);
      case LOOKUP_REQUEST -> new LookupRequest(path(r), r.nextInt(Integer.MAX_VALUE),
          r.nextInt(Integer.MAX_VALUE), r.nextBoolean() ? 0 : nonNegative(r));
      case LOOKUP_RESPONSE -> new LookupResponse(entry(r), list(r, () -> location(r)),
          r.nextBoolean());
      case LIST_REQUEST -> new ListRequest(path(r), str(r), 1 + r.nextInt(Integer.MAX_VALUE));
      case LIST_RESPONSE -> new ListResponse(list(r, () -> entry(r)), r.nextBoolean());
      case STAT_REQUEST -> new StatRequest(path(r));
      case STAT_RESPONSE -> new StatResponse(entry(r));
      case MKDIR_REQUEST -> new MkdirRequest(str(r), r.nextLong(), path(r), r.nextBoolean());
      case DELETE_REQUEST -> new DeleteRequest(str(r), r.nextLong(), path(r), r.nextBoolean(),
          r.nextBoolean());
      case DELETE_RESPONSE -> new DeleteResponse(nonNegative(r), nonNegative(r),
          r.nextBoolean() ? 0 : nonNegative(r));
      case RENAME_REQUEST -> new RenameRequest(str(r), r.nextLong(), path(r), path(r));
      case CLUSTER_STATUS_REQUEST -> new ClusterStatusRequest();
      case CLUSTER_STATUS_RESPONSE -> new ClusterStatusResponse(str(r), list(r, () -> nodeStatus(r)),
          r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong(),
          r.nextLong(), r.nextLong(), r.nextLong(), r.nextBoolean(), r.nextLong(), str(r),
          nonNegative(r), r.nextBoolean());
      case FSCK_REQUEST -> new FsckRequest(path(r));
      case FSCK_RESPONSE -> new FsckResponse(r.nextLong(), r.nextLong(), r.nextLong(),
          r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong(),
          r.nextBoolean(), str(r), list(r, () -> str(r)), nonNegative(r), r.nextBoolean());
      case DELETION_HOLD_REQUEST -> new DeletionHoldRequest(
          DeletionHoldRequest.Action.values()[r.nextInt(2)], str(r));
      case DELETION_HOLD_RESPONSE -> new DeletionHoldResponse(nonNegative(r));
      case JOIN_REQUEST -> new JoinRequest(str(r), str(r), str(r));
      case JOIN_RESPONSE -> new JoinResponse(str(r), str(r));
      case ROTATE_JOIN_TOKEN_REQUEST -> new RotateJoinTokenRequest();
      case ROTATE_JOIN_TOKEN_RESPONSE -> new RotateJoinTokenResponse(str(r));
      case BALANCE_REQUEST -> new BalanceRequest(r.nextInt(101), r.nextBoolean());
      case BALANCE_RESPONSE -> new BalanceResponse(r.nextInt(101), r.nextBoolean(),
          nonNegative(r), nonNegative(r), r.nextBoolean(), r.nextInt(1000), nonNegative(r),
          List.of(new BalanceResponse.NodeUsage(str(r), nonNegative(r), nonNegative(r))));
      case DECOMMISSION_REQUEST -> new DecommissionRequest(
          DecommissionRequest.Action.values()[r.nextInt(2)], str(r));
      case DECOMMISSION_RESPONSE -> new DecommissionResponse(nodeStatus(r), r.nextBoolean());
      case POLICY_REQUEST -> new PolicyRequest(str(r), r.nextLong(), path(r),
          list(r, () -> new PolicyRequest.PolicySetting(nonEmpty(r), str(r))));
      case POLICY_RESPONSE -> new PolicyResponse(path(r), list(r,
          () -> new PolicyResponse.PolicyValue(nonEmpty(r), nonEmpty(r), path(r))));
      case VERSIONS_REQUEST -> new VersionsRequest(path(r));
      case VERSIONS_RESPONSE -> new VersionsResponse(path(r), list(r,
          () -> new VersionsResponse.FileVersion(positive(r), nonNegative(r), r.nextLong())));
      case RESTORE_REQUEST -> new RestoreRequest(str(r), r.nextLong(), path(r), positive(r));
      case RESTORE_RESPONSE -> new RestoreResponse(entry(r), positive(r));
      case SNAPSHOT_REQUEST -> {
        SnapshotRequest.Kind kind = SnapshotRequest.Kind.values()[r.nextInt(3)];
        yield new SnapshotRequest(str(r), r.nextLong(), kind, path(r),
            kind == SnapshotRequest.Kind.LIST ? "" : nonEmpty(r));
      }
      case SNAPSHOT_RESPONSE -> new SnapshotResponse(list(r,
          () -> new SnapshotResponse.SnapshotInfo(nonEmpty(r), path(r), r.nextLong())));
      case TRASH_REQUEST -> {
        TrashRequest.Kind kind = TrashRequest.Kind.values()[r.nextInt(3)];
        yield new TrashRequest(str(r), r.nextLong(), kind,
            kind == TrashRequest.Kind.RESTORE ? path(r) : "");
      }
      case TRASH_RESPONSE -> new TrashResponse(list(r, () -> new TrashResponse.TrashEntry(path(r),
          r.nextBoolean(), nonNegative(r), nonNegative(r), r.nextLong(), r.nextLong())));
      case CHUNK_MATCH_REQUEST -> new ChunkMatchRequest(path(r), r.nextInt(Integer.MAX_VALUE),
          list(r, () -> new ChunkMatchRequest.ChunkDigest(positive(r), sha256(r))));
      case CHUNK_MATCH_RESPONSE -> new ChunkMatchResponse(list(r,
          () -> new ChunkMatchResponse.ChunkMatch(r.nextInt(Integer.MAX_VALUE), r.nextLong(),
              r.nextLong(), positive(r), r.nextLong())));
      case REKEY_REQUEST -> new RekeyRequest(str(r), r.nextLong(), path(r), nonNegative(r),
          base64(r), "k" + r.nextInt(1000), base64(r));
      case WRITE_CHECK_REQUEST -> new WriteCheckRequest(path(r));
      case WRITE_CHECK_RESPONSE -> new WriteCheckResponse(r.nextBoolean() ? entry(r) : null,
          Compression.values()[r.nextInt(3)], r.nextBoolean());
      case SET_ATTRIBUTES_REQUEST -> new SetAttributesRequest(str(r), r.nextInt(0777 + 2) - 1,
          str(r), str(r), r.nextBoolean());
      case SET_ATTRIBUTES_RESPONSE -> new SetAttributesResponse(nonNegative(r));
      case SERVER_DEFAULTS_REQUEST -> new ServerDefaultsRequest();
      case SERVER_DEFAULTS_RESPONSE -> new ServerDefaultsResponse(nonNegative(r),
          1 + r.nextInt(255), 1 + r.nextInt(255), r.nextBoolean());
      case RENEW_LEASE_REQUEST -> new RenewLeaseRequest(str(r), list(r, r::nextLong));
      case RENEW_LEASE_RESPONSE -> new RenewLeaseResponse(nonNegative(r), nonNegative(r),
          list(r, r::nextLong));
      case REPORT_BAD_REPLICA_REQUEST -> new ReportBadReplicaRequest(r.nextLong(), r.nextLong(),
          str(r), str(r), token(r));
      case REGISTER_REQUEST -> new RegisterRequest(str(r), r.nextInt(65536), r.nextLong(),
          r.nextLong(), r.nextLong(), str(r));
      case REGISTER_RESPONSE -> new RegisterResponse(str(r), nonNegative(r), str(r), str(r),
          keys(r));
      case PULSE_REQUEST -> new PulseRequest(str(r), r.nextLong(), r.nextLong(), r.nextLong(),
          r.nextInt(), nonNegative(r), nonNegative(r), nonNegative(r));
      case PULSE_RESPONSE -> new PulseResponse(list(r, () -> command(r)), keys(r));
      case REPLICA_REPORT_REQUEST -> new ReplicaReportRequest(str(r), r.nextBoolean(),
          r.nextInt(Integer.MAX_VALUE), r.nextBoolean(), list(r, () -> replica(r)),
          list(r, r::nextLong));
      case AWAIT_COMMANDS_REQUEST -> new AwaitCommandsRequest(str(r), r.nextInt(60_000));
      case COMMAND_RESULT_REQUEST -> new CommandResultRequest(str(r), command(r), r.nextBoolean(),
          str(r));
      case WRITE_CHUNK_REQUEST -> new WriteChunkRequest(r.nextLong(), r.nextLong(), nonNegative(r),
          list(r, () -> node(r)), str(r), r.nextBoolean(), token(r));
      case WRITE_PACKET -> {
        boolean last = r.nextInt(8) != 0;
        yield new WritePacket(r.nextInt(Integer.MAX_VALUE), blockOffset(r), r.nextInt(), last,
            last ? sha256(r) : Sha256.NONE, Unpooled.wrappedBuffer(bytes(r, last ? packetLength(r) : Limits.BLOCK_SIZE)));
      }
      case WRITE_ACK -> new WriteAck(r.nextInt(Integer.MAX_VALUE));
      case WRITE_DONE -> new WriteDone(r.nextLong(), r.nextLong(), nonNegative(r), r.nextLong(),
          list(r, () -> str(r)), sha256(r));
      case READ_CHUNK_REQUEST -> new ReadChunkRequest(r.nextLong(), r.nextLong(), nonNegative(r),
          nonNegative(r), token(r));
      case READ_PACKET -> {
        // Mostly one block; sometimes several whole blocks and a short last one.
        int blocks = r.nextInt(8) == 0 ? 2 + r.nextInt(Limits.READ_PACKET_BLOCKS - 1) : 1;
        int[] crcs = new int[blocks];
        for (int i = 0; i < blocks; i++) {
          crcs[i] = r.nextInt();
        }
        int tail = packetLength(r);
        int length = (blocks - 1) * Limits.BLOCK_SIZE + (tail == 0 ? 1 : tail);
        yield new ReadPacket(blockOffset(r), crcs, r.nextBoolean(),
            Unpooled.wrappedBuffer(bytes(r, length)));
      }
      case AUTHENTICATE_REQUEST -> new AuthenticateRequest(str(r), str(r));
      case AUTHENTICATE_RESPONSE -> new AuthenticateResponse(str(r), str(r), r.nextBoolean());
      case USER_REQUEST -> new UserRequest(UserRequest.Action.values()[r.nextInt(2)], str(r),
          str(r), r.nextBoolean());
      case USER_RESPONSE -> new UserResponse(str(r), str(r), r.nextBoolean(), str(r), str(r));
    };
  }

  /** Mostly small packets (cheap to fuzz), sometimes empty or a whole block. */
  private static int packetLength(Random r) {
    int p = r.nextInt(16);
    return p == 0 ? 0 : p == 1 ? Limits.BLOCK_SIZE : r.nextInt(300);
  }

  private static long blockOffset(Random r) {
    return (long) r.nextInt(1 << 20) * Limits.BLOCK_SIZE;
  }

  static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static Role role(Random r) {
    return Role.values()[r.nextInt(Role.values().length)];
  }

  private static Status status(Random r) {
    return Status.values()[r.nextInt(Status.values().length)];
  }

  private static long nonNegative(Random r) {
    return r.nextBoolean() ? r.nextLong() & Long.MAX_VALUE : r.nextInt(1 << 20);
  }

  private static long positive(Random r) {
    return 1 + (nonNegative(r) & (Long.MAX_VALUE >> 1));
  }

  /** A string that is not empty (names, keys). */
  private static String nonEmpty(Random r) {
    String s = str(r);
    return s.isEmpty() ? "x" : s;
  }

  static String str(Random r) {
    int p = r.nextInt(20);
    if (p == 0) {
      // Long strings, still inside the limit in UTF-8 (and inside ErrorReply's truncation).
      StringBuilder sb = new StringBuilder();
      int n = 1 + r.nextInt(1500);
      for (int i = 0; i < n; i++) {
        sb.append((char) ('a' + r.nextInt(26)));
      }
      return sb.toString();
    }
    if (p < 4) {
      StringBuilder sb = new StringBuilder();
      int n = r.nextInt(12);
      for (int i = 0; i < n; i++) {
        sb.appendCodePoint(codePoint(r));
      }
      return sb.toString();
    }
    return WORDS[r.nextInt(WORDS.length)];
  }

  private static int codePoint(Random r) {
    while (true) {
      int cp = switch (r.nextInt(4)) {
        case 0 -> r.nextInt(0x80);
        case 1 -> 0x80 + r.nextInt(0x780);
        case 2 -> 0x800 + r.nextInt(0xF800);
        default -> 0x10000 + r.nextInt(0x100000);
      };
      if (cp < 0xD800 || cp > 0xDFFF) {
        return cp;
      }
    }
  }

  private static String path(Random r) {
    String s = str(r);
    return s.startsWith("/") ? s : "/" + s;
  }

  private static <T> List<T> list(Random r, Supplier<T> element) {
    int n = r.nextInt(6) == 0 ? 0 : r.nextInt(5);
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(element.get());
    }
    return out;
  }

  private static NodeAddress node(Random r) {
    return new NodeAddress(str(r), str(r), r.nextInt(65536));
  }

  private static NodeStatus nodeStatus(Random r) {
    return new NodeStatus(str(r), str(r), r.nextInt(65536), str(r), r.nextLong(), r.nextLong(),
        r.nextLong(), r.nextLong(), r.nextLong(), r.nextInt(), r.nextLong(), nonNegative(r));
  }

  private static FileEntry entry(Random r) {
    return new FileEntry(path(r), r.nextBoolean(), nonNegative(r), r.nextLong(), r.nextInt(256),
        nonNegative(r), r.nextInt(Integer.MAX_VALUE), str(r), str(r), r.nextInt(0777 + 1),
        encoding(r));
  }

  /** Plain, compressed, encrypted, or both. */
  private static FileEncoding encoding(Random r) {
    Compression c = Compression.values()[r.nextInt(3)];
    if (r.nextBoolean()) {
      return c == Compression.NONE ? FileEncoding.PLAIN : FileEncoding.compressed(c,
          nonNegative(r));
    }
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < 32; i++) {
      id.append(Character.forDigit(r.nextInt(16), 16));
    }
    return new FileEncoding(c, nonNegative(r), id.toString(), "k" + r.nextInt(1000), base64(r));
  }

  private static String base64(Random r) {
    byte[] b = new byte[1 + r.nextInt(60)];
    r.nextBytes(b);
    return java.util.Base64.getEncoder().encodeToString(b);
  }

  private static CommitChunk commitChunk(Random r) {
    return new CommitChunk(r.nextLong(), r.nextLong(), nonNegative(r), r.nextLong(),
        list(r, () -> str(r)), sha256(r));
  }

  private static ChunkLocation location(Random r) {
    return new ChunkLocation(r.nextInt(Integer.MAX_VALUE), r.nextLong(), r.nextLong(),
        nonNegative(r), list(r, () -> node(r)), token(r), sha256(r));
  }

  /** Not known a quarter of the time, else any 32 bytes. */
  private static Sha256 sha256(Random r) {
    return r.nextInt(4) == 0 ? Sha256.NONE
        : new Sha256(r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong());
  }

  /** No token, or one signed with a random key (a quarter of the time none). */
  private static ChunkToken token(Random r) {
    if (r.nextInt(4) == 0) {
      return ChunkToken.NONE;
    }
    return ChunkToken.sign(key(r), r.nextLong(), r.nextInt(ChunkAccess.ALL_BITS + 1),
        r.nextBoolean() ? "" : "user" + r.nextInt(1000), r.nextLong());
  }

  private static TokenKey key(Random r) {
    byte[] secret = new byte[TokenKey.SECRET_BYTES];
    r.nextBytes(secret);
    return new TokenKey(r.nextInt(), secret, r.nextLong());
  }

  private static TokenKeys keys(Random r) {
    return new TokenKeys(r.nextBoolean(), list(r, () -> key(r)).stream().limit(TokenKeys.MAX_KEYS)
        .toList());
  }

  private static ReplicaInfo replica(Random r) {
    return new ReplicaInfo(r.nextLong(), r.nextLong(), nonNegative(r), r.nextLong());
  }

  private static ChunkCommand command(Random r) {
    ChunkCommand.Kind kind = ChunkCommand.Kind.values()[r.nextInt(ChunkCommand.Kind.values().length)];
    return new ChunkCommand(kind, r.nextLong(), r.nextLong(),
        kind == ChunkCommand.Kind.COPY ? node(r) : null,
        kind == ChunkCommand.Kind.COPY ? token(r) : ChunkToken.NONE);
  }
}
