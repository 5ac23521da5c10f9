package dev.srlstream.infra.registry;

import static dev.srlstream.infra.registry.TestSchemas.TASK_ADDS_SCORE_NO_DEFAULT;
import static dev.srlstream.infra.registry.TestSchemas.TASK_EMPTY;
import static dev.srlstream.infra.registry.TestSchemas.TASK_V1;
import static dev.srlstream.infra.registry.TestSchemas.TASK_V2_WITH_DEFAULT;
import static dev.srlstream.infra.registry.TestSchemas.field;
import static dev.srlstream.infra.registry.TestSchemas.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.srlstream.infra.registry.CompatibilityChecker.Earlier;
import dev.srlstream.schemas.registry.CompatibilityLevel;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityCheckerTest {

  private static List<String> check(Schema candidate, CompatibilityLevel level, Schema... earlier) {
    List<Earlier> versions = new java.util.ArrayList<>();
    for (int i = 0; i < earlier.length; i++) {
      versions.add(new Earlier(i + 1, earlier[i]));
    }
    return CompatibilityChecker.incompatibilities(candidate, versions, level);
  }

  @Test
  void backwardRefusesANewFieldWithoutDefaultAndNamesIt() {
    List<String> problems = check(TASK_ADDS_SCORE_NO_DEFAULT, CompatibilityLevel.BACKWARD, TASK_V1);
    assertThat(problems).hasSize(2);
    assertThat(problems.get(0))
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("'score'")
        .contains("The new schema cannot read data written with version 1");
    assertThat(problems.get(1)).isEqualTo("{compatibility: 'BACKWARD'}");
  }

  @Test
  void eachLevelChecksItsDirections() {
    assertThat(check(TASK_V2_WITH_DEFAULT, CompatibilityLevel.FULL, TASK_V1)).isEmpty();
    assertThat(check(TASK_ADDS_SCORE_NO_DEFAULT, CompatibilityLevel.FORWARD, TASK_V1)).isEmpty();
    assertThat(check(TASK_ADDS_SCORE_NO_DEFAULT, CompatibilityLevel.FULL, TASK_V1)).isNotEmpty();
    assertThat(check(TASK_EMPTY, CompatibilityLevel.BACKWARD, TASK_V1)).isEmpty();
    assertThat(check(TASK_EMPTY, CompatibilityLevel.FORWARD, TASK_V1))
        .first()
        .asString()
        .contains("Version 1 cannot read data written with the new schema")
        .contains("'id'");
  }

  @Test
  void noneAcceptsAnythingAndAFirstVersionIsAlwaysCompatible() {
    Schema other = record("Other", field("x", "int"));
    assertThat(check(other, CompatibilityLevel.NONE, TASK_V1)).isEmpty();
    assertThat(check(other, CompatibilityLevel.FULL_TRANSITIVE)).isEmpty();
  }

  @Test
  void transitiveLevelsCheckEveryVersionOthersOnlyTheLatest() {
    Schema v1 = record("T", field("x", "int"));
    Schema v2 = record("T");
    Schema v3 = record("T", field("x", "string", "\"\""));
    assertThat(check(v3, CompatibilityLevel.BACKWARD, v1, v2)).isEmpty();
    assertThat(check(v3, CompatibilityLevel.BACKWARD_TRANSITIVE, v1, v2))
        .anySatisfy(p -> assertThat(p).contains("TYPE_MISMATCH").contains("version 1"));
  }
}
