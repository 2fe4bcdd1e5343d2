package dev.granary.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.ChunkLocation;
import dev.granary.wire.msg.CommitChunk;
import dev.granary.wire.msg.CommitFileRequest;
import dev.granary.wire.msg.DeleteRequest;
import dev.granary.wire.msg.DeleteResponse;
import dev.granary.wire.msg.LookupRequest;
import dev.granary.wire.msg.PolicyRequest;
import dev.granary.wire.msg.TrashRequest;
import dev.granary.wire.msg.VersionsResponse;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.FileEncoding;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.Hello;
import dev.granary.wire.msg.LookupResponse;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.NodeAddress;
import dev.granary.wire.msg.Ping;
import dev.granary.wire.msg.PulseResponse;
import dev.granary.wire.msg.RenewLeaseRequest;
import dev.granary.wire.msg.RenewLeaseResponse;
import dev.granary.wire.msg.SetAttributesRequest;
import dev.granary.wire.msg.StatResponse;
import dev.granary.wire.msg.WriteAck;
import dev.granary.wire.msg.WriteDone;
import dev.granary.wire.msg.WritePacket;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-written bytes of the frame header and of several messages, as PROTOCOL.md describes them.
 * If one of these fails, the layout on the wire changed: that breaks every deployed peer, so it
 * needs a new protocol version (PROTOCOL.md, "Evolving the protocol"), not a new golden string.
 */
class GoldenBytesTest {
  /** sha256("abc") (FIPS 180-2 appendix B.1): a SHA-256 field's 32 bytes, in order. */
  private static final String ABC_HEX =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final Sha256 ABC = Sha256.parse(ABC_HEX);

  @Test
  void headerOfAnEmptyRequest() {
    String golden = "47524e59 | 03 | 00 | 0005 | 0000000000000007 | 00000000";
    assertGolden(golden, Frame.request(7, new Ping()));
  }

  @Test
  void hello() {
    String golden = "47524e59 03 00 0001 0000000000000001 00000012"
        + "| 01 | 0002 6331 | 000b 6772616e6172792f302e31"; // CLIENT, "c1", "granary/0.1"
    assertGolden(golden, Frame.request(1, new Hello(Role.CLIENT, "c1", "granary/0.1")));
  }

  @Test
  void errorReply() {
    String golden = "47524e59 03 01 0003 0102030405060708 0000000b"
        + "| 0003 | 0005 6e6f202f78 | 0000"; // NOT_FOUND, "no /x", ""
    assertGolden(golden, Frame.response(0x0102030405060708L,
        new ErrorReply(Status.NOT_FOUND, "no /x", "")));
  }

  @Test
  void writeAck() {
    assertGolden("47524e59 03 01 0042 0000000000000009 00000004 | 00000005",
        Frame.response(9, new WriteAck(5)));
  }

  @Test
  void writeDoneWithAStringList() {
    String golden = "47524e59 03 01 0043 0000000000000002 0000004b"
        + "| 0000000000000010 | 0000000000000002 | 0000000000000009 | 00000000000000ff"
        + "| 00000002 | 0001 61 | 0002 6263 | " + ABC_HEX;
    assertGolden(golden, Frame.response(2,
        new WriteDone(0x10, 2, 9, 0xff, List.of("a", "bc"), ABC)));
  }

  @Test
  void statResponseWithAFileEntry() {
    // The last byte: the entry's FileEncoding, 00 = plain.
    String golden = "47524e59 03 01 0019 0000000000000003 00000036"
        + "| 0002 2f61 | 00 | 0000000000000003 | 00000000000003e8 | 00000003"
        + "| 0000000004000000 | 00000001 | 0005 616c696365 | 0005 7374616666 | 01a4 | 00";
    assertGolden(golden, Frame.response(3, new StatResponse(
        new FileEntry("/a", false, 3, 1000, 3, 64L << 20, 1, "alice", "staff", 0644))));
  }

  @Test
  void statResponseOfACompressedEncryptedFile() {
    String id = "0123456789abcdef0123456789abcdef";
    String golden = "47524e59 03 01 0019 0000000000000003 0000006b"
        + "| 0002 2f61 | 00 | 0000000000000003 | 00000000000003e8 | 00000003"
        + "| 0000000004000000 | 00000001 | 0005 616c696365 | 0005 7374616666 | 0180"
        + "| 01 | 02 | 0000000000000041 | 0020 " + hex(id) + "| 0002 6b31 | 0004 41424344";
    assertGolden(golden, Frame.response(3, new StatResponse(
        new FileEntry("/a", false, 3, 1000, 3, 64L << 20, 1, "alice", "staff", 0600,
            new FileEncoding(Compression.ZSTD, 65, id, "k1", "ABCD")))));
  }

