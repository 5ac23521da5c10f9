package dev.srlstream.method.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.srlstream.method.data.InstanceExpander.Config;
import dev.srlstream.method.data.InstanceExpander.Targets;
import dev.srlstream.schemas.avro.TrainingMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceExpanderTest {

  private static final ExpertSolution FOUR_STEPS =
      new ExpertSolution(
          "p-1",
          "What is 2 + 3 × (4 - 1)?",
          List.of(
              new Step("brackets first", "4 - 1 = 3"),
              Step.of("3 × 3 = 9"),
              new Step("add", "2 + 9 = 11"),
              new Step("check", "11 is the answer")),
          "11",
          "test");

  private static List<StepInstance> expand(Config config, ExpertSolution solution) {
    return new InstanceExpander(config).expand(solution, Split.TRAIN);
  }

  @Test
  void allTargetsGiveOneInstancePerStep() {
    List<StepInstance> instances = expand(Config.defaults(), FOUR_STEPS);

    assertThat(instances).extracting(StepInstance::stepIndex).containsExactly(0, 1, 2, 3);
    assertThat(instances)
        .extracting(StepInstance::target)
        .containsExactly("4 - 1 = 3", "3 × 3 = 9", "2 + 9 = 11", "11 is the answer");
    assertThat(instances).allSatisfy(i -> assertThat(i.totalSteps()).isEqualTo(4));
    StepInstance third = instances.get(2);
    assertThat(third.contextSteps()).containsExactly("4 - 1 = 3", "3 × 3 = 9");
    assertThat(third.question()).isEqualTo(FOUR_STEPS.question());
    assertThat(third.answer()).isEqualTo("11");
    assertThat(third.source()).isEqualTo("test");
    assertThat(third.split()).isEqualTo(Split.TRAIN);
    assertThat(third.instanceId()).isEqualTo("p-1/k2/SRL");
  }

  @Test
  void allButFirstSkipsTheFirstStep() {
    List<StepInstance> instances =
        expand(Config.defaults().withTargets(Targets.ALL_BUT_FIRST), FOUR_STEPS);

    assertThat(instances).extracting(StepInstance::stepIndex).containsExactly(1, 2, 3);
    assertThat(instances).allSatisfy(i -> assertThat(i.contextSteps()).isNotEmpty());
    ExpertSolution oneStep = new ExpertSolution("p-2", "q", List.of(Step.of("only")), null, "test");
    assertThat(expand(Config.defaults().withTargets(Targets.ALL_BUT_FIRST), oneStep)).isEmpty();
    assertThat(expand(Config.defaults(), oneStep)).hasSize(1);
  }

  @Test
  void countsOverAGeneratedDataSet() {
    List<ArithmeticProblem> problems =
        ArithmeticProblems.generate(ArithmeticProblems.Config.defaults().withSizes(300, 0, 0))
            .get(Split.TRAIN);
    List<ExpertSolution> solutions =
        problems.stream().map(ArithmeticProblem::toExpertSolution).toList();
    int steps = problems.stream().mapToInt(ArithmeticProblem::difficulty).sum();

    assertThat(new InstanceExpander(Config.defaults()).expandAll(solutions, Split.TRAIN))
        .hasSize(steps);
    assertThat(
            new InstanceExpander(Config.defaults().withTargets(Targets.ALL_BUT_FIRST))
                .expandAll(solutions, Split.TRAIN))
        .hasSize(steps - problems.size());
  }

  @Test
  void theHintIsTheTitleOnlyWhenAsked() {
    List<StepInstance> without = expand(Config.defaults(), FOUR_STEPS);
    List<StepInstance> with = expand(Config.defaults().withTitleHint(true), FOUR_STEPS);

    assertThat(without).extracting(StepInstance::hint).containsOnlyNulls();
    assertThat(without)
        .extracting(StepInstance::targetTitle)
        .containsExactly("brackets first", null, "add", "check");
    assertThat(with)
        .extracting(StepInstance::hint)
        .containsExactly("brackets first", null, "add", "check");
  }

  @Test
  void wholeSolutionModesGiveOneInstanceWithTheWholeSolution() {
    for (TrainingMode mode : List.of(TrainingMode.RLVR, TrainingMode.HOLISTIC, TrainingMode.SFT)) {
      List<StepInstance> instances =
          expand(Config.defaults().withMode(mode).withTitleHint(true), FOUR_STEPS);

      assertThat(instances).hasSize(1);
      StepInstance instance = instances.get(0);
      assertThat(instance.instanceId()).isEqualTo("p-1/k0/" + mode);
      assertThat(instance.mode()).isEqualTo(mode);
      assertThat(instance.stepIndex()).isZero();
      assertThat(instance.totalSteps()).isEqualTo(4);
      assertThat(instance.contextSteps()).isEmpty();
      assertThat(instance.hint()).isNull();
      assertThat(instance.target()).isEqualTo("4 - 1 = 3\n3 × 3 = 9\n2 + 9 = 11\n11 is the answer");
    }
  }

  @Test
  void theSolutionTextIsTheActionsAloneWithoutAnAddedAnswer() {
    ExpertSolution boxed =
        new ExpertSolution("b", "q", List.of(Step.of("x = 2"), Step.of("so \\boxed{2}")), "2", "t");
    ExpertSolution plain =
        new ExpertSolution("p", "q", List.of(Step.of("1 + 1 = 2"), Step.of("2 × 3 = 6")), "6", "t");

    assertThat(boxed.solutionText()).isEqualTo("x = 2\nso \\boxed{2}");
    assertThat(plain.solutionText()).isEqualTo("1 + 1 = 2\n2 × 3 = 6");
  }

  @Test
  void theContextWindowKeepsTheLastSteps() {
    List<StepInstance> instances = expand(Config.defaults().withContextWindow(2), FOUR_STEPS);

    assertThat(instances)
        .extracting(StepInstance::contextSteps)
        .containsExactly(
            List.of(),
            List.of("4 - 1 = 3"),
            List.of("4 - 1 = 3", "3 × 3 = 9"),
            List.of("3 × 3 = 9", "2 + 9 = 11"));
    assertThat(expand(Config.defaults().withContextWindow(0), FOUR_STEPS))
        .allSatisfy(i -> assertThat(i.contextSteps()).isEmpty());
  }

  @Test
  void idsAreStableAndUnique() {
    List<ExpertSolution> solutions =
        ArithmeticProblems.generate(ArithmeticProblems.Config.defaults().withSizes(200, 20, 20))
            .all()
            .stream()
            .map(ArithmeticProblem::toExpertSolution)
            .toList();
    List<String> firstRun = new ArrayList<>();
    List<String> secondRun = new ArrayList<>();
    for (TrainingMode mode : TrainingMode.values()) {
      // The second run sees the solutions in another order and with other settings.
      Config config = Config.defaults().withMode(mode);
      new InstanceExpander(config)
          .expandAll(solutions, Split.TRAIN)
          .forEach(i -> firstRun.add(i.instanceId()));
      List<ExpertSolution> reversed = new ArrayList<>(solutions);
      java.util.Collections.reverse(reversed);
      new InstanceExpander(config.withTitleHint(true).withContextWindow(1))
          .expandAll(reversed, Split.TEST)
          .forEach(i -> secondRun.add(i.instanceId()));
    }

    assertThat(firstRun).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(secondRun);
    assertThat(firstRun)
        .allMatch(id -> id.matches("arith-[0-9a-f]{12}/k\\d+/(SRL|RLVR|HOLISTIC|SFT)"));
  }

  @Test
  void configIsValidated() {
    assertThatThrownBy(() -> Config.defaults().withContextWindow(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("contextWindow must be >= 0 (or ALL_EARLIER_STEPS), but was -1");
    assertThatThrownBy(() -> Config.defaults().withMode(null))
        .hasMessage("mode must be one of SRL, RLVR, HOLISTIC, SFT, but was null");
    assertThatThrownBy(() -> Config.defaults().withTargets(null))
        .hasMessage("targets must be ALL or ALL_BUT_FIRST, but was null");
  }
}
