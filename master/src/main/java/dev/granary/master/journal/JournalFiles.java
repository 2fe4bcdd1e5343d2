package dev.granary.master.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Names of the files in the master's data directory. Log segments are {@code oplog-N.jsonl} where N
 * (20 digits) is the sequence number of their first record; checkpoints are
 * {@code checkpoint-N.json} where N is the last sequence number they include. Zero-padding makes the
 * lexical order the numeric order for an operator's {@code ls}.
 */
public final class JournalFiles {
  static final String LOG_PREFIX = "oplog-";
  static final String LOG_SUFFIX = ".jsonl";
  static final String CHECKPOINT_PREFIX = "checkpoint-";
  static final String CHECKPOINT_SUFFIX = ".json";
  static final String TMP_SUFFIX = ".tmp";

  private JournalFiles() {}

  static Path segment(Path dir, long firstSeq) {
    return dir.resolve(String.format("%s%020d%s", LOG_PREFIX, firstSeq, LOG_SUFFIX));
  }

  static Path checkpoint(Path dir, long seq) {
    return dir.resolve(String.format("%s%020d%s", CHECKPOINT_PREFIX, seq, CHECKPOINT_SUFFIX));
  }

  /** Log segments by first sequence number. */
  static TreeMap<Long, Path> segments(Path dir) throws IOException {
    return list(dir, LOG_PREFIX, LOG_SUFFIX);
  }

  /** Checkpoints by last included sequence number. */
  static TreeMap<Long, Path> checkpoints(Path dir) throws IOException {
    return list(dir, CHECKPOINT_PREFIX, CHECKPOINT_SUFFIX);
  }

  private static TreeMap<Long, Path> list(Path dir, String prefix, String suffix)
      throws IOException {
    TreeMap<Long, Path> out = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, prefix + "*" + suffix)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        String digits = n.substring(prefix.length(), n.length() - suffix.length());
        if (digits.length() == 20 && digits.chars().allMatch(Character::isDigit)) {
          out.put(Long.parseLong(digits), p);
        }
      }
    }
    return out;
  }

  /** Leftover temp files of interrupted checkpoints. */
  static List<Path> temporaries(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + TMP_SUFFIX)) {
      ds.forEach(out::add);
    }
    return out;
  }

  /** Makes a rename, creation or deletion in {@code dir} durable. */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
