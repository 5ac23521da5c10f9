package dev.srlstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnerCommandTest {
  private static final String[] BASE = {
    "learner", "--bootstrap-servers", "127.0.0.1:1", "--schema-registry", "http://127.0.0.1:1"
  };

  @Test
  void helpTellsWhatItDoes() {
    CommandRun run = CommandRun.of("learner", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("srl.policy-versions", "--batch-groups", "--max-staleness", "DROP|DOWNWEIGHT");
  }

  @Test
  void badSettingsFailBeforeAnythingConnects(@TempDir Path dir) throws Exception {
    CommandRun batch = CommandRun.of(with("--batch-groups", "0"));
    assertThat(batch.exitCode()).isEqualTo(1);
    assertThat(batch.err()).contains("batchGroups must be >= 1, but was 0");

    CommandRun policy = CommandRun.of(with("--policy", "no spaces"));
    assertThat(policy.exitCode()).isEqualTo(1);
    assertThat(policy.err()).contains("policyName must be", "but was no spaces");

    CommandRun missing = CommandRun.of(with("--base-policy", dir.resolve("nope.bin").toString()));
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err())
        .contains("--base-policy " + dir.resolve("nope.bin") + " does not exist");

    Path garbage = Files.write(dir.resolve("garbage.bin"), new byte[] {1, 2, 3});
    CommandRun corrupt = CommandRun.of(with("--base-policy", garbage.toString()));
    assertThat(corrupt.exitCode()).isEqualTo(1);
    assertThat(corrupt.err()).containsIgnoringCase("weights");

    CommandRun keep = CommandRun.of(with("--keep-checkpoints", "1"));
    assertThat(keep.exitCode()).isEqualTo(1);
    assertThat(keep.err()).contains("keepCheckpoints must be >= 2, but was 1");

    CommandRun stale = CommandRun.of(with("--stale-groups", "sometimes"));
    assertThat(stale.exitCode()).isEqualTo(2);
  }

  private static String[] with(String... more) {
    String[] all = new String[BASE.length + more.length];
    System.arraycopy(BASE, 0, all, 0, BASE.length);
    System.arraycopy(more, 0, all, BASE.length, more.length);
    return all;
  }
}
