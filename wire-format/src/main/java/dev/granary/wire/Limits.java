package dev.granary.wire;

/** Hard limits of the protocol. Every decoder enforces them before it allocates. */
public final class Limits {
  /** Largest payload of a control (non-data) frame. */
  public static final int MAX_CONTROL_PAYLOAD = 1 << 20;
  /** Checksum block size: each block of a replica carries one CRC32C (GFS uses 64 KiB too). */
  public static final int BLOCK_SIZE = 64 * 1024;
  /** Largest payload of a write packet frame: one block plus the packet's own fields. */
  public static final int MAX_PACKET_PAYLOAD = BLOCK_SIZE + 64;
  /** Most blocks one read packet carries (1 MiB): one {@code sendfile} per packet. */
  public static final int READ_PACKET_BLOCKS = 16;
  /** Largest payload of a read packet frame: its blocks plus the fields (one CRC32C per block). */
  public static final int MAX_READ_PACKET_PAYLOAD = READ_PACKET_BLOCKS * BLOCK_SIZE + 128;
  /**
   * Largest encoded string (paths, names, messages), in UTF-8 bytes: twice {@link #MAX_PATH_BYTES},
   * so every path the namespace accepts travels, and an error message can quote one.
   */
  public static final int MAX_STRING_BYTES = 8192;
  /** Longest name component of a namespace path, in UTF-8 bytes (as ext4's NAME_MAX). */
  public static final int MAX_NAME_BYTES = 255;
  /** Longest namespace path, in UTF-8 bytes (as Linux's PATH_MAX); see {@link PathLimits}. */
  public static final int MAX_PATH_BYTES = 4096;
  /**
   * Largest number of entries a LIST reply carries, whatever the request's limit: a bound on what
   * one request makes the master build. Clients page with {@code startAfter}.
   */
  public static final int MAX_LIST_ENTRIES = 1000;
  /**
   * Largest number of chunk locations in one LOOKUP reply: as many as fit in a control frame with
   * three replicas of long node ids and host names, a READ token and the SHA-256 each (~410 bytes a
   * location). Was 4096 in version 1, whose locations already reached the frame limit.
   */
  public static final int MAX_LOOKUP_CHUNKS = 2048;
  /**
   * Most older versions a directory policy may keep of each file ({@code keepVersions}); a
   * VERSIONS reply carries at most this many plus the current contents.
   */
  public static final int MAX_KEEP_VERSIONS = 1000;
  /** Most snapshots one directory may have; a SNAPSHOT reply carries at most this many. */
  public static final int MAX_SNAPSHOTS = 100;
  /**
   * Largest number of entries one TRASH reply carries (the master lists those that expire first,
   * within the control frame's size); a longer trash is listed in part.
   */
  public static final int MAX_TRASH_ENTRIES = 1000;
  /**
   * Most chunks one CHUNK_MATCH request asks about (and its answer names); a writer of a longer
   * file asks in batches. 40 bytes each: 4096 stay well inside a control frame.
   */
  public static final int MAX_MATCH_CHUNKS = 4096;

  private Limits() {}
}
