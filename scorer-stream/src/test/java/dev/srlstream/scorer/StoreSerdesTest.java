package dev.srlstream.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.schemas.SampleRecords;
import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.GroupRollout;
import dev.srlstream.schemas.serde.AvroSerde;
import dev.srlstream.schemas.serde.InMemorySchemaRegistry;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The scorer's store serdes that skip decoding: what they hand back, and when they decode. */
class StoreSerdesTest {
  private static final String TOPIC = "store-changelog";
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  private GroupRollout rollout() {
    return SampleRecords.trainingGroup().getRollouts().get(0);
  }

  @Test
  void theArrayAPutGaveIsReadBackOnceWithoutDecodingThenDecoded() {
    DecodeSkippingSerde<GroupRollout> serde =
        new DecodeSkippingSerde<>(new AvroSerde<>(GroupRollout.class, registry), 8);
    GroupRollout put = rollout();

    byte[] bytes = serde.serialize(TOPIC, put);

    assertThat(serde.deserialize(TOPIC, bytes)).isSameAs(put);
    // The second read of the same array decodes: a record changed after the first read is not
    // handed out again.
    put.setAdvantage(1.5);
    GroupRollout again = serde.deserialize(TOPIC, bytes);
    assertThat(again).isNotSameAs(put).isEqualTo(rollout());
  }

  @Test
  void equalBytesInAnotherArrayAreDecoded() {
    DecodeSkippingSerde<GroupRollout> serde =
        new DecodeSkippingSerde<>(new AvroSerde<>(GroupRollout.class, registry), 8);
    GroupRollout put = rollout();
    byte[] bytes = serde.serialize(TOPIC, put);

    GroupRollout fromRocksDb = serde.deserialize(TOPIC, Arrays.copyOf(bytes, bytes.length));

    assertThat(fromRocksDb).isNotSameAs(put).isEqualTo(put);
    assertThat(serde.rememberedCount()).isEqualTo(1); // the put's array is still remembered
  }

  @Test
  void remembersAtMostItsCapacityForgettingTheOldest() {
    DecodeSkippingSerde<GroupRollout> serde =
        new DecodeSkippingSerde<>(new AvroSerde<>(GroupRollout.class, registry), 2);
    GroupRollout first = rollout();
    byte[] firstBytes = serde.serialize(TOPIC, first);
    serde.serialize(TOPIC, rollout());
    GroupRollout third = rollout();
    byte[] thirdBytes = serde.serialize(TOPIC, third);

    assertThat(serde.rememberedCount()).isEqualTo(2);
    assertThat(serde.deserialize(TOPIC, firstBytes)).isNotSameAs(first).isEqualTo(first);
    assertThat(serde.deserialize(TOPIC, thirdBytes)).isSameAs(third);
    assertThat(serde.deserialize(TOPIC, null)).isNull();
    assertThatThrownBy(
            () -> new DecodeSkippingSerde<>(new AvroSerde<>(GroupRollout.class, registry), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity must be >= 1, but was 0");
  }

  @Test
  void eachThreadRemembersOnlyWhatItEncoded() throws Exception {
    DecodeSkippingSerde<GroupRollout> serde =
        new DecodeSkippingSerde<>(new AvroSerde<>(GroupRollout.class, registry), 8);
    GroupRollout put = rollout();
    byte[] bytes = serde.serialize(TOPIC, put);
    GroupRollout[] onOtherThread = new GroupRollout[1];

    Thread other = new Thread(() -> onOtherThread[0] = serde.deserialize(TOPIC, bytes));
    other.start();
    other.join();

    assertThat(onOtherThread[0]).isNotSameAs(put).isEqualTo(put);
    assertThat(serde.deserialize(TOPIC, bytes)).isSameAs(put);
  }

  @Test
  void equalBytesDecodeOnceWhileRemembered() {
    ContentMemoSerde<ExpertStep> serde =
        new ContentMemoSerde<>(new AvroSerde<>(ExpertStep.class, registry), 1);
    byte[] bytes = serde.serializer().serialize(TOPIC, SampleRecords.expertStep());

    ExpertStep first = serde.deserialize(TOPIC, bytes);
    ExpertStep second = serde.deserialize(TOPIC, Arrays.copyOf(bytes, bytes.length));

    assertThat(first).isEqualTo(SampleRecords.expertStep());
    assertThat(second).isSameAs(first);
    ExpertStep other = SampleRecords.expertStep();
    other.setTargetStep("another step");
    byte[] otherBytes = serde.serializer().serialize(TOPIC, other);
    assertThat(serde.deserialize(TOPIC, otherBytes)).isEqualTo(other);
    // capacity 1: the first was forgotten, so its bytes decode anew
    assertThat(serde.deserialize(TOPIC, bytes)).isNotSameAs(first).isEqualTo(first);
  }

  @Test
  void rolloutKeysAreZeroPaddedToSixDigitsAsBefore() {
    for (int index : new int[] {0, 7, 42, 999_999, 1_234_567}) {
      assertThat(StepScorer.rolloutKey("g1", index))
          .isEqualTo("g1" + '\u0000' + String.format("%06d", index));
    }
  }
}
