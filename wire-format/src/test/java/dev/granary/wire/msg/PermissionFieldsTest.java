package dev.granary.wire.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.wire.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Owner, group and permission bits in FileEntry and SET_ATTRIBUTES: round trips and bounds. */
class PermissionFieldsTest {
  private final ByteBuf buf = Unpooled.buffer();

  @AfterEach
  void release() {
    buf.release();
  }

  @Test
  void fileEntryCarriesOwnerGroupAndPermission() {
    FileEntry e = new FileEntry("/a/b", true, 0, 5, 0, 0, 0, "alice", "staff", 0750);
    e.encode(buf);
    assertEquals(e, FileEntry.decode(buf));
    assertEquals(0, buf.readableBytes());
    assertEquals("750", e.permissionOctal());
  }

  @Test
  void theShortConstructorGivesTheDefaultsOfAClusterWithoutIdentities() {
    FileEntry dir = new FileEntry("/d", true, 0, 1, 0, 0, 0);
    FileEntry file = new FileEntry("/f", false, 1, 1, 3, 1, 1);
    assertEquals("admin", dir.owner());
    assertEquals("admin", dir.group());
    assertEquals("755", dir.permissionOctal());
    assertEquals("644", file.permissionOctal());
  }

  @Test
  void octalIsAlwaysThreeDigits() {
    assertEquals("000", FileEntry.octal(0));
    assertEquals("007", FileEntry.octal(07));
    assertEquals("070", FileEntry.octal(070));
    assertEquals("777", FileEntry.octal(0777));
  }

  @Test
  void aPermissionAbove777IsRefusedOnBothSides() {
    assertThrows(IllegalArgumentException.class,
        () -> new FileEntry("/a", false, 0, 0, 1, 0, 0, "u", "g", 01000));
    new FileEntry("/a", false, 0, 0, 1, 0, 0, "u", "g", 0).encode(buf);
    buf.setShort(buf.writerIndex() - 3, 01644); // sticky bit set on the wire (before the encoding byte)
    ProtocolException x = assertThrows(ProtocolException.class, () -> FileEntry.decode(buf));
    assertTrue(x.getMessage().contains("1644"), x.getMessage());
  }

  @Test
  void setAttributesPermissionIsMinusOneOrNineBits() {
    new SetAttributesRequest("/a", SetAttributesRequest.UNCHANGED_PERMISSION, "", "g", false)
        .encode(buf);
    assertEquals(new SetAttributesRequest("/a", -1, "", "g", false),
        SetAttributesRequest.decode(buf));
    buf.clear();
    new SetAttributesRequest("/a", 0, "", "", false).encode(buf);
    buf.setInt(4, 04755);
    assertThrows(ProtocolException.class, () -> SetAttributesRequest.decode(buf));
    buf.readerIndex(0);
    buf.setInt(4, -2);
    assertThrows(ProtocolException.class, () -> SetAttributesRequest.decode(buf));
  }
}
