package dev.granary.master.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.namespace.Namespace;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden bytes of the two on-disk forms of a file's chunks: the commit record of the operation log
 * and a file entry of a checkpoint. Both must stay byte-for-byte what earlier masters wrote, plus
 * the owner, group and permission added with permissions; lines written before them still load.
 */
class ChunkRecordFormatTest {
  private static final List<ChunkRecord> CHUNKS = List.of(
      new ChunkRecord(1, 1, 5, -12), new ChunkRecord(0x2aL, 3, 67108864, 0x5eed0000L));

  @TempDir
  Path tmp;

  @Test
  void commitRecordIsTheGoldenLine() {
    OpCodec codec = new OpCodec(new ObjectMapper());
    Op.Commit op = new Op.Commit("c1", 3, 1700000000000L, "/a/f", false, 3, 67108864, CHUNKS,
        "alice", "staff");
    String before = "{\"seq\":7,\"type\":\"commit\",\"time\":1700000000000,\"client\":\"c1\","
        + "\"op\":3,\"path\":\"/a/f\",\"overwrite\":false,\"replication\":3,"
        + "\"chunkSize\":67108864,\"chunks\":["
        + "{\"handle\":\"0000000000000001\",\"version\":1,\"length\":5,\"digest\":-12},"
        + "{\"handle\":\"000000000000002a\",\"version\":3,\"length\":67108864,"
        + "\"digest\":1592590336}]";
    String golden = before + ",\"owner\":\"alice\",\"group\":\"staff\"}\n";
    byte[] line = codec.encode(7, op);
    assertEquals(golden, new String(line, StandardCharsets.UTF_8));
    OpCodec.Record back = codec.decode(line, 0, line.length - 1);
    assertEquals(7, back.seq());
    assertEquals(op, back.op());
    // A line from before owners: the file is admin's.
    byte[] old = (before + "}").getBytes(StandardCharsets.UTF_8);
    assertEquals(new Op.Commit("c1", 3, 1700000000000L, "/a/f", false, 3, 67108864, CHUNKS,
        "admin", "admin"), codec.decode(old, 0, old.length).op());
  }

  @Test
  void checkpointFileEntryIsTheGoldenLine() throws Exception {
    MetadataImage image = new MetadataImage();
    image.setReservedUpTo(100);
    image.namespace().loader().file("/f", 9, 2, 67108864, CHUNKS);
    CheckpointFormat format = new CheckpointFormat(new ObjectMapper().getFactory());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    format.write(image, out);
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals("{\"f\":\"/f\",\"m\":9,\"r\":2,\"s\":67108864,"
        + "\"c\":[1,1,5,-12,42,3,67108864,1592590336],\"o\":\"admin\",\"g\":\"admin\","
        + "\"p\":\"644\"}", lines.get(1));
    Path file = tmp.resolve("checkpoint.json");
    Files.write(file, out.toByteArray());
    MetadataImage loaded = format.read(file);
    assertEquals(CHUNKS, loaded.namespace().chunks(loaded.namespace().file("/f", Namespace.SYSTEM).file()));
  }
}
