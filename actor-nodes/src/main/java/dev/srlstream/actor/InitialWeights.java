package dev.srlstream.actor;

import dev.srlstream.actor.PolicyVersionFeed.VersionUpdate;
import dev.srlstream.policy.ByteTokenizer;
import dev.srlstream.policy.InvalidWeightsException;
import dev.srlstream.policy.ModelConfig;
import dev.srlstream.policy.WeightsCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Optional;

/**
 * The weights an actor process starts from: the newest valid published version of its policy; if
 * none, the base policy file; if none is given, fresh weights of the configured architecture.
 *
 * @param weights WeightsCodec bytes, or null for fresh weights
 * @param model the architecture the actors sample with (new versions must fit it)
 * @param tokenizerId the tokenizer the actors use
 * @param source where they came from, for the log
 */
record InitialWeights(byte[] weights, ModelConfig model, String tokenizerId, String source) {

  /**
   * @throws InvalidWeightsException if the base policy file is not valid weights
   * @throws UncheckedIOException if it cannot be read
   */
  static InitialWeights choose(Optional<VersionUpdate> latest, ActorConfig config) {
    if (latest.isPresent()) {
      return of(
          latest.get().weights(),
          "version " + latest.get().version() + " at " + latest.get().coordinates());
    }
    if (config.basePolicy() != null) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(config.basePolicy());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the base policy " + config.basePolicy(), e);
      }
      try {
        return of(bytes, "the base policy " + config.basePolicy());
      } catch (InvalidWeightsException e) {
        throw new InvalidWeightsException(
            "the base policy " + config.basePolicy() + " is not valid weights: " + e.getMessage(),
            e);
      }
    }
    return new InitialWeights(
        null, config.model(), ByteTokenizer.ID, "fresh weights (seed " + config.initSeed() + ")");
  }

  private static InitialWeights of(byte[] bytes, String source) {
    WeightsCodec.Decoded decoded = WeightsCodec.decode(bytes);
    return new InitialWeights(bytes, decoded.config(), decoded.tokenizerId(), source);
  }
}
