package dev.granary.client;

import java.util.List;

/** A file's status and its chunks with their replicas (no chunks for a directory). */
public record FileInfo(FileStatus status, List<ChunkInfo> chunks) {
  public FileInfo {
    chunks = List.copyOf(chunks);
  }
}
