package dev.srlstream.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.actor.PolicyVersionFeed.VersionUpdate;
import dev.srlstream.policy.InvalidWeightsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitialWeightsTest {
  @TempDir Path dir;

  @Test
  void thePublishedVersionWinsOverTheBasePolicy() throws Exception {
    Path base = Files.write(dir.resolve("base.srlw"), FakePolicy.weights(0));
    ActorConfig config = ActorConfig.builder().basePolicy(base).build();
    byte[] published = FakePolicy.weights(5);

    InitialWeights initial =
        InitialWeights.choose(Optional.of(new VersionUpdate(5, published, "v-0@9")), config);

    assertThat(initial.weights()).isEqualTo(published);
    assertThat(initial.model()).isEqualTo(FakePolicy.TINY);
    assertThat(initial.source()).isEqualTo("version 5 at v-0@9");
  }

  @Test
  void theBasePolicyWhenNoVersionIsPublished() throws Exception {
    byte[] bytes = FakePolicy.weights(0);
    Path base = Files.write(dir.resolve("base.srlw"), bytes);

    InitialWeights initial =
        InitialWeights.choose(Optional.empty(), ActorConfig.builder().basePolicy(base).build());

    assertThat(initial.weights()).isEqualTo(bytes);
    assertThat(initial.model()).isEqualTo(FakePolicy.TINY);
    assertThat(initial.source()).isEqualTo("the base policy " + base);
  }

  @Test
  void freshWeightsOtherwise() {
    ActorConfig config = ActorConfig.builder().model(FakePolicy.TINY).initSeed(3).build();

    InitialWeights initial = InitialWeights.choose(Optional.empty(), config);

    assertThat(initial.weights()).isNull();
    assertThat(initial.model()).isEqualTo(FakePolicy.TINY);
    assertThat(initial.tokenizerId()).isEqualTo("byte-v1");
    assertThat(initial.source()).isEqualTo("fresh weights (seed 3)");
  }

  @Test
  void aCorruptBasePolicyFailsNamingTheFile() throws Exception {
    byte[] bytes = FakePolicy.weights(0);
    bytes[bytes.length / 2] ^= 1;
    Path base = Files.write(dir.resolve("corrupt.srlw"), bytes);
    ActorConfig config = ActorConfig.builder().basePolicy(base).build();

    assertThatThrownBy(() -> InitialWeights.choose(Optional.empty(), config))
        .isInstanceOf(InvalidWeightsException.class)
        .hasMessageStartingWith("the base policy " + base + " is not valid weights: ")
        .hasMessageContaining("checksum");
  }
}
