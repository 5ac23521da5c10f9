package dev.srlstream.topology.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.schemas.avro.ExpertStep;
import dev.srlstream.schemas.avro.StepReward;
import dev.srlstream.schemas.registry.RegisteredSchema;
import dev.srlstream.schemas.registry.RegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class ReplayRegistryTest {

  /** A live registry holding StepReward under srl.step-rewards-value as id 7; counts the calls. */
  private static final class FakeLive implements ReplayRegistry.LiveSchemas {
    final List<String> calls = new ArrayList<>();
    final Map<Integer, Schema> byId = Map.of(7, StepReward.getClassSchema());

    @Override
    public Schema schemaById(int id) {
      calls.add("schemaById " + id);
      Schema s = byId.get(id);
      if (s == null) {
        throw new RegistryException(404, 40403, "Schema " + id + " not found");
      }
      return s;
    }

    @Override
    public List<RegisteredSchema> versions(String subject) {
      calls.add("versions " + subject);
      return subject.equals("srl.step-rewards-value")
          ? List.of(new RegisteredSchema(subject, 1, 7, StepReward.getClassSchema()))
          : List.of();
    }

    @Override
    public String describe() {
      return "fake";
    }
  }

  @Test
  void aSchemaTheLiveRegistryHoldsGetsItsLiveId() {
    FakeLive live = new FakeLive();
    ReplayRegistry registry = new ReplayRegistry(live);

    assertThat(registry.register("srl.step-rewards-value", StepReward.getClassSchema()))
        .isEqualTo(7);
    assertThat(registry.register("srl.step-rewards-value", StepReward.getClassSchema()))
        .isEqualTo(7);
    assertThat(registry.isLocal(7)).isFalse();
    assertThat(registry.schemaById(7)).isEqualTo(StepReward.getClassSchema());
    // Looked up once, and never anything but reads (the interface has no write).
    assertThat(live.calls).containsExactly("versions srl.step-rewards-value");
  }

  @Test
  void anyOtherSchemaIsRegisteredLocallyWithAnIdNoLiveOneReaches() {
    FakeLive live = new FakeLive();
    ReplayRegistry registry = new ReplayRegistry(live);

    int local = registry.register("replay-state-changelog-value", ExpertStep.getClassSchema());
    int again = registry.register("other-value", ExpertStep.getClassSchema());
    int second = registry.register("srl.step-rewards-value", ExpertStep.getClassSchema());

    assertThat(local).isEqualTo(ReplayRegistry.LOCAL_ID_BASE);
    assertThat(again).isEqualTo(local); // one id per distinct schema, as a registry gives
    assertThat(second).isEqualTo(local);
    assertThat(registry.isLocal(local)).isTrue();
    assertThat(registry.schemaById(local)).isEqualTo(ExpertStep.getClassSchema());
    assertThat(registry.localSubjects()).containsExactly("replay-state-changelog-value");
    assertThat(live.calls).doesNotContain("schemaById " + local);
  }

  @Test
  void recordedIdsAreResolvedFromTheLiveRegistryOnce() {
    FakeLive live = new FakeLive();
    ReplayRegistry registry = new ReplayRegistry(live);

    assertThat(registry.schemaById(7)).isEqualTo(StepReward.getClassSchema());
    assertThat(registry.schemaById(7)).isEqualTo(StepReward.getClassSchema());

    assertThat(live.calls).containsExactly("schemaById 7");
  }
}
