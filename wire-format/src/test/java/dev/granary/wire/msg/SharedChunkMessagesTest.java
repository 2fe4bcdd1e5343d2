package dev.granary.wire.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.Limits;
import dev.granary.wire.PolicyKeys;
import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bounds the decoders of the versions, snapshot, trash and policy messages enforce. */
class SharedChunkMessagesTest {
  private final ByteBuf buf = Unpooled.buffer();

  @AfterEach
  void release() {
    buf.release();
  }

  @Test
  void aPolicyRequestCarriesAtMostSixteenSettings() {
    List<PolicyRequest.PolicySetting> many = new ArrayList<>();
    for (int i = 0; i <= PolicyKeys.MAX_SETTINGS; i++) {
      many.add(new PolicyRequest.PolicySetting("trash", "1"));
    }
    assertThrows(IllegalArgumentException.class, () -> new PolicyRequest("c", 1, "/d", many));
    new PolicyRequest("c", 1, "/d", many.subList(0, PolicyKeys.MAX_SETTINGS)).encode(buf);
    int countAt = 2 + 1 + 8 + 2 + 2;
    buf.setInt(countAt, PolicyKeys.MAX_SETTINGS + 1);
    ProtocolException x = assertDecodeFails(PolicyRequest::decode);
    assertTrue(x.getMessage().contains("exceeds the limit of 16"), x.getMessage());
  }

  @Test
  void anEmptyPolicyKeyOrValueOnTheWayBackIsRefused() {
    new PolicyRequest("c", 1, "/d", List.of(new PolicyRequest.PolicySetting("", "1")))
        .encode(buf);
    assertDecodeFails(PolicyRequest::decode);
    buf.clear();
    new PolicyResponse("/d", List.of(new PolicyResponse.PolicyValue("trash", "", "/")))
        .encode(buf);
    assertDecodeFails(PolicyResponse::decode);
  }

  @Test
  void versionNumbersStartAtOneAndLookupsAtZero() {
    new RestoreRequest("c", 1, "/f", 1).encode(buf);
    buf.setLong(buf.writerIndex() - 8, 0);
    assertDecodeFails(RestoreRequest::decode);
    buf.clear();
    new LookupRequest("/f", 0, 1, 0).encode(buf);
    buf.setLong(buf.writerIndex() - 8, -1);
    assertDecodeFails(LookupRequest::decode);
    assertEquals(LookupRequest.CURRENT, new LookupRequest("/f", 0, 1).version());
    buf.clear();
    new VersionsResponse("/f", List.of(new VersionsResponse.FileVersion(1, 0, 0))).encode(buf);
    buf.setInt(4, VersionsResponse.MAX_VERSIONS + 1);
    assertDecodeFails(VersionsResponse::decode);
  }

  @Test
  void aSnapshotListTakesNoNameAndTheOthersNeedOne() {
    assertThrows(IllegalArgumentException.class,
        () -> new SnapshotRequest("c", 1, SnapshotRequest.Kind.LIST, "/d", "s"));
    assertThrows(IllegalArgumentException.class,
        () -> new SnapshotRequest("c", 1, SnapshotRequest.Kind.CREATE, "/d", ""));
    new SnapshotRequest("c", 1, SnapshotRequest.Kind.LIST, "/d", "").encode(buf);
    buf.setByte(2 + 1 + 8, SnapshotRequest.Kind.CREATE.ordinal());
    assertDecodeFails(SnapshotRequest::decode);
    buf.readerIndex(0);
    buf.setByte(2 + 1 + 8, 3);
    ProtocolException x = assertDecodeFails(SnapshotRequest::decode);
    assertTrue(x.getMessage().contains("unknown snapshot request kind 3"), x.getMessage());
    assertEquals("/d/.snapshot/s", SnapshotRequest.snapshotPath("/d", "s"));
    assertEquals("/.snapshot/s", SnapshotRequest.snapshotPath("/", "s"));
  }

  @Test
  void onlyATrashRestoreNamesAPath() {
    assertThrows(IllegalArgumentException.class,
        () -> new TrashRequest("c", 1, TrashRequest.Kind.RESTORE, ""));
    assertThrows(IllegalArgumentException.class,
        () -> new TrashRequest("c", 1, TrashRequest.Kind.EMPTY, "/d"));
    new TrashRequest("c", 1, TrashRequest.Kind.RESTORE, "/d").encode(buf);
    buf.setByte(2 + 1 + 8, TrashRequest.Kind.LIST.ordinal());
    assertDecodeFails(TrashRequest::decode);
  }

  @Test
  void snapshotAndTrashRepliesAreBounded() {
    new SnapshotResponse(List.of()).encode(buf);
    buf.setInt(0, Limits.MAX_SNAPSHOTS + 1);
    assertDecodeFails(SnapshotResponse::decode);
    buf.clear();
    new TrashResponse(List.of()).encode(buf);
    buf.setInt(0, Limits.MAX_TRASH_ENTRIES + 1);
    assertDecodeFails(TrashResponse::decode);
  }

  @Test
  void oldArityConstructorsMeanNoTrashAndTheCurrentContents() {
    DeleteRequest d = new DeleteRequest("c", 1, "/a", true);
    assertEquals(false, d.skipTrash());
    DeleteResponse r = new DeleteResponse(1, 0);
    assertEquals(0, r.trashExpires());
    assertEquals(false, r.trashed());
    assertEquals(true, new DeleteResponse(1, 0, 5).trashed());
  }

  private ProtocolException assertDecodeFails(Function<ByteBuf, ?> decoder) {
    buf.readerIndex(0);
    return assertThrows(ProtocolException.class, () -> decoder.apply(buf));
  }
}
