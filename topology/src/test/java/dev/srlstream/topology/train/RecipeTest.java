package dev.srlstream.topology.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.schemas.avro.TrainingMode;
import org.junit.jupiter.api.Test;

class RecipeTest {

  @Test
  void everyCliNameNamesItsRecipe() {
    assertThat(Recipe.of("sft")).isEqualTo(Recipe.SFT);
    assertThat(Recipe.of("rlvr")).isEqualTo(Recipe.RLVR);
    assertThat(Recipe.of("srl")).isEqualTo(Recipe.SRL);
    assertThat(Recipe.of("srl-rlvr")).isEqualTo(Recipe.SRL_RLVR);
    assertThat(Recipe.of("holistic")).isEqualTo(Recipe.HOLISTIC);
    for (Recipe recipe : Recipe.values()) {
      assertThat(Recipe.of(recipe.cliName())).isSameAs(recipe);
      assertThat(recipe.toString()).isEqualTo(recipe.cliName());
    }
  }

  @Test
  void anUnknownNameListsTheValidOnes() {
    assertThatThrownBy(() -> Recipe.of("grpo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recipe must be one of sft, rlvr, srl, srl-rlvr, holistic, but was grpo");
    // the enum constant's name is no cli name
    assertThatThrownBy(() -> Recipe.of("SRL_RLVR")).hasMessageEndingWith("but was SRL_RLVR");
    assertThatThrownBy(() -> Recipe.of(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("but was null");
  }

  @Test
  void modesAndStreaming() {
    assertThat(Recipe.SRL_RLVR.modes()).containsExactly(TrainingMode.SRL, TrainingMode.RLVR);
    assertThat(Recipe.SRL_RLVR.firstMode()).isEqualTo(TrainingMode.SRL);
    assertThat(Recipe.SRL.modes()).containsExactly(TrainingMode.SRL);
    assertThat(Recipe.RLVR.modes()).containsExactly(TrainingMode.RLVR);
    assertThat(Recipe.HOLISTIC.modes()).containsExactly(TrainingMode.HOLISTIC);
    assertThat(Recipe.SFT.modes()).containsExactly(TrainingMode.SFT);
    assertThat(Recipe.SFT.streams()).isFalse();
    assertThat(Recipe.values())
        .filteredOn(r -> r != Recipe.SFT)
        .allSatisfy(r -> assertThat(r.streams()).isTrue());
  }
}