  private static String hex(String ascii) {
    StringBuilder b = new StringBuilder();
    for (byte c : ascii.getBytes(StandardCharsets.US_ASCII)) {
      b.append(String.format("%02x", c));
    }
    return b.toString();
  }

  @Test
  void setAttributesRequestWithUnchangedGroup() {
    String golden = "47524e59 03 00 0054 0000000000000008 00000010"
        + "| 0002 2f61 | 000001e8 | 0003 626f62 | 0000 | 01";
    assertGolden(golden, Frame.request(8, new SetAttributesRequest("/a", 0750, "bob", "", true)));
  }

  @Test
  void pulseResponseWithACopyCommand() {
    // The command's empty token (0000), then the token keys: not required (00), none (00000000).
    String golden = "47524e59 03 01 0033 0000000000000004 00000026"
        + "| 00000001 | 01 | 0000000000000001 | 0000000000000002 | 01 | 0002 6e31 | 0001 68 | 1b58"
        + "| 0000 | 00 | 00000000";
    assertGolden(golden, Frame.response(4, new PulseResponse(List.of(new ChunkCommand(
        ChunkCommand.Kind.COPY, 1, 2, new NodeAddress("n1", "h", 7000))))));
  }

  @Test
  void lastWritePacketFieldsThenTheReplicasSha256ThenData() {
    byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);
    String golden = "47524e59 03 00 0041 0000000000000005 0000003a"
        + "| 00000001 | 0000000000010000 | e3069283 | 01 | " + ABC_HEX + "| 313233343536373839";
    assertPacketGolden(golden, 5, new WritePacket(1, Limits.BLOCK_SIZE,
        Checksums.crc32c(data, 0, data.length), true, ABC, Unpooled.wrappedBuffer(data)), data);
  }

  @Test
  void writePacketThatIsNotTheLastHasNoSha256() {
    byte[] data = new byte[Limits.BLOCK_SIZE];
    String golden = "47524e59 03 00 0041 0000000000000006 00010011"
        + "| 00000000 | 0000000000000000 | 00000007 | 00 | " + "00".repeat(Limits.BLOCK_SIZE);
    assertPacketGolden(golden, 6, new WritePacket(0, 0, 7, false, Unpooled.wrappedBuffer(data)),
        data);
  }

  @Test
  void commitFileRequestWithAChunkAndItsSha256() {
    // After the spare replication (0): the FileEncoding (00 = plain) and the size (-1: plain).
    String golden = "47524e59 03 00 0012 000000000000000c 00000077"
        + "| 0002 6331 | 0000000000000009 | 0002 2f61 | 00 | 00000003 | 0000000004000000"
        + "| 00000001 | 0000000000000007 | 0000000000000001 | 0000000000000003 | 00000000000000ff"
        + "| 00000001 | 0003 637331 | " + ABC_HEX + "| 00000000 | 00 | ffffffffffffffff";
    assertGolden(golden, Frame.request(12, new CommitFileRequest("c1", 9, "/a", false, 3,
        64L << 20, List.of(new CommitChunk(7, 1, 3, 0xff, List.of("cs1"), ABC)))));
  }

  @Test
  void lookupResponseWithAChunkLocationAndItsSha256() {
    // The location's empty token (0000), then the SHA-256; NONE is 32 zero bytes.
    String golden = "47524e59 03 01 0015 000000000000000d 000000c9"
        + "| 0002 2f61 | 00 | 0000000000000003 | 00000000000003e8 | 00000003"
        + "| 0000000004000000 | 00000002 | 0005 616c696365 | 0005 7374616666 | 01a4 | 00"
        + "| 00000002"
        + "| 00000000 | 0000000000000007 | 0000000000000001 | 0000000000000003"
        + "| 00000001 | 0003 637331 | 0001 68 | 1b58 | 0000 | " + ABC_HEX
        + "| 00000001 | 0000000000000008 | 0000000000000001 | 0000000000000000"
        + "| 00000000 | 0000 | " + "00".repeat(32)
        + "| 01";
    assertGolden(golden, Frame.response(13, new LookupResponse(
        new FileEntry("/a", false, 3, 1000, 3, 64L << 20, 2, "alice", "staff", 0644),
        List.of(new ChunkLocation(0, 7, 1, 3, List.of(new NodeAddress("cs1", "h", 7000)), ABC),
            new ChunkLocation(1, 8, 1, 0, List.of(), Sha256.NONE)), true)));
  }

  /** {@link #assertGolden} for a packet, whose bulk data the frame equality does not cover. */
  private static void assertPacketGolden(String goldenHex, long requestId, WritePacket p,
      byte[] data) {
    byte[] expected = Wire.hex(goldenHex);
    assertEquals(Wire.hex(expected), Wire.hex(Wire.encode(Frame.request(requestId, p))));
    Frame f = Wire.decodeOne(expected);
    try {
      WritePacket g = (WritePacket) f.message();
      assertEquals(List.of(p.seq(), p.offset(), p.crc(), p.last(), p.sha256()),
          List.of(g.seq(), g.offset(), g.crc(), g.last(), g.sha256()));
      assertArrayEquals(data, ByteBufUtil.getBytes(g.data()));
    } finally {
      f.release();
    }
  }

  @Test
  void renewLeaseRequestWithItsHandles() {
    String golden = "47524e59 03 00 0028 000000000000000a 00000018"
        + "| 0002 6331 | 00000002 | 0000000000000005 | 0000000000000006";
    assertGolden(golden, Frame.request(10, new RenewLeaseRequest("c1", List.of(5L, 6L))));
  }

  @Test
  void renewLeaseResponseWithAReleasedHandle() {
    String golden = "47524e59 03 01 0029 000000000000000b 0000001c"
        + "| 00000000000003e8 | 0000000000000fa0 | 00000001 | 0000000000000007";
    assertGolden(golden, Frame.response(11, new RenewLeaseResponse(1000, 4000, List.of(7L))));
  }

  @Test
  void policyRequestSettingATrashDuration() {
    String golden = "47524e59 03 00 0096 000000000000000c 00000025"
        + "| 0002 6331 | 0000000000000005 | 0002 2f64 | 00000001"
        + "| 0005 7472617368 | 0008 3836343030303030"; // "trash" = "86400000"
    assertGolden(golden, Frame.request(12, new PolicyRequest("c1", 5, "/d",
        List.of(new PolicyRequest.PolicySetting(PolicyKeys.TRASH, "86400000")))));
  }

  @Test
  void deleteRequestAndResponseWithTheTrashFields() {
    assertGolden("47524e59 03 00 001c 000000000000000d 00000012"
        + "| 0002 6331 | 0000000000000001 | 0002 2f61 | 01 | 01",
        Frame.request(13, new DeleteRequest("c1", 1, "/a", true, true)));
    assertGolden("47524e59 03 01 001d 000000000000000d 00000018"
        + "| 0000000000000002 | 0000000000000001 | 0000018c2a000000",
        Frame.response(13, new DeleteResponse(2, 1, 0x18c2a000000L)));
  }

  @Test
  void lookupRequestOfAVersion() {
    assertGolden("47524e59 03 00 0014 000000000000000e 00000014"
        + "| 0002 2f66 | 00000000 | 00000010 | 0000000000000002",
        Frame.request(14, new LookupRequest("/f", 0, 16, 2)));
  }

  @Test
  void versionsResponseNewestFirst() {
    String golden = "47524e59 03 01 0099 000000000000000f 00000038"
        + "| 0002 2f66 | 00000002"
        + "| 0000000000000003 | 000000000000000a | 00000000000003e8"
        + "| 0000000000000002 | 0000000000000005 | 0000000000000384";
    assertGolden(golden, Frame.response(15, new VersionsResponse("/f", List.of(
        new VersionsResponse.FileVersion(3, 10, 1000),
        new VersionsResponse.FileVersion(2, 5, 900)))));
  }

  @Test
  void trashRestoreRequest() {
    assertGolden("47524e59 03 00 009e 0000000000000010 00000011"
        + "| 0002 6331 | 0000000000000007 | 01 | 0002 2f64",
        Frame.request(16, new TrashRequest("c1", 7, TrashRequest.Kind.RESTORE, "/d")));
  }

  /** Encoding gives exactly the golden bytes, and the golden bytes decode to the same frame. */
  private static void assertGolden(String goldenHex, Frame frame) {
    byte[] expected = Wire.hex(goldenHex);
    Message m = frame.message();
    assertEquals(Wire.hex(expected), Wire.hex(Wire.encode(frame)));
    Frame decoded = Wire.decodeOne(expected);
    try {
      assertEquals(frame.requestId(), decoded.requestId());
      assertEquals(frame.flags(), decoded.flags());
      assertEquals(m, decoded.message());
    } finally {
      decoded.release();
    }
  }
}
