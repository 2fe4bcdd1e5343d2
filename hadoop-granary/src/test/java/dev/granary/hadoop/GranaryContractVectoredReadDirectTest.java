package dev.granary.hadoop;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.contract.AbstractContractVectoredReadTest;
import org.apache.hadoop.fs.contract.AbstractFSContract;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hadoop's vectored read contract suite with direct buffers against the shared Granary cluster.
 * The suite is a {@code @ParameterizedClass} (JUnit 5.13); on this build's JUnit one class per
 * buffer type runs it instead.
 */
@ExtendWith(TestCluster.Join.class)
class GranaryContractVectoredReadDirectTest extends AbstractContractVectoredReadTest {
  GranaryContractVectoredReadDirectTest() {
    super("direct");
  }

  @Override
  protected AbstractFSContract createContract(Configuration conf) {
    return new GranaryContract(conf);
  }
}
