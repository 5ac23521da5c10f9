package dev.srlstream.infra.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.infra.registry.RegistryState.Version;
import dev.srlstream.infra.registry.StoreEntry.Compatibility;
import dev.srlstream.infra.registry.StoreEntry.SchemaVersion;
import dev.srlstream.schemas.registry.CompatibilityLevel;
import org.junit.jupiter.api.Test;

class RegistryStateTest {

  private final RegistryState state = new RegistryState(CompatibilityLevel.BACKWARD);

  @Test
  void emptyStateAllocatesIdOneAndVersionOne() {
    assertThat(state.nextId()).isEqualTo(1);
    assertThat(state.nextVersion("s")).isEqualTo(1);
    assertThat(state.subjects()).isEmpty();
    assertThat(state.versions("s")).isEmpty();
    assertThat(state.schemaById(1)).isEmpty();
  }

  @Test
  void appliedVersionsAreServedByIdSubjectAndVersion() {
    state.apply(new SchemaVersion("b", 1, 1, "S1", false));
    state.apply(new SchemaVersion("a", 1, 2, "S2", false));
    state.apply(new SchemaVersion("a", 2, 1, "S1", false));

    assertThat(state.subjects()).containsExactly("a", "b");
    assertThat(state.versions("a"))
        .containsExactly(new Version("a", 1, 2, "S2"), new Version("a", 2, 1, "S1"));
    assertThat(state.schemaById(2)).contains("S2");
    assertThat(state.idOf("S1")).hasValue(1);
    assertThat(state.versionsWithId(1))
        .containsExactly(new Version("a", 2, 1, "S1"), new Version("b", 1, 1, "S1"));
    assertThat(state.nextId()).isEqualTo(3);
    assertThat(state.nextVersion("a")).isEqualTo(3);
    assertThat(state.nextVersion("b")).isEqualTo(2);
  }

  @Test
  void idAllocationIsMaxIdPlusOneEvenWithGaps() {
    state.apply(new SchemaVersion("s", 1, 7, "S7", false));
    assertThat(state.nextId()).isEqualTo(8);
  }

  @Test
  void reservedIdsAreNeverHandedOut() {
    state.apply(new SchemaVersion("s", 1, 1, "S1", false));
    state.reserveId(2);
    assertThat(state.nextId()).isEqualTo(3);
    state.reserveId(1);
    assertThat(state.nextId()).as("a smaller reservation changes nothing").isEqualTo(3);
  }

  @Test
  void applyingAnEntryTwiceChangesNothing() {
    SchemaVersion entry = new SchemaVersion("s", 1, 1, "S1", false);
    state.apply(entry);
    state.apply(entry);
    assertThat(state.versions("s")).hasSize(1);
    assertThat(state.nextId()).isEqualTo(2);
    assertThat(state.nextVersion("s")).isEqualTo(2);
  }

  @Test
  void firstIdSeenForASchemaWinsOnReplay() {
    state.apply(new SchemaVersion("a", 1, 1, "S", false));
    state.apply(new SchemaVersion("b", 1, 2, "S", false));
    assertThat(state.idOf("S")).hasValue(1);
  }

  @Test
  void softDeletedVersionsAreHiddenButTheirNumbersAreNotReused() {
    state.apply(new SchemaVersion("s", 1, 1, "S1", false));
    state.apply(new SchemaVersion("s", 1, 1, "S1", true));
    assertThat(state.versions("s")).isEmpty();
    assertThat(state.subjects()).isEmpty();
    assertThat(state.nextVersion("s")).isEqualTo(2);
    assertThat(state.schemaById(1)).as("ids stay resolvable").contains("S1");
  }

  @Test
  void levelsFallBackFromSubjectToGlobalToDefault() {
    assertThat(state.globalLevel()).isEqualTo(CompatibilityLevel.BACKWARD);
    assertThat(state.effectiveLevel("s")).isEqualTo(CompatibilityLevel.BACKWARD);

    state.apply(new Compatibility(null, CompatibilityLevel.FORWARD));
    assertThat(state.effectiveLevel("s")).isEqualTo(CompatibilityLevel.FORWARD);

    state.apply(new Compatibility("s", CompatibilityLevel.NONE));
    assertThat(state.subjectLevel("s")).contains(CompatibilityLevel.NONE);
    assertThat(state.effectiveLevel("s")).isEqualTo(CompatibilityLevel.NONE);
    assertThat(state.effectiveLevel("other")).isEqualTo(CompatibilityLevel.FORWARD);

    state.apply(new Compatibility("s", null));
    assertThat(state.subjectLevel("s")).isEmpty();
    assertThat(state.effectiveLevel("s")).isEqualTo(CompatibilityLevel.FORWARD);

    state.apply(new Compatibility(null, null));
    assertThat(state.globalLevel()).isEqualTo(CompatibilityLevel.BACKWARD);
  }
}
