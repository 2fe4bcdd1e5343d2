package dev.granary.hadoop;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.contract.AbstractFSContract;

/**
 * Binds Hadoop's contract suites to the shared {@link TestCluster}, with Granary's semantics as
 * declared in {@code contract/granary.xml}. Tests work under {@code /test}.
 */
final class GranaryContract extends AbstractFSContract {
  static final String RESOURCE = "contract/granary.xml";
  private FileSystem fs;

  GranaryContract(Configuration conf) {
    super(TestCluster.get().configure(conf));
    addConfResource(RESOURCE);
  }

  @Override
  public void init() throws IOException {
    super.init();
    fs = FileSystem.get(TestCluster.get().uri(), getConf());
  }

  @Override
  public FileSystem getTestFileSystem() {
    return fs;
  }

  @Override
  public String getScheme() {
    return GranaryFileSystem.SCHEME;
  }

  @Override
  public Path getTestPath() {
    return new Path("/test");
  }
}
