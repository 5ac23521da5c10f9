package dev.srlstream.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PolicyTest {

  private static final ModelConfig CONFIG = TestModels.SMALL;
  private static final int[] PROMPT = {ByteTokenizer.BOS, ByteTokenizer.FIRST_BYTE + 'Q'};
  private static final SamplingParams GREEDY = SamplingParams.greedy(12, ByteTokenizer.EOS);

  @Test
  void initialWeightsAreDeterministicFromTheSeed() {
    try (Policy a = Policy.initialize(CONFIG, 5L);
        Policy b = Policy.initialize(CONFIG, 5L);
        Policy c = Policy.initialize(CONFIG, 6L)) {
      assertThat(a.weights().bitEquals(b.weights())).isTrue();
      assertThat(a.weights().bitEquals(c.weights())).isFalse();
      assertThat(a.weights().bitEquals(ModelWeights.initial(CONFIG, 5L))).isTrue();
      assertThat(a.version()).isZero();
      assertThat(a.weights().parameterCount()).isEqualTo(CONFIG.parameterCount());
    }
  }

  @Test
  void aPolicyLoadedFromExportedBytesSamplesTheSame() {
    try (Policy source = Policy.initialize(CONFIG, 5L)) {
      source.swapWeights(
          WeightsCodec.encode(CONFIG, ByteTokenizer.ID, 9L, TestModels.noisy(CONFIG, 1, 0.3)));
      SamplingParams params = SamplingParams.sampling(1f, 12, ByteTokenizer.EOS, 77L);
      try (Policy copy = Policy.load(source.exportWeights())) {
        assertThat(copy.version()).isEqualTo(9L);
        assertThat(copy.config()).isEqualTo(CONFIG);
        assertThat(copy.tokenizer().id()).isEqualTo(ByteTokenizer.ID);
        assertThat(copy.sampleGroup(PROMPT, 8, params))
            .isEqualTo(source.sampleGroup(PROMPT, 8, params));
      }
    }
  }

  @Test
  void swapWeightsAdoptsTheNewWeightsAndVersion() {
    ModelWeights trained = TestModels.noisy(CONFIG, 2, 0.3);
    try (Policy policy = Policy.initialize(CONFIG, 5L)) {
      SampleResult before = policy.sample(PROMPT, GREEDY);

      policy.swapWeights(WeightsCodec.encode(CONFIG, ByteTokenizer.ID, 4L, trained));

      assertThat(policy.version()).isEqualTo(4L);
      assertThat(policy.weights().bitEquals(trained)).isTrue();
      assertThat(policy.sample(PROMPT, GREEDY)).isNotEqualTo(before);
    }
  }

  @Test
  void aFailedSwapKeepsTheOldWeightsAndVersion() {
    ModelConfig other = new ModelConfig(CONFIG.vocabSize(), 16, 3, 2, 64, 32, true);
    byte[] otherArchitecture =
        WeightsCodec.encode(other, ByteTokenizer.ID, 8L, ModelWeights.initial(other, 1L));
    byte[] corrupt =
        WeightsCodec.encode(CONFIG, ByteTokenizer.ID, 8L, TestModels.noisy(CONFIG, 3, 0.3));
    corrupt[corrupt.length - 100] ^= 0x40;
    byte[] truncated =
        Arrays.copyOf(
            WeightsCodec.encode(CONFIG, ByteTokenizer.ID, 8L, TestModels.noisy(CONFIG, 3, 0.3)),
            1000);

    try (Policy policy = Policy.initialize(CONFIG, 5L)) {
      ModelWeights original = policy.weights();
      SampleResult before = policy.sample(PROMPT, GREEDY);

      assertThatThrownBy(() -> policy.swapWeights(otherArchitecture))
          .isInstanceOf(InvalidWeightsException.class)
          .hasMessage("weights are for layers 3, but this model has layers 2");
      assertThatThrownBy(() -> policy.swapWeights(corrupt))
          .isInstanceOf(InvalidWeightsException.class)
          .hasMessageStartingWith("weights checksum mismatch");
      assertThatThrownBy(() -> policy.swapWeights(truncated))
          .isInstanceOf(InvalidWeightsException.class)
          .hasMessageStartingWith("weights are truncated");

      assertThat(policy.version()).isZero();
      assertThat(policy.weights().bitEquals(original)).isTrue();
      assertThat(policy.sample(PROMPT, GREEDY)).isEqualTo(before);
    }
  }

  @Test
  void aModelMustHaveARowForEveryTokenOfItsTokenizer() {
    ModelConfig tooFewTokens = new ModelConfig(200, 16, 2, 2, 64, 32, true);

    assertThatThrownBy(() -> Policy.initialize(tooFewTokens, 1L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("vocab_size must be at least 263 for tokenizer byte-v1, but was 200");
    // More rows than tokens is what Hugging Face checkpoints do (Qwen2.5 pads 151,665 to 151,936).
    try (Policy padded = Policy.initialize(new ModelConfig(300, 16, 2, 2, 64, 32, true), 1L)) {
      assertThat(padded.config().vocabSize()).isEqualTo(300);
    }
  }

  @Test
  void aClosedPolicyRefusesWorkAndClosesOnce() {
    Policy policy = Policy.initialize(CONFIG, 5L);
    policy.close();
    policy.close();

    assertThatThrownBy(() -> policy.sample(PROMPT, GREEDY))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the policy is closed");
    assertThatThrownBy(policy::exportWeights).hasMessage("the policy is closed");
  }

  @Test
  void aPolicyOnOneThreadSamplesLikeOneOnTheDefaultPools() {
    SamplingParams params = SamplingParams.sampling(1f, 12, ByteTokenizer.EOS, 3L);
    try (Policy single = Policy.initialize(CONFIG, 5L, SessionThreads.SINGLE);
        Policy pooled = Policy.initialize(CONFIG, 5L)) {
      assertThat(single.sampleGroup(PROMPT, 4, params))
          .extracting(SampleResult::tokens)
          .containsExactlyElementsOf(
              pooled.sampleGroup(PROMPT, 4, params).stream().map(SampleResult::tokens).toList());
    }
    assertThatThrownBy(() -> new SessionThreads(-1, 0))
        .hasMessage("intraOp must be in 0..1024 (0: TensorFlow's choice), but was -1");
  }
}
