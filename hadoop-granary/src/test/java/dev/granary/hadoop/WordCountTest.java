package dev.granary.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.hadoop.mapreduce.lib.map.TokenCounterMapper;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.lib.reduce.IntSumReducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real framework job: MapReduce word count on the local job runner, reading its input from and
 * writing its output to {@code granary://} (splits from the chunks' block locations, the output
 * committer's renames), and the same job on the local file system giving the same counts.
 */
@ExtendWith(TestCluster.Join.class)
class WordCountTest {
  private static final String[] WORDS = {"grain", "granary", "chunk", "master", "replica",
      "lease", "pipeline", "mill", "harvest", "silo"};

  @TempDir
  java.nio.file.Path tmp;

  @AfterEach
  void tearDown() throws IOException {
    FileSystem.closeAll();
  }

  @Test
  void wordCountOnGranaryEqualsWordCountOnLocalDisk() throws Exception {
    Configuration conf = TestCluster.get().configuration();
    conf.set("mapreduce.framework.name", "local");
    conf.set("hadoop.tmp.dir", tmp.resolve("hadoop").toString());

    Path granaryIn = new Path(TestCluster.get().uri() + "/wordcount/in");
    Path granaryOut = new Path(TestCluster.get().uri() + "/wordcount/out");
    Path localIn = new Path(tmp.resolve("in").toUri());
    Path localOut = new Path(tmp.resolve("out").toUri());
    FileSystem granary = granaryIn.getFileSystem(conf);
    FileSystem disk = localIn.getFileSystem(conf);
    try {
      // About 2.5 MiB in 1 MiB chunks: the job gets three splits of the big file.
      writeInput(granary, disk, new Path(granaryIn, "big.txt"), new Path(localIn, "big.txt"),
          2_600_000, 1);
      writeInput(granary, disk, new Path(granaryIn, "small.txt"), new Path(localIn, "small.txt"),
          10_000, 2);

      // The splits come from the chunks' locations: one per 1 MiB chunk of the big file (each
      // naming its replicas' hosts), one for the small file.
      Job probe = Job.getInstance(conf);
      FileInputFormat.addInputPath(probe, granaryIn);
      List<InputSplit> splits = new TextInputFormat().getSplits(probe);
      assertEquals(4, splits.size(), splits.toString());
      for (InputSplit split : splits) {
        // Three replicas, all on this host's loopback chunkservers.
        assertEquals(List.of("127.0.0.1", "127.0.0.1", "127.0.0.1"),
            List.of(split.getLocations()), split.toString());
      }

      assertTrue(wordCount(conf, granaryIn, granaryOut), "the job on granary:// succeeded");
      assertTrue(wordCount(conf, localIn, localOut), "the job on file:// succeeded");

      assertTrue(granary.exists(new Path(granaryOut, "_SUCCESS")), "the committer's marker");
      String expected = read(disk, new Path(localOut, "part-r-00000"));
      assertEquals(expected, read(granary, new Path(granaryOut, "part-r-00000")));
      assertTrue(expected.contains("granary\t"), expected);
    } finally {
      granary.delete(new Path(TestCluster.get().uri() + "/wordcount"), true);
    }
  }

  private static boolean wordCount(Configuration conf, Path in, Path out) throws Exception {
    Job job = Job.getInstance(conf, "wordcount " + in);
    job.setMapperClass(TokenCounterMapper.class);
    job.setCombinerClass(IntSumReducer.class);
    job.setReducerClass(IntSumReducer.class);
    job.setOutputKeyClass(Text.class);
    job.setOutputValueClass(IntWritable.class);
    FileInputFormat.addInputPath(job, in);
    FileOutputFormat.setOutputPath(job, out);
    return job.waitForCompletion(false);
  }

  /** The same seeded text of about {@code bytes} bytes to both file systems. */
  private static void writeInput(FileSystem a, FileSystem b, Path pa, Path pb, int bytes,
      long seed) throws IOException {
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder(bytes + 64);
    while (text.length() < bytes) {
      text.append(WORDS[random.nextInt(WORDS.length)])
          .append(random.nextInt(8) == 0 ? '\n' : ' ');
    }
    byte[] data = text.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    for (FileSystem fs : new FileSystem[] {a, b}) {
      try (OutputStream out = fs.create(fs == a ? pa : pb)) {
        out.write(data);
      }
    }
  }

  private static String read(FileSystem fs, Path p) throws IOException {
    try (FSDataInputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
